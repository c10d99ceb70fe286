import { createRequire } from "node:module";
import { isatty } from "node:tty";
import pino, { type Logger } from "pino";
import type pinoPretty from "pino-pretty";
import { logLinesFor } from "./log-lines.js";
import { traceLogOptions } from "./tracing/tracing-state.js";

export type { Logger } from "pino";

/** Log levels, lowest to highest. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "fatal" | "silent";

/**
 * The logger a predictor sees as `ctx.log`: pino's call shape
 * (`log.info("msg")` or `log.info({ key }, "msg")`).
 */
export interface PredictorLogger {
  debug(msgOrObj: string | object, msg?: string): void;
  info(msgOrObj: string | object, msg?: string): void;
  warn(msgOrObj: string | object, msg?: string): void;
  error(msgOrObj: string | object, msg?: string): void;
}

/** How log lines look: one JSON object per line, or human-readable lines. */
export type LogFormat = "json" | "pretty";

/**
 * `SERVEKIT_LOG_FORMAT` when set, else human-readable lines on a terminal and
 * JSON everywhere else (pipes, files, containers, log collectors).
 */
export function logFormatFor(fd: number, env: NodeJS.ProcessEnv = process.env): LogFormat {
  const chosen = env.SERVEKIT_LOG_FORMAT;
  if (chosen === "json" || chosen === "pretty") return chosen;
  return isatty(fd) ? "pretty" : "json";
}

/**
 * Creates the server's logger (pino): JSON lines on stdout, or readable lines
 * when stdout is a terminal (see {@link logFormatFor}). JSON lines go through
 * the fd's `LogLines` (log-lines.ts): written at once, except request lines,
 * held to the end of the turn with their responses.
 *
 * @example
 * const log = createLogger({ level: "debug" });
 */
export function createLogger(
  options: { level?: LogLevel; name?: string; destination?: "stdout" | "stderr" } = {},
): Logger {
  const fd = options.destination === "stderr" ? 2 : 1;
  const settings = {
    level: options.level ?? "info",
    ...(options.name === undefined ? {} : { name: options.name }),
    base: { pid: process.pid },
    // trace_id and span_id of the active span when tracing is on; nothing when off.
    ...traceLogOptions,
  };
  if (logFormatFor(fd) === "pretty") {
    // Loaded only for a terminal: servers in production log JSON, and pool
    // workers start faster without it.
    const pretty = createRequire(import.meta.url)("pino-pretty") as typeof pinoPretty;
    return pino(
      settings,
      pretty({
        destination: fd,
        sync: true,
        colorize: isatty(fd),
        translateTime: "HH:MM:ss.l",
        ignore: "pid,hostname",
      }),
    );
  }
  return pino(settings, logLinesFor(fd));
}

/**
 * A {@link PredictorLogger} that forwards to `log` and keeps the lines it wrote,
 * so they can be returned to the client (`logs` of a prediction, `setup.logs`).
 */
export class CapturingLogger implements PredictorLogger {
  private readonly lines: string[] = [];

  /** `onLine` sees each line as it is written (setup logs reach `/health` while setup runs). */
  constructor(
    private readonly log: Logger,
    private readonly onLine?: (line: string) => void,
  ) {}

  debug(msgOrObj: string | object, msg?: string): void {
    this.write("debug", msgOrObj, msg);
  }
  info(msgOrObj: string | object, msg?: string): void {
    this.write("info", msgOrObj, msg);
  }
  warn(msgOrObj: string | object, msg?: string): void {
    this.write("warn", msgOrObj, msg);
  }
  error(msgOrObj: string | object, msg?: string): void {
    this.write("error", msgOrObj, msg);
  }

  /** Everything logged so far, one line per call. */
  text(): string {
    return this.lines.join("\n");
  }

  private write(
    level: "debug" | "info" | "warn" | "error",
    msgOrObj: string | object,
    msg?: string,
  ) {
    let line: string;
    if (typeof msgOrObj === "string") {
      this.log[level](msgOrObj);
      line = msgOrObj;
    } else {
      this.log[level](msgOrObj, msg);
      line = msg === undefined ? JSON.stringify(msgOrObj) : `${msg} ${JSON.stringify(msgOrObj)}`;
    }
    this.lines.push(line);
    this.onLine?.(line);
  }
}
