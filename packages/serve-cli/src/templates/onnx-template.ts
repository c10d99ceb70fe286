import { createHash } from "node:crypto";
import { IRIS_FEATURES, IRIS_MODEL_IO, IRIS_SPECIES, irisModelBytes } from "./iris-model.js";
import type { ProjectTemplate } from "./project-template.js";
import { serveConfigTs } from "./serve-config-ts.js";

const INSTALL_NOTE = `\`ONNXRUNTIME_NODE_INSTALL=skip\`: onnxruntime-node's install step downloads
CUDA libraries from a host many networks cannot reach, and fails there; the CPU
build it runs on ships in the package, so skipping the step loses nothing here.
(pnpm 10 runs no install steps by default: \`pnpm install\` needs nothing extra.)`;

/** `--template onnx`: an iris classifier whose ONNX model the template writes itself. */
export const onnxTemplate: ProjectTemplate = {
  summary: "an iris-species classifier running a small ONNX model in worker threads",
  dependencies: { "onnxruntime-node": "^1.22.0" },
  install: "ONNXRUNTIME_NODE_INSTALL=skip npm install",
  installHint: "skips onnxruntime-node's CUDA download",
  installNote: INSTALL_NOTE,
  predictExample: "-i sepal_length=5.1 -i sepal_width=3.5 -i petal_length=1.4 -i petal_width=0.2",
  readmeIntro: `It tells the species of an iris flower (setosa, versicolor or virginica)
from four measurements in centimetres with \`model.onnx\`, a logistic
regression (MatMul, Add, Softmax) that \`serve-cli init\` wrote: input
\`features\` float32 [batch, 4], output \`probabilities\` float32 [batch, 3].`,
  readmeNotes: `\`setup\` checks \`model.onnx\` before serving: its sha256 must be the
\`MODEL_SHA256\` in \`predictor.ts\` and its input and output names must match,
so a damaged or swapped file fails at startup with a message, not with wrong
answers. To use your own model, put it in place of \`model.onnx\` and update
\`MODEL_SHA256\` (\`sha256sum model.onnx\`), the names and the schemas.

Requests that arrive together are classified in one batch (\`batch\` and
\`predictBatch\` in \`predictor.ts\`); \`serve.config.ts\` runs the predictor in
two worker threads, each with its own session.`,
  files: (name) => {
    const model = irisModelBytes();
    return {
      "predictor.ts": predictorTs(name, createHash("sha256").update(model).digest("hex")),
      "serve.config.ts": serveConfigTs([
        '  // Each worker thread runs setup and holds its own ONNX session; "auto" = one per CPU core.',
        "  workers: 2,",
      ]),
      "predictor.test.ts": testTs(name),
      "model.onnx": model,
    };
  },
};

function predictorTs(name: string, sha256: string): string {
  const { input, output } = IRIS_MODEL_IO;
  return `import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { definePredictor, z } from "@servekit/core";
import { type LoadedSession, loadSession, warmUp } from "@servekit/core/onnx";
import { Tensor } from "onnxruntime-node";

const MODEL_FILE = fileURLToPath(new URL("./model.onnx", import.meta.url));
/** sha256 of model.onnx as \`serve-cli init\` wrote it; update it when you replace the model. */
const MODEL_SHA256 = "${sha256}";
const SPECIES = [${IRIS_SPECIES.map((species) => JSON.stringify(species)).join(", ")}] as const;

const Flower = z.object({
${IRIS_FEATURES.map((feature) => `  ${feature}: z.number().positive().max(100).describe("${sentenceCase(feature)}, cm"),`).join("\n")}
});

const Classification = z.object({
  species: z.enum(SPECIES).describe("The most probable species"),
  probabilities: z.object({
    setosa: z.number(),
    versicolor: z.number(),
    virginica: z.number(),
  }),
});

/** Tells the species of an iris flower from its measurements, with model.onnx. */
export const predictor = definePredictor({
  name: ${JSON.stringify(name)},
  version: "0.1.0",
  description: "Iris species (setosa, versicolor, virginica) from sepal and petal sizes in cm.",
  input: Flower,
  output: Classification,
  examples: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
  // Requests arriving within 5 ms of each other run as one [batch, 4] tensor.
  batch: { maxSize: 64, maxWaitMs: 5 },
  async setup(ctx) {
    const bytes = await readFile(MODEL_FILE);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    if (sha256 !== MODEL_SHA256) {
      throw new Error(
        \`\${MODEL_FILE} has sha256 \${sha256}, expected \${MODEL_SHA256}: the file was changed or damaged. \` +
          "Restore it, or if you replaced the model on purpose, set MODEL_SHA256 in predictor.ts to its sha256.",
      );
    }
    const model = await loadSession(bytes, { log: ctx.log });
    const inputs = model.inputs.map((tensor) => tensor.name);
    const outputs = model.outputs.map((tensor) => tensor.name);
    if (inputs.join() !== "${input}" || !outputs.includes("${output}")) {
      throw new Error(
        \`\${MODEL_FILE} has inputs [\${inputs}] and outputs [\${outputs}]; \` +
          'this predictor feeds input "${input}" [batch, 4] and reads output "${output}" [batch, 3]',
      );
    }
    ctx.log.info({ ms: await warmUp(model) }, "model loaded and warmed up");
    return model;
  },
  predict: async (flower, { state }) => (await classify([flower], state))[0]!,
  predictBatch: (flowers, { state }) => classify(flowers, state),
});

async function classify(
  flowers: z.output<typeof Flower>[],
  model: LoadedSession,
): Promise<z.input<typeof Classification>[]> {
  const features = new Float32Array(flowers.length * 4);
  flowers.forEach((f, i) => {
    features.set([f.sepal_length, f.sepal_width, f.petal_length, f.petal_width], i * 4);
  });
  const results = await model.session.run({
    ${input}: new Tensor("float32", features, [flowers.length, 4]),
  });
  const probabilities = results.${output}!.data as Float32Array;
  return flowers.map((_, i) => {
    const row = [...probabilities.subarray(i * 3, i * 3 + 3)].map((p) => Math.round(p * 1e4) / 1e4);
    return {
      species: SPECIES[row.indexOf(Math.max(...row))]!,
      probabilities: { setosa: row[0]!, versicolor: row[1]!, virginica: row[2]! },
    };
  });
}
`;
}

function testTs(name: string): string {
  return `import { testPredictor } from "@servekit/core/testing";
import { describe, expect, it } from "vitest";
import { predictor } from "./predictor.js";

const flower = (
  sepal_length: number,
  sepal_width: number,
  petal_length: number,
  petal_width: number,
) => ({ sepal_length, sepal_width, petal_length, petal_width });

describe(${JSON.stringify(name)}, () => {
  it("tells a typical flower of each species, also when requests arrive together", async () => {
    const tester = await testPredictor(predictor);
    const results = await Promise.all([
      tester.predict(flower(5.1, 3.5, 1.4, 0.2)),
      tester.predict(flower(5.9, 3.0, 4.2, 1.5)),
      tester.predict(flower(6.7, 3.0, 5.2, 2.3)),
    ]);
    expect(results.map((r) => r.species)).toEqual(["setosa", "versicolor", "virginica"]);
    const [setosa] = results;
    expect(setosa!.probabilities.setosa).toBeGreaterThan(0.9);
    await tester.close();
  });

  it("rejects a negative measurement, naming the field", async () => {
    const tester = await testPredictor(predictor);
    await expect(tester.predict(flower(5.1, 3.5, -1.4, 0.2))).rejects.toMatchObject({
      details: [{ path: ["petal_length"] }],
    });
    await tester.close();
  });
});
`;
}

/** "sepal_length" → "Sepal length". */
function sentenceCase(field: string): string {
  const words = field.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
