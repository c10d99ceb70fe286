import { runClosedLoop } from "./closed-loop.js";
import { LatencyRecorder } from "./latency-recorder.js";
import { type LevelResult, type LoadLevel, levelName, levelResult } from "./level-result.js";
import type { LoadWindow } from "./load-window.js";
import { runOpenLoop } from "./open-loop.js";
import { type ProgressReporter, silentProgress } from "./progress-line.js";
import { createRequestSender } from "./request-sender.js";
import type { RequestTemplate } from "./request-template.js";

export interface LevelRunOptions extends LoadWindow {
  /** Open loop: outstanding requests before due ones are dropped. @default 1000 */
  maxInFlight?: number | undefined;
  /** A request unanswered after this long fails as `network ETIMEDOUT`. @default 30000 */
  timeoutMs?: number | undefined;
  progress?: ProgressReporter | undefined;
  /** What the progress line calls the level. @default its name, e.g. "concurrency 4" */
  label?: string | undefined;
}

/**
 * Runs one load level against the template's server and returns its result.
 *
 * @example
 * const result = await runLevel(template, { mode: "closed", concurrency: 4 }, { warmupMs: 2000, durationMs: 10_000 });
 * result.latencyMs.p99;
 */
export async function runLevel(
  template: RequestTemplate,
  level: LoadLevel,
  options: LevelRunOptions,
): Promise<LevelResult> {
  const { recorder, elapsedMs } = await measureLevel(template, level, options);
  return levelResult(level, template.baseUrl + template.path, recorder.stats(), elapsedMs);
}

/**
 * Runs one load level on fresh keep-alive connections (as many as the
 * concurrency; up to `maxInFlight` in open loop) and returns what it
 * recorded, for callers that join several runs (`--compare`).
 *
 * @example
 * const { recorder, elapsedMs } = await measureLevel(template, { mode: "open", rate: 50 }, options);
 */
export async function measureLevel(
  template: RequestTemplate,
  level: LoadLevel,
  options: LevelRunOptions,
): Promise<{ recorder: LatencyRecorder; elapsedMs: number }> {
  const maxInFlight = options.maxInFlight ?? 1000;
  const sender = createRequestSender(template, {
    connections: level.mode === "closed" ? level.concurrency : maxInFlight,
    timeoutMs: options.timeoutMs ?? 30_000,
  });
  const recorder = new LatencyRecorder();
  const label = options.label ?? levelName(level);
  const stop = (options.progress ?? silentProgress).start(label, recorder);
  try {
    const { elapsedMs } =
      level.mode === "closed"
        ? await runClosedLoop(sender, recorder, { ...options, concurrency: level.concurrency })
        : await runOpenLoop(sender, recorder, { ...options, rate: level.rate, maxInFlight });
    return { recorder, elapsedMs };
  } finally {
    stop();
    sender.close();
  }
}
