/** Where the scaffolded project's servekit packages come from. */
export interface DependencySpecs {
  core: string;
  cli: string;
}

/**
 * The files of a new predictor project, by relative path. Pure: no I/O.
 *
 * @example
 * projectFiles("text-stats", { core: "^0.1.0", cli: "^0.1.0" })["predictor.ts"]
 */
export function projectFiles(name: string, deps: DependencySpecs): Record<string, string> {
  return {
    "package.json": `${JSON.stringify(
      {
        name,
        version: "0.1.0",
        private: true,
        type: "module",
        scripts: {
          start: "serve-cli run",
          predict: "serve-cli predict",
          test: "vitest run",
        },
        dependencies: { "@servekit/core": deps.core },
        devDependencies: {
          "@servekit/cli": deps.cli,
          "@types/node": "^20.19.0",
          typescript: "^5.9.0",
          vitest: "^4.1.0",
        },
        engines: { node: ">=20" },
      },
      null,
      2,
    )}\n`,
    "predictor.ts": `import { definePredictor, z } from "@servekit/core";

/** Counts words in a text: replace this with your model. */
export const predictor = definePredictor({
  name: ${JSON.stringify(name)},
  version: "0.1.0",
  description: "Counts the words of a text and lists the most frequent ones.",
  input: z.object({
    text: z.string().min(1).max(100_000).describe("Text to analyse"),
    top: z.number().int().min(1).max(50).default(3).describe("How many frequent words to list"),
    lowercase: z.boolean().default(true).describe("Fold case before counting"),
  }),
  output: z.object({
    words: z.number().int(),
    top_words: z.array(z.object({ word: z.string(), count: z.number().int() })),
  }),
  async setup(ctx) {
    // Load weights, open sessions, warm up: runs once per worker before the server is READY.
    ctx.log.info("ready to count");
    return { wordPattern: /[\\p{L}\\p{N}']+/gu };
  },
  async predict({ text, top, lowercase }, { state }) {
    const words = (lowercase ? text.toLowerCase() : text).match(state.wordPattern) ?? [];
    const counts = new Map<string, number>();
    for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1);
    const top_words = [...counts]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, top)
      .map(([word, count]) => ({ word, count }));
    return { words: words.length, top_words };
  },
});
`,
    "serve.config.ts": `import { defineConfig } from "@servekit/core";

export default defineConfig({
  entry: "predictor.ts",
  port: 8000,
  // workers: "auto",        // run predictions in worker threads (for CPU-heavy models)
  // predictTimeoutMs: 60_000,
});
`,
    "predictor.test.ts": `import { testPredictor } from "@servekit/core/testing";
import { describe, expect, it } from "vitest";
import { predictor } from "./predictor.js";

describe(${JSON.stringify(name)}, () => {
  it("counts words and lists the most frequent", async () => {
    const tester = await testPredictor(predictor);
    const out = await tester.predict({ text: "the cat and the hat", top: 1 });
    expect(out).toEqual({ words: 5, top_words: [{ word: "the", count: 2 }] });
    await tester.close();
  });

  it("rejects empty text, naming the field", async () => {
    const tester = await testPredictor(predictor);
    await expect(tester.predict({ text: "" })).rejects.toMatchObject({ details: [{ path: ["text"] }] });
    await tester.close();
  });
});
`,
    "tsconfig.json": `${JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ["node"],
        },
        include: ["*.ts"],
      },
      null,
      2,
    )}\n`,
    ".gitignore": "node_modules/\n",
    "README.md": `# ${name}

A [servekit](https://github.com/servekit/servekit) predictor.

\`\`\`sh
npm install
npm start                                   # serve on http://127.0.0.1:8000 (docs at /docs)
npx serve-cli predict -i text="to be or not to be"
npm test
\`\`\`

Edit \`predictor.ts\`: the input and output schemas drive validation, the
OpenAPI document and \`-i key=value\` parsing. Server options live in
\`serve.config.ts\`; \`serve-cli run --help\` lists the flags that override them.
`,
  };
}
