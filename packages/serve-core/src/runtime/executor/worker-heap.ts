import { setFlagsFromString } from "node:v8";

const FLAG = "--initial-old-space-size";

/**
 * Lets the V8 heaps of worker threads started from now on grow to `mb` MiB
 * of old generation before their first full (mark-compact) collection, and
 * never schedule one below that size.
 *
 * Why: V8 sets the old generation's limit at a few times the live heap
 * (~40 MiB for a 15 MiB worker). A YOLOv5 worker, which allocates ~11 MiB of
 * short-lived buffers per prediction (decoded pixels, the output tensor), ran
 * a full collection every one or two predictions, started far below that
 * limit and freeing almost nothing. Young-generation collections free those
 * buffers anyway. With 2 workers this cost ~7 ms of CPU per request
 * (docs/production.md).
 *
 * Worker threads cannot take V8 flags of their own (`execArgv` refuses them),
 * and V8 reads this one when each isolate is created, so it is set
 * process-wide; the main thread's heap, already created, keeps the size it
 * was started with (`node --initial-old-space-size=N` on the command line).
 * So the two can differ: the HTTP thread wants a lower floor, since its heap
 * is mostly garbage that only a full collection frees. 0 leaves the workers
 * whatever the command line (or V8's default) gives.
 */
export function setWorkerOldSpaceFloor(mb: number): void {
  if (mb === 0) return;
  setFlagsFromString(`${FLAG}=${mb}`);
}
