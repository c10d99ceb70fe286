// A stream consumer process for the stream tests (kill -9, SIGTERM): the
// fixture predictor inline, consuming REDIS_URL's STREAM in GROUP until
// SIGTERM, which drains it and exits 0. Logs JSON lines on stdout.
import { ModelRuntime } from "../runtime/model-runtime.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { StreamConsumer } from "./stream-consumer.js";

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`consume-fixture needs ${name}`);
  return value;
};

const runtime = new ModelRuntime(fixturePredictor, {
  workers: 0,
  maxConcurrency: Number(process.env.MAX_CONCURRENCY ?? 2),
  logLevel: "info",
});
const consumer = new StreamConsumer(
  runtime,
  {
    redis: env("REDIS_URL"),
    stream: env("STREAM"),
    group: env("GROUP"),
    consumer: env("CONSUMER"),
    claimIdleMs: Number(process.env.CLAIM_IDLE_MS ?? 30_000),
    blockMs: 200,
  },
  { log: runtime.log },
);
await runtime.ready;
await consumer.start();

process.once("SIGTERM", () => {
  void (async () => {
    const drained = await consumer.stop(30_000);
    await runtime.drain(30_000);
    await runtime.close();
    runtime.log.info({ drained, ...consumer.stats() }, "consume-fixture exiting");
    process.exit(drained ? 0 : 1);
  })();
});
