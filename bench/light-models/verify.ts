// Checks made before measuring, so the servers compared do the same work:
// same request, same answer, same rejection.
import { isDeepStrictEqual } from "node:util";
import type { Contender } from "./rounds.js";

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

/**
 * Throws unless every echo server answers `{"text":"hello"}` with 200 and
 * that same JSON, and `{"text":1}` with 422.
 *
 * @example
 * await verifyEcho([{ name: "servekit", url: "http://127.0.0.1:8000/predict" }]);
 */
export async function verifyEcho(contenders: Contender[]): Promise<void> {
  for (const { name, url } of contenders) {
    const ok = await post(url, { text: "hello" });
    if (ok.status !== 200 || !isDeepStrictEqual(ok.json, { text: "hello" })) {
      throw new Error(
        `${name} answered ${ok.status} ${JSON.stringify(ok.json)} to {"text":"hello"}; expected 200 {"text":"hello"}`,
      );
    }
    const bad = await post(url, { text: 1 });
    if (bad.status !== 422) {
      throw new Error(`${name} answered ${bad.status} to {"text":1}; expected 422`);
    }
  }
}

/** A trip with the duration scikit-learn predicted for it. */
export interface Sample {
  input: Record<string, number>;
  duration: number;
}

/**
 * Throws unless every linear server answers each sample with 200
 * `{"duration": d}`, d within 1e-3 of scikit-learn's prediction.
 *
 * @example
 * await verifyLinear(contenders, meta.samples);
 */
export async function verifyLinear(contenders: Contender[], samples: Sample[]): Promise<void> {
  for (const { name, url } of contenders) {
    for (const sample of samples) {
      const { status, json } = await post(url, sample.input);
      const duration = (json as { duration?: unknown }).duration;
      if (
        status !== 200 ||
        typeof duration !== "number" ||
        Math.abs(duration - sample.duration) > 1e-3
      ) {
        throw new Error(
          `${name} answered ${status} ${JSON.stringify(json)} to ${JSON.stringify(sample.input)}; scikit-learn predicts ${sample.duration} (tolerance 1e-3)`,
        );
      }
    }
  }
}
