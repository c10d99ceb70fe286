import type { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./worker-protocol.js";

/**
 * Asks a pool worker to send the spans its tracer still holds, and waits
 * (at most `timeoutMs`) for it to say it did: terminating it without this
 * would lose the last predictions' `predict` spans.
 */
export function flushWorkerTraces(worker: Worker, timeoutMs = 2_000): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("exit", done);
      resolve();
    };
    const onMessage = (message: FromWorker) => {
      if (message.type === "traces-flushed") done();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    worker.on("message", onMessage);
    worker.once("exit", done);
    try {
      worker.postMessage({ type: "flush-traces" } satisfies ToWorker);
    } catch {
      done();
    }
  });
}
