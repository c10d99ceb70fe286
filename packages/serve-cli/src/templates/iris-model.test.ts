import { describe, expect, it } from "vitest";
import { IRIS_COEFFICIENTS, IRIS_MODEL_IO, IRIS_SPECIES, irisModelBytes } from "./iris-model.js";
import { runRows } from "./test-support/onnxruntime.js";

// One typical flower of each species from Fisher's data (cm).
const FLOWERS = {
  setosa: [5.1, 3.5, 1.4, 0.2],
  versicolor: [5.9, 3.0, 4.2, 1.5],
  virginica: [6.7, 3.0, 5.2, 2.3],
} as const;

/** Softmax of the logistic regression in float64, for comparison with the model's float32. */
function expectedProbabilities(features: readonly number[]): number[] {
  const logits = IRIS_SPECIES.map(
    (species) =>
      IRIS_COEFFICIENTS[species].bias +
      IRIS_COEFFICIENTS[species].weights.reduce((sum, w, k) => sum + w * features[k]!, 0),
  );
  const max = Math.max(...logits);
  const exps = logits.map((logit) => Math.exp(logit - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

describe("irisModelBytes", () => {
  it("classifies a typical flower of each species correctly, in one batch", async () => {
    const rows = await runRows(irisModelBytes(), IRIS_MODEL_IO, Object.values(FLOWERS));
    const predicted = rows.map((p) => IRIS_SPECIES[p.indexOf(Math.max(...p))]);
    expect(predicted).toEqual(Object.keys(FLOWERS));
    for (const p of rows) expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it("computes the softmax of the logistic regression's scores", async () => {
    const flowers = Object.values(FLOWERS);
    const rows = await runRows(irisModelBytes(), IRIS_MODEL_IO, flowers);
    const expected = flowers.map(expectedProbabilities);
    for (const [i, p] of rows.entries()) {
      for (const [j, q] of expected[i]!.entries()) expect(p[j]).toBeCloseTo(q, 5);
    }
  });

  it("gives the same bytes every time, so their hash can be checked", () => {
    expect(irisModelBytes()).toEqual(irisModelBytes());
  });
});
