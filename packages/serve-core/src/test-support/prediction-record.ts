import type { ServekitApp } from "../http/app.js";
import type { Prediction } from "../runtime/async/prediction.js";

/**
 * A journaled async prediction as the store keeps it, for tests that write
 * journals by hand: succeeded ones carry the fixture predictor's output.
 */
export function predictionRecord(
  id: string,
  status: Prediction["status"],
  input: Record<string, unknown>,
): Prediction {
  return {
    id,
    status,
    input,
    output: status === "succeeded" ? { text: "done", worker: 0, aborted: false } : null,
    error: null,
    logs: "",
    metrics: {},
    created_at: new Date().toISOString(),
    started_at: null,
    completed_at: status === "succeeded" ? new Date().toISOString() : null,
    urls: { get: `http://x/predictions/${id}`, cancel: `http://x/predictions/${id}/cancel` },
  };
}

/** Polls an app's `GET /predictions/{id}` until the prediction has finished (about 5 s at most). */
export async function waitFinished(app: ServekitApp, id: string): Promise<Prediction> {
  for (let i = 0; i < 200; i++) {
    const res = await app.request(`/predictions/${id}`);
    const prediction = (await res.json()) as Prediction;
    // Not there yet (a replay still reading the journal) counts as not finished.
    if (res.status === 200 && !["starting", "processing"].includes(prediction.status)) {
      return prediction;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`prediction ${id} never finished`);
}
