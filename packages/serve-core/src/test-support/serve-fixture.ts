// Serves the fixture predictor on 127.0.0.1 (port 0 unless PORT is set), for
// tests that need a real process: signals, sockets, exit codes.
import { serve } from "../index.js";
import { fixturePredictor } from "./fixture-predictor.js";

await serve(fixturePredictor, {
  host: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  workers: Number(process.env.WORKERS ?? 0),
  processes: Number(process.env.PROCESSES ?? 1),
  ...(process.env.MAX_QUEUE ? { maxQueue: Number(process.env.MAX_QUEUE) } : {}),
  logLevel: "info",
});
