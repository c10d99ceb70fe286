// Serves the fixture predictor with its async predictions in Redis
// (SERVEKIT_STORE), with short leases from the environment, for the tests of
// replicas that share async state: one process per replica, killable.
import { serve } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";

await serve(fixturePredictor, {
  host: "127.0.0.1",
  port: 0,
  workers: 0,
  storeLeaseMs: Number(process.env.STORE_LEASE_MS ?? 10_000),
  storeReclaimIntervalMs: Number(process.env.STORE_RECLAIM_INTERVAL_MS ?? 2_000),
  webhookRetry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
  shutdownGraceMs: Number(process.env.SHUTDOWN_GRACE_MS ?? 30_000),
  logLevel: "info",
});
