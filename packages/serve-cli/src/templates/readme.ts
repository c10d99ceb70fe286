import type { DependencySpecs } from "./dependency-specs.js";
import type { ProjectTemplate } from "./project-template.js";

/** What the README is written from. */
export interface ReadmeSpec {
  name: string;
  template: ProjectTemplate;
  servekit: DependencySpecs;
  /** The registry the `.npmrc` points `@servekit` at, if any. */
  registry?: string;
}

/**
 * The project's README: what the predictor does, the commands that install,
 * test, serve, query and package it, and where the servekit packages come from.
 *
 * @example
 * readme({ name: "iris", template: onnxTemplate, servekit: { core: "^0.1.0", cli: "^0.1.0" } });
 */
export function readme(spec: ReadmeSpec): string {
  const { template } = spec;
  const installComment = template.installHint ? `   # ${template.installHint}, see below` : "";
  return `# ${spec.name}

A [servekit](https://github.com/servekit/servekit) predictor.

${template.readmeIntro}

\`\`\`sh
${template.install}${installComment}
npm test                       # the predictor's own tests (vitest)
npm start                      # serve on http://127.0.0.1:8000 (API docs at /docs)
npm run predict -- ${template.predictExample}
npm run typecheck              # tsc --noEmit
npm run build:image            # a container image, with docker, podman or buildah
\`\`\`

\`npm run predict\` runs one prediction in-process (setup included); add
\`--url http://127.0.0.1:8000\` to send it to the running server instead.
${template.installNote ? `\n${template.installNote}\n` : ""}
${template.readmeNotes}

## Where servekit comes from

${packageSource(spec)}
`;
}

function packageSource(spec: ReadmeSpec): string {
  if (spec.servekit.core.startsWith("file:")) {
    return `\`@servekit/core\` and \`@servekit/cli\` are linked from a local checkout
(\`${spec.servekit.core}\`, \`${spec.servekit.cli}\`); replace the links with
version ranges to use the published packages.`;
  }
  const runtime =
    "Both `@servekit/core` and `@servekit/cli` are runtime dependencies:\nthe image runs `serve-cli run` from `node_modules`.";
  if (spec.registry) {
    return `\`.npmrc\` takes the \`@servekit\` packages from ${spec.registry} (all other
packages from the default registry); \`serve-cli build\` copies it into the
image's install step.

${runtime}`;
  }
  return `The \`@servekit\` packages come from the public npm registry. To take them from
another one (a company registry, a local Verdaccio), add a line
\`@servekit:registry=<url>\` to \`.npmrc\`; \`serve-cli build\` copies it into the
image's install step.

${runtime}`;
}
