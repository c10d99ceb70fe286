import cluster, { type Worker } from "node:cluster";
import { type AddressInfo, createServer } from "node:net";
import type { Logger } from "../logger.js";
import type { ModelRegistry } from "../runtime/models/model-registry.js";
import type { ServekitApp } from "./app.js";
import { CLUSTER_PORT_ENV, READY_MESSAGE } from "./cluster-worker.js";
import type { RunningServer } from "./running-server.js";

/** How the cluster primary runs its processes. */
export interface ClusterPrimaryOptions {
  /** Processes to fork, ≥ 2. */
  processes: number;
  /** Port they share; 0 picks a free one first, so every process gets the same. */
  port: number;
  host: string;
  /** The processes' own drain time; the primary waits this plus {@link KILL_MARGIN_MS} before SIGKILL. */
  shutdownGraceMs: number;
  /** Stop the processes and exit on SIGTERM/SIGINT. */
  handleSignals: boolean;
  /** Predictor name, for the logs. */
  name: string;
  log: Logger;
}

/** Time past `shutdownGraceMs` a process gets to exit before it is killed. */
const KILL_MARGIN_MS = 5_000;
/** More unexpected exits than this within a minute is a crash loop: the primary gives up. */
const MAX_RESTARTS_PER_MINUTE = 10;
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 5_000;

/**
 * Runs `serve()`'s cluster primary: forks `processes` copies of the entry
 * script (same `execArgv`, so tsx entries work) that each serve on one shared
 * port, restarts one that dies (with backoff, at most
 * {@link MAX_RESTARTS_PER_MINUTE} a minute), and on SIGTERM/SIGINT stops them
 * all, exiting 0 once every one drained, or 1 if one had to be killed.
 *
 * @example
 * if (cluster.isPrimary && resolved.processes > 1) return runClusterPrimary({ ... });
 */
export async function runClusterPrimary(options: ClusterPrimaryOptions): Promise<RunningServer> {
  const { log } = options;
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const shownHost =
    options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  const url = `http://${shownHost}:${port}`;

  const slots: (Worker | undefined)[] = Array.from({ length: options.processes });
  const readySlots = new Set<number>();
  const restarts: number[] = [];
  const restartTimers = new Set<NodeJS.Timeout>();
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let closing: Promise<boolean> | undefined;
  let gaveUp = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ [CLUSTER_PORT_ENV]: String(port) });
    slots[slot] = worker;
    worker.on("message", (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== READY_MESSAGE) return;
      log.info({ worker_pid: worker.process.pid, slot }, "process ready");
      readySlots.add(slot);
      if (readySlots.size === options.processes) markReady();
    });
    worker.once("exit", (code, signal) => {
      if (slots[slot] === worker) slots[slot] = undefined;
      if (closing) return;
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > MAX_RESTARTS_PER_MINUTE) {
        log.error(
          { worker_pid: worker.process.pid, code, signal, restarts: restarts.length },
          `processes exited more than ${MAX_RESTARTS_PER_MINUTE} times in a minute; stopping the server`,
        );
        gaveUp = true;
        void close().then(() => {
          if (options.handleSignals) process.exit(1);
        });
        return;
      }
      const delay = Math.min(
        FIRST_RESTART_DELAY_MS * 2 ** (restarts.length - 1),
        MAX_RESTART_DELAY_MS,
      );
      log.warn(
        { worker_pid: worker.process.pid, code, signal, slot, delay_ms: delay },
        "process exited unexpectedly; restarting it",
      );
      const timer = setTimeout(() => {
        restartTimers.delete(timer);
        if (!closing) fork(slot);
      }, delay);
      restartTimers.add(timer);
    });
  };

  const stopAll = async (): Promise<boolean> => {
    for (const timer of restartTimers) clearTimeout(timer);
    restartTimers.clear();
    const alive = slots.filter((w): w is Worker => w !== undefined && !w.isDead());
    const exited = Promise.all(
      alive.map((w) => new Promise<void>((resolve) => w.once("exit", () => resolve()))),
    );
    for (const w of alive) w.process.kill("SIGTERM");
    let killTimer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => {
        killTimer = setTimeout(() => resolve(true), options.shutdownGraceMs + KILL_MARGIN_MS);
      }),
    ]);
    clearTimeout(killTimer);
    if (timedOut) {
      const stuck = alive.filter((w) => !w.isDead());
      log.error(
        { worker_pids: stuck.map((w) => w.process.pid) },
        "processes still running after the grace period; killing them",
      );
      for (const w of stuck) w.process.kill("SIGKILL");
      await exited;
    }
    markReady();
    log.info({ killed: timedOut }, "cluster stopped");
    return timedOut || gaveUp;
  };
  const close = (): Promise<boolean> => {
    closing ??= stopAll();
    return closing;
  };

  for (let slot = 0; slot < options.processes; slot++) fork(slot);
  log.info(
    { url, processes: options.processes },
    `serving ${options.name} with ${options.processes} processes`,
  );

  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, "shutting down: stopping every process");
      void close().then((failed) => process.exit(failed ? 1 : 0));
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }

  const noApp = () =>
    new Error(
      "serve() with `processes` > 1 returns the cluster primary, which has no app; each forked process serves its own",
    );
  return {
    get app(): ServekitApp {
      throw noApp();
    },
    get models(): ModelRegistry {
      throw noApp();
    },
    url,
    port,
    ready,
    close: async () => {
      await close();
    },
  };
}

/** Binds port 0 on `host`, reads the port the OS chose and frees it again. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
