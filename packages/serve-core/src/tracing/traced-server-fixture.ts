// Serves the traced predictor on one pool worker, in a process of its own, for
// worker-log-fields.test.ts: tracing follows the OTEL_* environment it gets.
import { serve } from "../serve.js";
import { tracedPredictor } from "./traced-fixture-predictor.js";

const server = await serve(tracedPredictor, { port: 0, host: "127.0.0.1", workers: 1 });
await server.ready;
process.stdout.write(`${JSON.stringify({ fixtureUrl: server.url })}\n`);
