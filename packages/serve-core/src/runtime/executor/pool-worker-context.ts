import { isMainThread, workerData } from "node:worker_threads";

/** Marks `workerData` of servekit's pool workers. */
export const POOL_WORKER_MARK = "__servekitPoolWorker";

/**
 * Whether this code runs inside one of servekit's pool workers, which import
 * the predictor's module: a module that calls `serve()` at top level must not
 * start another server (and another pool) there.
 */
export function inPoolWorker(): boolean {
  return (
    !isMainThread &&
    typeof workerData === "object" &&
    workerData !== null &&
    POOL_WORKER_MARK in workerData
  );
}
