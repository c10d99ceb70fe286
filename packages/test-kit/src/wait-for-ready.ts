import type { ChildProcess } from "node:child_process";

/** How {@link waitForReady} polls. */
export interface WaitForReadyOptions {
  /** The server's process: waiting fails as soon as it exits, instead of running out the clock. */
  child?: ChildProcess;
  /** @default 10_000 */
  timeoutMs?: number;
  /** @default 50 */
  intervalMs?: number;
  /** What to poll, appended to the URL. @default "/health/ready" */
  path?: string;
}

/**
 * Resolves once `url` + `/health/ready` answers 200. Rejects when `timeoutMs`
 * passes first (naming the last answer) or when `child` exits first (naming
 * its exit code or signal).
 *
 * @example
 * await waitForReady("http://127.0.0.1:8000", { child, timeoutMs: 60_000 });
 */
export async function waitForReady(url: string, options: WaitForReadyOptions = {}): Promise<void> {
  const { child, timeoutMs = 10_000, intervalMs = 50, path = "/health/ready" } = options;
  const target = `${url.replace(/\/$/, "")}${path}`;
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    if (child && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(`the server exited (${exitOf(child)}) before ${target} answered 200`);
    }
    // Each attempt gets the time left, and at least a second: a hung server
    // cannot hold the wait past its deadline, a slow answer still counts.
    const res = await fetch(target, {
      signal: AbortSignal.timeout(Math.max(1_000, deadline - Date.now())),
    }).catch((error: Error) => {
      last = (error.cause as { code?: string } | undefined)?.code ?? error.message;
      return undefined;
    });
    if (res) {
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`${target} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
    }
    await sleepUnlessExit(intervalMs, child);
  }
}

/** Waits `ms`, or less when `child` exits meanwhile (the loop then reports it). */
function sleepUnlessExit(ms: number, child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      child?.off("exit", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    child?.once("exit", done);
  });
}

function exitOf(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
}
