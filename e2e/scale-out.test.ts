// servekit scaled out past one process, on this machine: three replicas of
// examples/hello, each started with `serve-cli run` as a user would, behind
// Debian's HAProxy (health-checking /health/ready) and scraped by Debian's
// Prometheus. Under steady load the replicas are restarted one at a time
// (SIGTERM, wait for the exit, start again on the same port) and no client
// sees a failed request; Prometheus then has the queue depth an autoscaler reads.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  freePort,
  type Haproxy,
  haproxyMissingReason,
  type Prometheus,
  prometheusMissingReason,
  type SpawnedServer,
  spawnServer,
  startHaproxy,
  startPrometheus,
  waitForReady,
} from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/paths.js";

const CLI = join(REPO_ROOT, "packages/serve-cli/dist/bin.js");
const HELLO = join(REPO_ROOT, "examples/hello");
const REPLICAS = ["replica1", "replica2", "replica3"] as const;
/** Clients sending requests at once, each in a loop with a short pause. */
const CLIENTS = 4;
/** An upper bound on the load, whatever happens to the restarts. */
const MAX_REQUESTS = 20_000;

const missing = haproxyMissingReason() ?? prometheusMissingReason();

/** One replica as a user starts it: `serve-cli run examples/hello --port <port>`, ready. */
async function startReplica(port: number): Promise<SpawnedServer> {
  const args = [CLI, "run", HELLO, "--port", String(port), "--host", "127.0.0.1"];
  const server = await spawnServer(args, {}, 60_000);
  try {
    await waitForReady(server.url, { child: server.child, timeoutMs: 30_000 });
  } catch (error) {
    server.child.kill("SIGKILL");
    throw error;
  }
  return server;
}

/** Resolves once `done()` holds; rejects naming `what` after `timeoutMs`. */
async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Steady load through the load balancer: `CLIENTS` loops of POST /predict until stopped. */
function startLoad(url: string) {
  const servedBy = new Map<string, number>();
  const failures: string[] = [];
  let sent = 0;
  let stopped = false;
  const client = async () => {
    while (!stopped && sent < MAX_REQUESTS) {
      sent++;
      try {
        const res = await fetch(`${url}/predict`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: "Ada" }),
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        const replica = res.headers.get("x-served-by") ?? "unknown";
        if (res.status !== 200 || !text.includes("Hello, Ada!"))
          failures.push(`${res.status} from ${replica}: ${text.slice(0, 200)}`);
        else servedBy.set(replica, (servedBy.get(replica) ?? 0) + 1);
      } catch (error) {
        const code = ((error as Error).cause as { code?: string } | undefined)?.code;
        failures.push(`no answer: ${code ?? (error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const clients = Promise.all(Array.from({ length: CLIENTS }, client));
  return {
    servedBy: (replica: string) => servedBy.get(replica) ?? 0,
    counts: () => Object.fromEntries(servedBy),
    failures,
    sent: () => sent,
    /** Stops the loops; resolves once every request in flight has its answer. */
    stop: async () => {
      stopped = true;
      await clients;
    },
  };
}

describe.skipIf(missing)("three replicas behind HAProxy, scraped by Prometheus", () => {
  const ports: number[] = [];
  const replicas: SpawnedServer[] = [];
  let lb: Haproxy;
  let prometheus: Prometheus;
  let load: ReturnType<typeof startLoad> | undefined;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first`);
    for (const _ of REPLICAS) ports.push(await freePort());
    // Each kept as soon as it runs, so that afterAll stops it even when another fails to start.
    await Promise.all(
      ports.map(async (port, i) => {
        replicas[i] = await startReplica(port);
      }),
    );
    lb = await startHaproxy({ servers: REPLICAS.map((name, i) => ({ name, port: ports[i]! })) });
    prometheus = await startPrometheus({ targets: ports.map((port) => `127.0.0.1:${port}`) });
    for (const name of REPLICAS) await lb.waitForServer(name, "UP");
  }, 120_000);

  afterAll(async () => {
    await load?.stop();
    await Promise.all(
      replicas.map(async (replica) => {
        if (replica.child.exitCode === null && replica.child.signalCode === null)
          process.kill(replica.child.pid!, "SIGKILL");
        await replica.exited;
      }),
    );
    await lb?.stop();
    await prometheus?.stop();
  });

  it("restarts every replica under steady load and no client sees a failed request", async () => {
    load = startLoad(lb.url);
    await until("traffic on every replica", () => REPLICAS.every((r) => load!.servedBy(r) > 0));
    for (const [i, name] of REPLICAS.entries()) {
      const old = replicas[i]!;
      process.kill(old.child.pid!, "SIGTERM");
      expect(await old.exited).toBe(0);
      // From here on, whatever `name` serves is served by the new process.
      const servedBefore = load.servedBy(name);
      replicas[i] = await startReplica(ports[i]!);
      await lb.waitForServer(name, "UP");
      await until(`${name} serving after its restart`, () => load!.servedBy(name) > servedBefore);
    }
    await load.stop();
    const backend = (await lb.stats()).BACKEND ?? {};
    console.info(
      `scale-out: ${load.sent()} requests, ${load.failures.length} failed, served by ${JSON.stringify(load.counts())}; HAProxy retries ${backend.wretr}, redispatches ${backend.wredis}`,
    );
    expect(load.failures).toEqual([]);
    expect(load.sent()).toBeLessThan(MAX_REQUESTS);
  }, 90_000);

  it("gives Prometheus one total queue depth over all three replicas", async () => {
    const value = async (promql: string) => (await prometheus.query(promql))[0]?.value;
    await until("Prometheus scraping all three replicas", async () => {
      return (await value('count(up{job="servekit"} == 1)')) === 3;
    });
    // The query an autoscaler reads (KEDA's Prometheus scaler, an HPA through an adapter).
    const total = await prometheus.query('sum(servekit_queue_depth{job="servekit"})');
    expect(total).toHaveLength(1);
    expect(total[0]!.value).toBeGreaterThanOrEqual(0);
    console.info(`scale-out: sum(servekit_queue_depth) = ${total[0]!.value}`);
    expect(await value('count(servekit_queue_depth{job="servekit"})')).toBe(3);
    // The restarted processes' own counters: each served predictions after its restart.
    await until("predictions counted on every replica", async () => {
      const promql = 'count(sum by (instance) (servekit_predictions_total{job="servekit"}) > 0)';
      return (await value(promql)) === 3;
    });
  }, 60_000);
});
