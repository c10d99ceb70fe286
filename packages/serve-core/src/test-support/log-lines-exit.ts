// Holds a request line as the prediction fast path does, then exits in the
// same turn: the line must reach stdout, the answer waiting for it must not.
import pino from "pino";
import { logLinesFor } from "../log-lines.js";

const lines = logLinesFor(1);
const log = pino({ base: null, timestamp: false }, lines);
log.info("written at once");
lines.logThen(
  () => log.info({ status: 200 }, "request"),
  () => process.stdout.write("answer sent\n"),
);
process.exit(Number(process.argv[2] ?? 0));
