import type { ProjectTemplate } from "./project-template.js";
import { serveConfigTs } from "./serve-config-ts.js";

/** `--template text`: a word counter in plain TypeScript, the shape of any predictor. */
export const textTemplate: ProjectTemplate = {
  summary: "a word counter in plain TypeScript (the default)",
  dependencies: {},
  install: "npm install",
  predictExample: `-i text="to be or not to be" -i top=2`,
  readmeIntro:
    "It counts the words of a text and lists the most frequent ones: replace\nit with your model.",
  readmeNotes: `Edit \`predictor.ts\`: the input and output schemas drive validation, the
OpenAPI document and \`-i key=value\` parsing; \`setup\` runs once per worker
before the server is ready (load weights there). Server options live in
\`serve.config.ts\`; \`serve-cli run --help\` lists the flags that override them.`,
  files: (name) => ({
    "predictor.ts": predictorTs(name),
    "serve.config.ts": serveConfigTs([
      '  // workers: "auto",        // run predictions in worker threads (for CPU-heavy models)',
      "  // predictTimeoutMs: 60_000,",
    ]),
    "predictor.test.ts": testTs(name),
  }),
};

function predictorTs(name: string): string {
  return `import { definePredictor, z } from "@servekit/core";

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
`;
}

function testTs(name: string): string {
  return `import { testPredictor } from "@servekit/core/testing";
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
`;
}
