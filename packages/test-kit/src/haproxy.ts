import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";
import {
  answers200,
  findProgram,
  type ProgramSpec,
  programMissingReason,
  startProgram,
  withPortRetries,
} from "./local-service.js";

const HAPROXY: ProgramSpec = {
  name: "haproxy",
  envVar: "HAPROXY",
  install: "apt-get install haproxy",
  neededBy: "the load-balancer tests",
};

/** One backend server: a name (shown in `X-Served-By` and the stats) and its loopback port. */
export interface HaproxyServer {
  name: string;
  port: number;
}

/** What {@link haproxyConfig} writes. */
export interface HaproxyConfigOptions {
  /** Where clients connect (127.0.0.1). */
  frontendPort: number;
  /** Where the stats page answers, as CSV at `/stats;csv`. */
  statsPort: number;
  servers: readonly HaproxyServer[];
  /** The readiness probe each server is checked on. @default "/health/ready" */
  healthPath?: string;
  /** Time between health checks. @default 250 */
  checkIntervalMs?: number;
  /**
   * When a request is sent again, to another server ("none" shows what
   * clients would get without retries).
   * @default "conn-failure empty-response 503"
   */
  retryOn?: string;
}

/**
 * The HAProxy configuration (2.6) for servers that are restarted one at a
 * time: round robin over the servers that pass their readiness check, and a
 * request that reached none (connection refused, connection closed before an
 * answer, 503 from a server that is starting or draining) retried on another.
 *
 * @example
 * haproxyConfig({ frontendPort: 8080, statsPort: 8404, servers: [{ name: "a", port: 8000 }] });
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const { frontendPort, statsPort, servers } = options;
  const { healthPath = "/health/ready", checkIntervalMs = 250 } = options;
  const { retryOn = "conn-failure empty-response 503" } = options;
  return [
    "global",
    // One thread is plenty for a test, and spares the other tests' cores.
    "  nbthread 1",
    "",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout check 1s",
    "",
    "frontend servekit",
    `  bind 127.0.0.1:${frontendPort}`,
    "  default_backend replicas",
    "",
    "backend replicas",
    "  balance roundrobin",
    `  option httpchk GET ${healthPath}`,
    "  http-check expect status 200",
    // Safe to send again: a refused connection, one closed before any answer
    // (a replica closing its kept-alive connections as it stops), and a 503
    // (servekit refused it without running it: STARTING, DRAINING, OVERLOADED).
    // Not "response-timeout": that would run a slow prediction twice.
    `  retry-on ${retryOn}`,
    "  retries 3",
    // Every retry goes to another server, not back to the one that just refused.
    "  option redispatch 1",
    // Which replica answered, for tests and for operators reading responses.
    "  http-response set-header X-Served-By %s",
    `  default-server check inter ${checkIntervalMs}ms fall 2 rise 2`,
    ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port}`),
    "",
    "frontend stats",
    `  bind 127.0.0.1:${statsPort}`,
    "  stats enable",
    "  stats uri /stats",
    "  stats refresh 1s",
    "",
  ].join("\n");
}

/** A throwaway HAProxy started by {@link startHaproxy}. */
export interface Haproxy {
  /** Where clients connect, e.g. "http://127.0.0.1:41234". */
  url: string;
  /** The configuration it runs. */
  config: string;
  /** Its process id (stop() ends this process only). */
  pid: number;
  /** Each backend server's state as the health checks see it: "UP", "DOWN", "UP 1/2", … */
  serverStates(): Promise<Record<string, string>>;
  /**
   * The stats page's row (CSV column → value) for each backend server, and
   * for the whole backend under "BACKEND": e.g. `wretr` (retries), `wredis`
   * (redispatches), `hrsp_5xx`, `econ` (connection errors).
   */
  stats(): Promise<Record<string, Record<string, string>>>;
  /** Resolves once `server`'s state is exactly `state` ("UP" or "DOWN"); rejects after `timeoutMs`. */
  waitForServer(server: string, state: "UP" | "DOWN", timeoutMs?: number): Promise<void>;
  /** Stops it; resolves once it has exited and its config directory is gone. */
  stop(): Promise<void>;
}

/**
 * Why HAProxy tests cannot run here, or undefined when they can: pass it to
 * `describe.skipIf`. With `CI=true` a missing `haproxy` throws instead.
 *
 * @example
 * describe.skipIf(haproxyMissingReason())("behind HAProxy", () => { ... });
 */
export function haproxyMissingReason(): string | undefined {
  return programMissingReason(HAPROXY);
}

/**
 * Starts Debian's `haproxy` in the foreground on free loopback ports with
 * {@link haproxyConfig} for `servers`, and resolves once its stats page
 * answers. Stop it with `stop()` (by its PID) in an `afterAll`.
 *
 * @example
 * const lb = await startHaproxy({ servers: [{ name: "a", port: 8000 }, { name: "b", port: 8001 }] });
 * await lb.waitForServer("a", "UP");
 * await fetch(`${lb.url}/predict`, { method: "POST", body: "{}" });
 * await lb.stop();
 */
export async function startHaproxy(
  options: Omit<HaproxyConfigOptions, "frontendPort" | "statsPort">,
): Promise<Haproxy> {
  const binary = findProgram(HAPROXY);
  if (!binary) throw new Error(haproxyMissingReason() ?? "haproxy is not installed");
  return withPortRetries(async () => {
    const [frontendPort, statsPort] = [await freePort(), await freePort()];
    const config = haproxyConfig({ ...options, frontendPort, statsPort });
    const dir = mkdtempSync(join(tmpdir(), "servekit-haproxy-"));
    const file = join(dir, "haproxy.cfg");
    writeFileSync(file, config);
    const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;
    const service = await startProgram({
      binary,
      // -db: stay in the foreground, so the PID we hold is HAProxy's own.
      args: ["-db", "-f", file],
      answers: () => answers200(statsUrl),
    }).catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    });
    const stats = () => readStats(statsUrl);
    const serverStates = async () => {
      const rows = Object.entries(await stats()).filter(([name]) => name !== "BACKEND");
      return Object.fromEntries(rows.map(([name, row]) => [name, row.status ?? ""]));
    };
    return {
      url: `http://127.0.0.1:${frontendPort}`,
      config,
      pid: service.pid,
      serverStates,
      stats,
      waitForServer: (server, state, timeoutMs = 15_000) =>
        waitForState({ serverStates, server, state, timeoutMs }),
      stop: async () => {
        await service.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  });
}

/** The stats CSV's rows of the "replicas" backend, by server name ("BACKEND" for the whole). */
async function readStats(statsUrl: string): Promise<Record<string, Record<string, string>>> {
  const res = await fetch(statsUrl, { signal: AbortSignal.timeout(2_000) });
  if (res.status !== 200) throw new Error(`${statsUrl} answered ${res.status}`);
  const [header = "", ...lines] = (await res.text()).trim().split("\n");
  const columns = header.replace(/^# /, "").split(",");
  const rows: Record<string, Record<string, string>> = {};
  for (const line of lines) {
    const cells = line.split(",");
    const row = Object.fromEntries(columns.map((column, i) => [column, cells[i] ?? ""]));
    if (row.pxname === "replicas" && row.svname) rows[row.svname] = row;
  }
  return rows;
}

async function waitForState(options: {
  serverStates: () => Promise<Record<string, string>>;
  server: string;
  state: "UP" | "DOWN";
  timeoutMs: number;
}): Promise<void> {
  const { serverStates, server, state, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    last = (await serverStates())[server] ?? `no server named ${server}`;
    if (last === state) return;
    if (Date.now() > deadline)
      throw new Error(
        `HAProxy did not see ${server} ${state} within ${timeoutMs} ms (last: ${last})`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}
