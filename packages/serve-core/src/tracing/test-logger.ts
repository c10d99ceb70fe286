// A pino logger that keeps its lines in memory, with servekit's trace fields: for the tracing tests.
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "../logger.js";
import { traceLogOptions } from "./tracing-state.js";

/** A logger whose lines (parsed) land in `lines`. */
export function memoryLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: "info", ...traceLogOptions }, stream), lines };
}
