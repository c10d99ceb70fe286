// Reads a server's start-up from its log lines (pino JSON, one a line, and
// the CLI's plain-text notices), relative to the moment the bench spawned it.

/** One worker's setup line: which worker, when (ms after spawn), what it said. */
export interface WorkerSetupLine {
  worker: number;
  atMs: number;
  msg: string;
}

/** The start-up milestones found in a server's output; a milestone not logged is undefined. */
export interface LogTimeline {
  /** ms from spawn to the "serving …" line (HTTP listening). */
  servingMs?: number;
  /** Each worker's setup lines, in the order logged. */
  workerSetup: WorkerSetupLine[];
  /** ms from spawn to the "predictor ready" line. */
  predictorReadyMs?: number;
  /** The set-up time the server itself reported on its "predictor ready" line. */
  predictorReadyReportedMs?: number;
  /** Whether `serve-cli run` said it runs the compiled build (.servekit/build). */
  compiledBuild: boolean;
  /** The CLI's plain-text notes and warnings ("note: …", "warning: …"), e.g. why it passed over a build. */
  notices: string[];
  /** The pid the server logged (differs from the spawned pid if it re-spawned itself). */
  pid?: number;
}

interface PinoLine {
  time?: unknown;
  msg?: unknown;
  worker?: unknown;
  phase?: unknown;
  ms?: unknown;
  pid?: unknown;
}

/**
 * Parses a server's combined stdout/stderr into start-up milestones, each in
 * ms after `spawnedAtEpochMs` (the Date.now() taken just before spawning).
 * Lines that are not JSON are skipped, apart from the compiled-build notice.
 *
 * @example
 * const timeline = parseLogTimeline(output, spawnedAt);
 * console.log(timeline.servingMs, timeline.predictorReadyMs);
 */
export function parseLogTimeline(output: string, spawnedAtEpochMs: number): LogTimeline {
  const timeline: LogTimeline = { workerSetup: [], compiledBuild: false, notices: [] };
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("running the compiled build")) timeline.compiledBuild = true;
    if (line.startsWith("note: ") || line.startsWith("warning: ")) timeline.notices.push(line);
    const entry = parseJsonLine(line);
    if (!entry || typeof entry.time !== "number" || typeof entry.msg !== "string") continue;
    const atMs = entry.time - spawnedAtEpochMs;
    if (timeline.pid === undefined && typeof entry.pid === "number") timeline.pid = entry.pid;
    if (timeline.servingMs === undefined && entry.msg.startsWith("serving ")) {
      timeline.servingMs = atMs;
    } else if (typeof entry.worker === "number" && entry.phase === "setup") {
      timeline.workerSetup.push({ worker: entry.worker, atMs, msg: entry.msg });
    } else if (timeline.predictorReadyMs === undefined && entry.msg === "predictor ready") {
      timeline.predictorReadyMs = atMs;
      if (typeof entry.ms === "number") timeline.predictorReadyReportedMs = entry.ms;
    }
  }
  return timeline;
}

function parseJsonLine(line: string): PinoLine | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null ? (value as PinoLine) : undefined;
  } catch {
    return undefined;
  }
}
