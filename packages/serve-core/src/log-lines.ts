import pino, { type Logger } from "pino";

/** Where the lines finally go: pino's synchronous destination (sonic-boom). */
export interface LineSink {
  write(text: string): unknown;
}

/**
 * The log lines of one file descriptor, as pino's destination: a line is
 * written at once, unless it was logged inside {@link LogLines.logThen},
 * which holds it to the end of the event-loop turn.
 *
 * Policy: held lines are written together, in one system call, when the
 * turn reaches its check phase, or earlier when any line is written at once
 * (so lines keep the order they were logged in), or when the process exits.
 * The work `logThen` was given (sending a response) runs at the end of the
 * turn, after its lines are written, never before: a client that reads the
 * log once it has its answer finds the line there, and a process killed
 * mid-turn has sent no answer whose line is missing.
 *
 * Why: a request's log line was a system call of its own, which for a model
 * that takes microseconds cost about a quarter of the server's throughput;
 * under load a turn answers many requests, and their lines now share one
 * write (docs/benchmarks.md, light models, 2026-12-04 13:57).
 */
export class LogLines {
  private held = "";
  private readonly after: (() => void)[] = [];
  private holding = false;
  private scheduled = false;

  constructor(private readonly sink: LineSink) {}

  /** pino's call for each line. */
  write(line: string): void {
    if (this.holding) this.held += line;
    else if (this.held === "") this.sink.write(line);
    else {
      this.held += line;
      this.writeHeldLines();
    }
  }

  /**
   * Runs `log`, whose lines wait for the end of this turn, then `then`
   * once they are written.
   *
   * @example
   * lines.logThen(() => log.info({ status }, "request"), () => response.end(body));
   */
  logThen(log: () => void, then: () => void): void {
    this.holding = true;
    try {
      log();
    } finally {
      this.holding = false;
    }
    if (this.held === "") {
      then();
      return;
    }
    this.after.push(then);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flushSync());
    }
  }

  /**
   * Writes the held lines, then runs the work that waited for them, even when
   * the write or one of them throws (the first error is rethrown after).
   */
  flushSync(): void {
    this.scheduled = false;
    let failure: unknown;
    try {
      this.writeHeldLines();
    } catch (error) {
      failure = error;
    }
    for (const then of this.after.splice(0)) {
      try {
        then();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  /** pino's `logger.flush(cb)`. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  /** Writes the held lines only: what the process does as it exits. */
  writeHeldLines(): void {
    if (this.held === "") return;
    const text = this.held;
    this.held = "";
    this.sink.write(text);
  }
}

/** One per file descriptor, so that every logger writing to it keeps one order. */
const byFd = new Map<number, LogLines>();

/** The {@link LogLines} of `fd`, made on first use. */
export function logLinesFor(fd: number): LogLines {
  const known = byFd.get(fd);
  if (known) return known;
  const lines = new LogLines(pino.destination({ fd, sync: true }));
  // Held lines are written even on a crash; the answers waiting for them are not sent.
  process.on("exit", () => lines.writeHeldLines());
  byFd.set(fd, lines);
  return lines;
}

/** Orders a request's log line before its answer: {@link LogLines.logThen}. */
export type LineBeforeAnswer = Pick<LogLines, "logThen">;

/** For a logger of the user's own: the line, then the answer, both at once. */
const AT_ONCE: LineBeforeAnswer = {
  logThen(log, then) {
    log();
    then();
  },
};

/** The {@link LogLines} a logger writes through, when it is one of servekit's JSON loggers; else one that does both at once. */
export function logLinesOf(log: Logger): LineBeforeAnswer {
  const stream = (log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  return stream instanceof LogLines ? stream : AT_ONCE;
}
