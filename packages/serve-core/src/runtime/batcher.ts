import type { Context } from "@opentelemetry/api";
import { endSpan, linkTo, SPAN_ATTRIBUTES, startSpan } from "../tracing/trace-spans.js";
import { traceparentOfSpan } from "../tracing/tracing-state.js";
import { Cancellation } from "./cancellation.js";
import type { Executor, JobRequest, JobResult } from "./executor/executor.js";

/** Dynamic batching settings a predictor declares. */
export interface BatchSettings {
  /** Most inputs in one `predictBatch` call. */
  maxSize: number;
  /** Longest the first input of a batch waits for others. */
  maxWaitMs: number;
}

/** What `predictBatch` results become on their way back: one per input. */
export type BatchItemResult = { output: unknown } | { error: Error };

/** Who asked for one input of a batch: its `ctx.requests` entry and trace. */
export interface BatchMember {
  request?: JobRequest | undefined;
  /** The member's trace context: the `batch` span links to each (see docs/observability.md). */
  trace?: Context | undefined;
}

interface Item extends BatchMember {
  input: unknown;
  signal: AbortSignal;
  resolve: (result: JobResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups predictions that arrive together into one `predictBatch` call: a
 * batch leaves when it has `maxSize` inputs, or `maxWaitMs` after its first,
 * as soon as the executor has a free slot. Each caller gets its own result;
 * an input that failed fails alone.
 */
export class Batcher {
  private pending: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private waited = false;
  private running = 0;
  private nextBatch = 1;

  constructor(
    private readonly executor: Executor,
    private readonly settings: BatchSettings,
  ) {}

  /** Queues one input for the next batch; settles when its batch has run. */
  submit(input: unknown, signal: AbortSignal, member: BatchMember = {}): Promise<JobResult> {
    return new Promise((resolve, reject) => {
      const item: Item = { ...member, input, signal, resolve, reject };
      signal.addEventListener(
        "abort",
        () => {
          const at = this.pending.indexOf(item);
          if (at < 0) return; // already in a running batch: its result is dropped by the caller
          this.pending.splice(at, 1);
          reject(signal.reason);
        },
        { once: true },
      );
      this.pending.push(item);
      if (this.pending.length === 1) this.startTimer();
      this.flush();
    });
  }

  private startTimer(): void {
    this.waited = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.waited = true;
      this.flush();
    }, this.settings.maxWaitMs);
  }

  private flush(): void {
    while (
      this.running < this.executor.capacity &&
      this.pending.length > 0 &&
      (this.waited || this.pending.length >= this.settings.maxSize)
    ) {
      const items = this.pending.splice(0, this.settings.maxSize);
      this.running++;
      void this.run(items).finally(() => {
        this.running--;
        this.flush();
      });
      if (this.pending.length > 0) this.startTimer();
      else clearTimeout(this.timer);
    }
  }

  private async run(items: Item[]): Promise<void> {
    // The batch is cancelled only when every one of its callers has gone.
    const all = new Cancellation();
    const check = () => {
      if (items.every((item) => item.signal.aborted)) all.abort(items[0]!.signal.reason);
    };
    for (const item of items) item.signal.addEventListener("abort", check, { once: true });
    check();
    const requestId = `batch-${this.nextBatch++}`;
    const span = batchSpan(items, requestId);
    try {
      const { output, logs } = await this.executor.run({
        input: items.map((item) => item.input),
        requestId,
        cancel: all,
        batch: true,
        ...batchRequests(items, requestId),
        ...(span ? { traceparent: traceparentOfSpan(span) } : {}),
      });
      const results = output as BatchItemResult[];
      if (!Array.isArray(results) || results.length !== items.length) {
        throw new Error(
          `predictBatch returned ${Array.isArray(results) ? results.length : typeof results} results for ${items.length} inputs; return one per input, in order`,
        );
      }
      items.forEach((item, i) => {
        const result = results[i]!;
        if ("error" in result) item.reject(result.error);
        else item.resolve({ output: result.output, logs });
      });
      endSpan(span);
    } catch (error) {
      endSpan(span, error);
      for (const item of items) item.reject(error);
    } finally {
      // The callers' signals can outlive the batch: leave no listener (and what it holds) on them.
      for (const item of items) item.signal.removeEventListener("abort", check);
    }
  }
}

/** `ctx.request` of a batch (its id, the earliest deadline) and `ctx.requests`, one per input. */
function batchRequests(items: Item[], id: string): { request: JobRequest; requests: JobRequest[] } {
  const requests = items.map((item) => item.request ?? { id, headers: {} });
  const deadlines = requests.flatMap((r) => (r.deadline === undefined ? [] : [r.deadline]));
  return {
    request: { id, headers: {}, ...(deadlines.length ? { deadline: Math.min(...deadlines) } : {}) },
    requests,
  };
}

/**
 * The `batch` span: a child of the request that opened the batch, linked to
 * every member's request span; the worker's `predict` is its child.
 * Undefined when tracing is off or no member is traced.
 */
function batchSpan(items: Item[], id: string) {
  const first = items.find((item) => item.trace !== undefined)?.trace;
  if (first === undefined) return undefined;
  return startSpan("batch", {
    parent: first,
    links: items.flatMap((item) => linkTo(item.trace)),
    attributes: { [SPAN_ATTRIBUTES.batchSize]: items.length, [SPAN_ATTRIBUTES.requestId]: id },
  });
}
