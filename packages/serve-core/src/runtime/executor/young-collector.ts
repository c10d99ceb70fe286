import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** ArrayBuffer growth during one prediction that makes a collection worth it. */
const THRESHOLD_BYTES = 8 * 1024 * 1024;

/** V8's `gc`: a young-generation collection with `{ type: "minor" }`, a full one without options. */
type Collect = (options?: { type: "minor" }) => void;

/**
 * Frees the large buffers a finished prediction left behind in a pool worker
 * at once, rather than whenever V8 next collects.
 *
 * Policy: when a prediction grew the worker's ArrayBuffer memory by 8 MiB or
 * more, from its start to its end, one young-generation collection runs on
 * the next turn of the event loop, after its answer has been sent. That
 * costs ~0.1 ms; every prediction pays two `process.memoryUsage()` reads
 * (~7 µs each, as it also reads the RSS).
 *
 * Why: a YOLOv5 prediction leaves ~13 MiB of dead buffers (the output tensor,
 * the decoded pixels). V8 frees them when the young generation next fills,
 * and a worker allocates so little JavaScript that it fills slowly: the dead
 * buffers of several predictions piled up in each worker. Collecting after
 * each such prediction lowered the demo's RSS under load from 317–320 to
 * 287–293 MiB side by side, at the same throughput (docs/benchmarks.md).
 *
 * V8 offers collection to JavaScript only as the `gc` of a context created
 * with `--expose-gc`: the flag is set just long enough to create one such
 * context and take its `gc`, so the worker's own global scope does not get
 * one (the flag is process-wide meanwhile; a process started with
 * `--expose-gc` has one, and keeps it). Where that fails, the collector does
 * nothing.
 */
export class YoungCollector {
  private readonly collect: Collect | undefined = exposeGc();
  private scheduled = false;

  /** The figure to pass to {@link afterPrediction}; read when a prediction starts. */
  mark(): number {
    return this.collect === undefined ? 0 : process.memoryUsage().arrayBuffers;
  }

  /** Called when a prediction has finished and its answer has been sent. */
  afterPrediction(mark: number): void {
    if (this.collect === undefined || this.scheduled) return;
    if (process.memoryUsage().arrayBuffers - mark < THRESHOLD_BYTES) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.collect!({ type: "minor" });
    });
  }
}

/** V8's `gc` without a global one (see {@link YoungCollector}); undefined where V8 refuses. */
export function exposeGc(): Collect | undefined {
  // Started with --expose-gc already: use it, and leave the flag as it is.
  const global = (globalThis as { gc?: Collect }).gc;
  if (typeof global === "function") return global;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as Collect;
  } catch {
    return undefined;
  } finally {
    setFlagsFromString("--no-expose-gc");
  }
}
