import { CliError } from "../cli-error.js";

export interface WaitForReadyOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Pause between attempts. @default 5000 */
  intervalMs?: number;
  /** Longest a single request may take. @default 10000 */
  requestTimeoutMs?: number;
  /** Appended to the timeout error: where to look next. @default "" */
  hint?: string;
  /** Called after each attempt that was not ready, with what it got ("HTTP 503", "ECONNREFUSED"). */
  onAttempt?: (outcome: string) => void;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Milliseconds since some fixed point. @default Date.now */
  now?: () => number;
  /** @default a timer */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls `url` until it answers 200 (a readiness probe such as
 * `/health/ready`), or throws a CliError (exit 1) with the last outcome once
 * `timeoutMs` has passed. Connection errors and non-200 answers just mean
 * "not yet": a new VM refuses connections until its container is up.
 *
 * @example
 * await waitForReady("http://34.1.2.3:8000/health/ready", { timeoutMs: 300_000 });
 */
export async function waitForReady(url: string, options: WaitForReadyOptions): Promise<void> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const intervalMs = options.intervalMs ?? 5_000;
  const deadline = now() + options.timeoutMs;
  let last = "no answer yet";
  for (;;) {
    const remaining = deadline - now();
    try {
      const res = await fetchFn(url, {
        signal: AbortSignal.timeout(
          Math.max(1, Math.min(options.requestTimeoutMs ?? 10_000, remaining)),
        ),
      });
      await res.body?.cancel();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (error) {
      last = describeFailure(error);
    }
    options.onAttempt?.(last);
    if (now() + intervalMs > deadline) break;
    await sleep(intervalMs);
  }
  const seconds = Math.round(options.timeoutMs / 1000);
  throw new CliError(
    `${url} did not answer 200 within ${seconds} s (last: ${last})${options.hint ? `; ${options.hint}` : ""}`,
  );
}

/** "ECONNREFUSED", "timed out", or the error's message: what a user can act on. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  if (cause?.code) return cause.code;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return "timed out";
  return error instanceof Error ? error.message : String(error);
}

/** How a deploy waits for the server it started: see {@link waitForDeployedServer}. */
export interface DeployedServerWait {
  /** Give up after this many seconds. */
  timeoutSeconds: number;
  /** Where to look next when it gives up (logs, a longer --timeout). */
  hint: string;
  /** Receives the wait and each new kind of "not yet". @default discarded */
  log?: (line: string) => void;
  /** The wait's clock, fetch and pace. @default real time, global fetch, every 5 s */
  readiness?: Pick<WaitForReadyOptions, "fetch" | "now" | "sleep" | "intervalMs">;
}

/**
 * Waits until `baseUrl`/health/ready answers 200, as every deploy target
 * does last, logging what it waits for and each new kind of "not yet" (not
 * every attempt: a VM that pulls its image refuses connections for minutes).
 *
 * @example
 * await waitForDeployedServer("https://yolov5-demo.herokuapp.com", {
 *   timeoutSeconds: 300,
 *   hint: "see the app's logs with `heroku logs --tail --app yolov5-demo`",
 *   log: (line) => process.stderr.write(`${line}\n`),
 * });
 */
export async function waitForDeployedServer(
  baseUrl: string,
  wait: DeployedServerWait,
): Promise<void> {
  const log = wait.log ?? (() => {});
  log(`→ Wait up to ${wait.timeoutSeconds} s for ${baseUrl}/health/ready to answer 200`);
  let lastOutcome = "";
  await waitForReady(`${baseUrl}/health/ready`, {
    ...wait.readiness,
    timeoutMs: wait.timeoutSeconds * 1000,
    onAttempt: (outcome) => {
      if (outcome !== lastOutcome) log(`    not ready yet: ${outcome}`);
      lastOutcome = outcome;
    },
    hint: wait.hint,
  });
}
