// Entry of each pool worker thread: imports the predictor's module, runs
// setup once, then runs predictions one at a time as the pool sends them.
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../logger.js";
import { forwardPredictorMetrics } from "../../metrics/predictor-metrics.js";
import { type AnyPredictor, isPredictor } from "../../predictor.js";
import { startTracing } from "../../tracing/start-tracing.js";
import { Cancellation } from "../cancellation.js";
import { PredictorHost } from "./predictor-host.js";
import {
  type FromWorker,
  type ToWorker,
  toWireBatch,
  toWireError,
  transferables,
  type WorkerBoot,
} from "./worker-protocol.js";
import { YoungCollector } from "./young-collector.js";

const boot = workerData as WorkerBoot;
const port = parentPort!;
const log = createLogger({ level: boot.logLevel, name: boot.predictorName }).child({
  worker: boot.workerIndex,
});
const running = new Map<number, Cancellation>();
const collector = new YoungCollector();
// Each worker traces on its own (its spans join the request's through the run message's
// traceparent), from the same OTEL_* environment as the main thread; undefined when off.
const tracing = startTracing({
  serviceName: boot.predictorName,
  serviceVersion: boot.predictorVersion,
  log,
}).catch((error: unknown) => {
  log.warn({ err: error }, "could not start tracing in this worker; it runs untraced");
  return undefined;
});

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

async function loadPredictor(): Promise<AnyPredictor> {
  const exports = (await import(boot.moduleUrl)) as Record<string, unknown>;
  const named = Object.values(exports).filter(
    (value): value is AnyPredictor => isPredictor(value) && value.name === boot.predictorName,
  );
  // Versions of one model may be exported side by side; one alone is taken whatever its version.
  const found =
    named.length === 1 ? named[0] : named.find((p) => p.version === boot.predictorVersion);
  if (!found) {
    throw new Error(
      `${boot.moduleUrl} does not export a predictor named "${boot.predictorName}"; export it (e.g. \`export const predictor = definePredictor(...)\`)`,
    );
  }
  return found;
}

async function main(): Promise<void> {
  await tracing;
  let host: PredictorHost;
  try {
    host = new PredictorHost({
      predictor: await loadPredictor(),
      log,
      workerIndex: boot.workerIndex,
      weights: boot.weights,
      projectRoot: boot.projectRoot,
      // ctx.metrics calls go to the main thread, which owns the registry.
      metrics: forwardPredictorMetrics((call) => send({ type: "metric", call })),
    });
  } catch (error) {
    log.error({ err: error }, "could not load the predictor module");
    const now = new Date().toISOString();
    send({
      type: "setup",
      report: {
        started_at: now,
        completed_at: now,
        status: "failed",
        logs: "",
        error: error instanceof Error ? error.message : String(error),
      },
    });
    return;
  }
  port.on("message", (message: ToWorker) => {
    if (message.type === "flush-traces") {
      void tracing
        .then((t) => t?.forceFlush())
        .catch(() => {})
        .finally(() => send({ type: "traces-flushed" }));
      return;
    }
    if (message.type === "abort") {
      // What a bare AbortController.abort() gives ctx.signal.reason.
      running.get(message.id)?.abort(new DOMException("This operation was aborted", "AbortError"));
      return;
    }
    const cancel = new Cancellation();
    running.set(message.id, cancel);
    const mark = collector.mark();
    host
      .predict({
        input: message.input,
        requestId: message.requestId,
        traceparent: message.traceparent,
        request: message.request,
        requests: message.requests,
        cancel,
        ...(message.batch ? { batch: true } : {}),
        ...(message.stream
          ? {
              onChunk: (chunk: unknown) =>
                send({ type: "chunk", id: message.id, chunk }, transferables(chunk)),
            }
          : {}),
      })
      .then(({ output, logs }) => {
        // A batch's per-input errors cross as data, so each fails only its input.
        const sent = message.batch ? toWireBatch(output) : output;
        send({ type: "result", id: message.id, output: sent, logs }, transferables(sent));
      })
      // Also catches an output that can't be sent (DataCloneError).
      .catch((error: unknown) =>
        send({ type: "failure", id: message.id, error: toWireError(error), logs: "" }),
      )
      .finally(() => {
        running.delete(message.id);
        collector.afterPrediction(mark);
      });
  });
  const report = await host.setup(new AbortController().signal, (line) =>
    send({ type: "setup-log", line }),
  );
  send({ type: "setup", report });
}

void main();
