// An echo predictor served inline, for the tracing-overhead bench: whether it
// traces is up to the OTEL_* environment run.ts starts it with; BENCH_CORE
// points it at another build of @servekit/core (one from before tracing).
// Prints its URL as one JSON line once ready.
const core: typeof import("@servekit/core") = await import(
  process.env.BENCH_CORE ?? "@servekit/core"
);
const { definePredictor, serve, z } = core;

const echo = definePredictor({
  name: "echo",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  predict: ({ text }) => ({ text }),
});

const server = await serve(echo, {
  port: 0,
  host: "127.0.0.1",
  maxConcurrency: 256,
  maxQueue: 1024,
  logLevel: (process.env.LOG_LEVEL as "warn" | "info" | undefined) ?? "warn",
});
await server.ready;
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
