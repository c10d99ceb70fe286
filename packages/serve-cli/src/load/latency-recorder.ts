import * as hdr from "hdr-histogram-js";
import type { RequestOutcome } from "./request-sender.js";

/** The failure kind a request dropped by `--max-in-flight` counts as. */
export const CLIENT_OVERLOADED = "client overloaded";

/** One second of a run: what completed in it, and its latencies. */
export interface SecondStats {
  /** Seconds since the measured part of the run began. */
  second: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
}

/** One bar of the latency histogram: requests whose latency was in (`fromMs`, `toMs`]. */
export interface HistogramBin {
  fromMs: number;
  toMs: number;
  count: number;
}

/** Latency percentiles in milliseconds (from the HDR histogram, 3 significant digits). */
export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p99_9: number;
  max: number;
}

/** What a recorder saw over a run. */
export interface RecordedStats {
  requests: number;
  failures: number;
  /** Failures by kind: `503 OVERLOADED` (status and the server's code), `network ECONNRESET`, `client overloaded`. */
  failuresByKind: Record<string, number>;
  /** Latency of every answered request, failed ones included (as Locust counts them). */
  latencyMs: LatencySummary;
  /** Mean response body size in bytes. */
  avgBytes: number;
  timeline: SecondStats[];
  histogram: HistogramBin[];
}

interface SecondSlot {
  histogram: hdr.Histogram;
  failures: number;
  dropped: number;
}

// Latencies are recorded in microseconds: whole numbers, as HDR histograms want.
const US_PER_MS = 1000;

/** Microseconds to milliseconds, to the microsecond. */
function toMs(us: number): number {
  return Math.round(us) / US_PER_MS;
}

function newHistogram(digits: 2 | 3) {
  // The pure-JS histogram: no WebAssembly to initialise, and fast enough at these rates.
  return hdr.build({ numberOfSignificantValueDigits: digits, useWebAssembly: false });
}

/**
 * Counts requests, failures by kind and latencies (an HDR histogram for the
 * whole run, a small one per second for the timeline).
 *
 * @example
 * const recorder = new LatencyRecorder();
 * recorder.begin(performance.now()); // after the warm-up
 * recorder.record(outcome, { startedAt, endedAt: performance.now() });
 * recorder.stats();
 */
export class LatencyRecorder {
  private readonly overall = newHistogram(3);
  private readonly perSecond = new Map<number, SecondSlot>();
  private readonly failureKinds = new Map<string, number>();
  private requests = 0;
  private failures = 0;
  private bytes = 0;
  private responses = 0;

  private origin = Number.NaN;

  /** Sets when the measured part begins (a performance.now() time, after the warm-up). */
  begin(origin: number): void {
    this.origin = origin;
  }

  /** When the measured part begins (performance.now() time); NaN before `begin`. */
  get startedAt(): number {
    return this.origin;
  }

  /** Records a request that was sent at `startedAt` (its intended time, in open loop) and ended at `endedAt`. */
  record(outcome: RequestOutcome, times: { startedAt: number; endedAt: number }): void {
    this.requests++;
    const latencyUs = Math.max(1, Math.round((times.endedAt - times.startedAt) * US_PER_MS));
    this.overall.recordValue(latencyUs);
    const slot = this.secondAt(times.endedAt);
    slot.histogram.recordValue(latencyUs);
    if (outcome.kind === "response") {
      this.responses++;
      this.bytes += outcome.bytes;
      if (outcome.status >= 200 && outcome.status < 300) return;
      this.fail(`${outcome.status}${outcome.errorCode ? ` ${outcome.errorCode}` : ""}`);
    } else {
      this.fail(`network ${outcome.error}`);
    }
    slot.failures++;
  }

  /** Records a request that was never sent because too many were outstanding (`--max-in-flight`). */
  recordDropped(at: number): void {
    this.requests++;
    this.fail(CLIENT_OVERLOADED);
    // Dropped requests have no latency: a second counts them beside its histogram.
    const slot = this.secondAt(at);
    slot.failures++;
    slot.dropped++;
  }

  /**
   * Adds what `other` recorded, its timeline placed after `afterSecond`
   * seconds of this one (`--compare` joins a server's rounds this way).
   */
  absorb(other: LatencyRecorder, afterSecond: number): void {
    this.overall.add(other.overall);
    this.requests += other.requests;
    this.failures += other.failures;
    this.bytes += other.bytes;
    this.responses += other.responses;
    for (const [kind, count] of other.failureKinds)
      this.failureKinds.set(kind, (this.failureKinds.get(kind) ?? 0) + count);
    for (const [second, slot] of other.perSecond) this.perSecond.set(afterSecond + second, slot);
  }

  /** Requests and failures so far, and the median latency (for the progress line). */
  progress(): { requests: number; failures: number; p50Ms: number } {
    return {
      requests: this.requests,
      failures: this.failures,
      p50Ms: this.overall.totalCount ? this.overall.getValueAtPercentile(50) / US_PER_MS : 0,
    };
  }

  stats(): RecordedStats {
    const h = this.overall;
    return {
      requests: this.requests,
      failures: this.failures,
      failuresByKind: Object.fromEntries(this.failureKinds),
      latencyMs: this.latencySummary(),
      avgBytes: this.responses ? Math.round(this.bytes / this.responses) : 0,
      timeline: [...this.perSecond.entries()]
        .sort(([a], [b]) => a - b)
        .map(([second, { histogram, failures, dropped }]) => ({
          second,
          requests: histogram.totalCount + dropped,
          failures,
          p50Ms: toMs(histogram.getValueAtPercentile(50)),
          p99Ms: toMs(histogram.getValueAtPercentile(99)),
        })),
      histogram: logBins(h),
    };
  }

  private latencySummary(): LatencySummary {
    const h = this.overall;
    if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p99_9: 0, max: 0 };
    const min = toMs(h.minNonZeroValue);
    const max = toMs(h.maxValue);
    // Percentiles are bucket edges (3 significant digits); keep them within the extremes seen.
    const at = (percentile: number) =>
      Math.min(max, Math.max(min, toMs(h.getValueAtPercentile(percentile))));
    return { min, mean: toMs(h.mean), p50: at(50), p90: at(90), p99: at(99), p99_9: at(99.9), max };
  }

  private fail(kind: string): void {
    this.failures++;
    this.failureKinds.set(kind, (this.failureKinds.get(kind) ?? 0) + 1);
  }

  private secondAt(time: number): SecondSlot {
    const second = Math.max(0, Math.floor((time - this.origin) / 1000));
    let slot = this.perSecond.get(second);
    if (!slot) {
      slot = { histogram: newHistogram(2), failures: 0, dropped: 0 };
      this.perSecond.set(second, slot);
    }
    return slot;
  }
}

/** The latency distribution in log-spaced bins (5 per decade), for the HTML report's histogram. */
function logBins(h: hdr.Histogram): HistogramBin[] {
  if (h.totalCount === 0) return [];
  const perDecade = 5;
  const lowUs = Math.max(1, h.minNonZeroValue);
  const first = Math.floor(Math.log10(lowUs) * perDecade);
  const last = Math.ceil(Math.log10(Math.max(h.maxValue, lowUs + 1)) * perDecade);
  const bins: HistogramBin[] = [];
  for (let i = first; i < last; i++) {
    const fromUs = 10 ** (i / perDecade);
    const toUs = 10 ** ((i + 1) / perDecade);
    bins.push({ fromMs: fromUs / US_PER_MS, toMs: toUs / US_PER_MS, count: 0 });
  }
  const iterator = (h as unknown as { recordedValuesIterator: RecordedValues })
    .recordedValuesIterator;
  iterator.reset();
  while (iterator.hasNext()) {
    const step = iterator.next();
    const index = Math.floor(Math.log10(Math.max(1, step.valueIteratedTo)) * perDecade) - first;
    const bin = bins[Math.min(bins.length - 1, Math.max(0, index))];
    if (bin) bin.count += step.countAtValueIteratedTo;
  }
  return bins;
}

/** The part of hdr-histogram-js's recorded-values iterator used here. */
interface RecordedValues {
  reset(): void;
  hasNext(): boolean;
  next(): { valueIteratedTo: number; countAtValueIteratedTo: number };
}
