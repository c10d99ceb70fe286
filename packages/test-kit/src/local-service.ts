import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** How to find a program the tests drive for real, and what to say when it is absent. */
export interface ProgramSpec {
  /** The executable's name, e.g. "haproxy". */
  name: string;
  /** An environment variable that names the executable instead, e.g. "HAPROXY". */
  envVar: string;
  /** How to install it, e.g. "apt-get install haproxy". */
  install: string;
  /** Which tests need it, e.g. "the scale-out test". */
  neededBy: string;
}

/**
 * Where `spec.name` is: `$<envVar>` when set (and nothing else), else the
 * first on PATH or in /usr/bin, /usr/sbin; undefined when there is none.
 *
 * @example
 * findProgram({ name: "haproxy", envVar: "HAPROXY", install: "…", neededBy: "…" });
 */
export function findProgram(spec: ProgramSpec): string | undefined {
  const given = process.env[spec.envVar];
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/sbin"];
  const candidates = given ? [given] : dirs.filter(Boolean).map((dir) => join(dir, spec.name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Why the tests that need `spec` cannot run here, or undefined when they
 * can: pass it to `describe.skipIf`. Where `CI=true` a missing program is a
 * failure, not a skip, so CI cannot pass by skipping.
 *
 * @example
 * const missing = programMissingReason(HAPROXY);
 * describe.skipIf(missing)("behind a load balancer", () => { ... });
 */
export function programMissingReason(spec: ProgramSpec): string | undefined {
  if (findProgram(spec)) return undefined;
  const missing = `${spec.name} is not installed (Debian: ${spec.install}, or set ${spec.envVar})`;
  if (process.env.CI === "true")
    throw new Error(`${missing}, and CI=true requires ${spec.neededBy}`);
  const why = `${missing}: skipping ${spec.neededBy}`;
  process.stderr.write(`${why}\n`);
  return why;
}

/** A program started by {@link startProgram}. */
export interface LocalService {
  /** Its process id (stop() ends this process only). */
  pid: number;
  /** The last 8,000 characters it wrote on stdout and stderr. */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 2 s); resolves once it has exited. */
  stop(): Promise<void>;
}

/** What {@link startProgram} starts and how it knows the program is up. */
export interface StartProgramOptions {
  binary: string;
  args: string[];
  /** Resolves true once the program answers (polled every 50 ms). */
  answers: () => Promise<boolean>;
  /** @default 15_000 */
  timeoutMs?: number;
}

/**
 * Starts `binary args` in the foreground and resolves once `answers()` says
 * it is up. Rejects, with what the program wrote, when it exits first or
 * when `timeoutMs` passes (then it is stopped).
 *
 * @example
 * const service = await startProgram({ binary, args: ["-f", file], answers: () => isUp(port) });
 * await service.stop();
 */
export async function startProgram(options: StartProgramOptions): Promise<LocalService> {
  const { binary, args, answers, timeoutMs = 15_000 } = options;
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  // "close", not "exit": by then all it wrote has been read, for the error message.
  let closed = false;
  const exited = new Promise<void>((resolve) =>
    child.once("close", () => {
      closed = true;
      resolve();
    }),
  );
  let spawnFailure: Error | undefined;
  child.once("error", (error) => {
    spawnFailure = error;
  });
  const service: LocalService = {
    pid: child.pid ?? -1,
    output: () => output,
    stop: () => stopChild(child, exited),
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (spawnFailure) throw new Error(`${binary} could not be started: ${spawnFailure.message}`);
    if (closed) throw new Error(`${binary} ${args.join(" ")} exited before answering:\n${output}`);
    if (await answers()) return service;
    if (Date.now() > deadline) {
      await service.stop();
      throw new Error(`${binary} did not answer in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Tries `start` on up to three fresh ports: another process may take a free
 * port before the program binds it.
 */
export async function withPortRetries<T>(start: () => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await start();
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Whether GET `url` answers 200 within a second. */
export async function answers200(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
  await res?.body?.cancel();
  return res?.status === 200;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  // Never started (spawn failed), or already gone: nothing to wait for.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(killer);
}
