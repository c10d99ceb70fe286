/** A file's content: text, or bytes for binary files such as a model. */
export type FileContent = string | Uint8Array;

/** What makes one `serve-cli init --template` different from the others. */
export interface ProjectTemplate {
  /** One line for `--help` and the docs, e.g. "a word counter in plain TypeScript". */
  summary: string;
  /** Runtime dependencies besides @servekit/core and @servekit/cli, name → version range. */
  dependencies: Readonly<Record<string, string>>;
  /** The install command, e.g. `npm install`. */
  install: string;
  /** Why the install command is not a plain `npm install`, in a few words (a shell comment). */
  installHint?: string;
  /** The same at length, a README paragraph. */
  installNote?: string;
  /** Arguments after `npm run predict --` that work on the fresh project. */
  predictExample: string;
  /** README paragraphs between the title and the commands: what the predictor does. */
  readmeIntro: string;
  /** README paragraphs after the commands: where to change what. */
  readmeNotes: string;
  /** The template's own files (predictor.ts, serve.config.ts, predictor.test.ts, …) for a package name. */
  files(name: string): Record<string, FileContent>;
}
