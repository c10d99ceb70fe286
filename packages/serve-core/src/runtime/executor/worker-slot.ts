import type { Worker } from "node:worker_threads";
import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { JobResult, PredictionJob } from "./executor.js";
import { pendingSetupReport, type SetupReport } from "./setup-report.js";
import { type ToWorker, transferables } from "./worker-protocol.js";

/** A job waiting for, or running on, a pool worker. */
export interface PendingJob {
  id: number;
  job: PredictionJob;
  resolve: (result: JobResult) => void;
  reject: (error: unknown) => void;
}

/** One pool worker and the job it runs. */
export interface Slot {
  index: number;
  worker: Worker;
  /** Replaces a worker that stopped, rather than starting the pool. */
  replacement: boolean;
  ready: boolean;
  /** Its setup failed as a replacement: it is being terminated, and its exit means nothing more. */
  retired: boolean;
  setup: SetupReport;
  current: PendingJob | undefined;
  killTimer: NodeJS.Timeout | undefined;
  /** Removes the current job's abort listener: the job's cancellation can outlive the job. */
  stopListening: (() => void) | undefined;
}

/** How a slot's worker is stopped when its job is aborted. */
export interface AbortPolicy {
  /** How long a worker may ignore an abort before it is terminated (and replaced). */
  abortGraceMs: number;
  log: Logger;
}

/** A slot for worker `index`, its setup just started. */
export function newSlot(index: number, worker: Worker, replacement: boolean): Slot {
  return {
    index,
    worker,
    replacement,
    ready: false,
    retired: false,
    setup: { ...pendingSetupReport(), started_at: new Date().toISOString() },
    current: undefined,
    killTimer: undefined,
    stopListening: undefined,
  };
}

/** Frees a slot of its job: no kill timer, no listener left on the job's cancellation. */
export function releaseSlot(slot: Slot): void {
  if (slot.killTimer) clearTimeout(slot.killTimer);
  slot.killTimer = undefined;
  slot.stopListening?.();
  slot.stopListening = undefined;
  slot.current = undefined;
}

/**
 * Hands `pending` to the slot's worker and follows its abort; rejects it
 * instead (false) when its input cannot cross threads.
 */
export function sendJob(slot: Slot, pending: PendingJob, policy: AbortPolicy): boolean {
  const { input, requestId, cancel } = pending.job;
  const message: ToWorker = {
    type: "run",
    id: pending.id,
    input,
    requestId,
    batch: pending.job.batch,
    stream: pending.job.onChunk !== undefined,
    ...(pending.job.traceparent === undefined ? {} : { traceparent: pending.job.traceparent }),
    ...(pending.job.request === undefined ? {} : { request: pending.job.request }),
    ...(pending.job.requests === undefined ? {} : { requests: pending.job.requests }),
  };
  try {
    slot.worker.postMessage(message, transferables(input));
  } catch (error) {
    // e.g. a DataCloneError: the input holds something that can't cross threads.
    pending.reject(error);
    return false;
  }
  slot.current = pending;
  slot.stopListening = cancel.onAbort(() => abortJob(slot, pending.id, policy));
  return true;
}

/** Tells the worker to abort; if it has not stopped after the grace period, terminates it. */
function abortJob(slot: Slot, id: number, { abortGraceMs, log }: AbortPolicy): void {
  if (slot.current?.id !== id) return;
  const message: ToWorker = { type: "abort", id };
  slot.worker.postMessage(message);
  slot.killTimer = setTimeout(() => {
    if (slot.current?.id !== id) return;
    log.warn(
      { worker: slot.index, graceMs: abortGraceMs },
      "prediction ignored its abort signal; terminating its worker",
    );
    void slot.worker.terminate();
  }, abortGraceMs);
  slot.killTimer.unref();
}

/** Why a job that never finished fails when the pool stops: a client may retry elsewhere. */
export function poolStoppedError(): ServeError {
  return new ServeError(
    "DRAINING",
    "server is shutting down; retry, another instance will answer",
    {
      retryAfterSeconds: 1,
    },
  );
}
