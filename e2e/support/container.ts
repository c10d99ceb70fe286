import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { waitForReady } from "@servekit/test-kit";
import { REPO_ROOT } from "./paths.js";

/**
 * The local stand-in base image the image tests build on, since none can be
 * pulled here. Never tagged as the public `node:` image, so no later build of
 * the machine's user mistakes it for the real one.
 */
export const STAND_IN_BASE_IMAGE = "localhost/servekit-test-node:20-bookworm";

/** Why this machine cannot build images for the tests, or undefined when it can. */
export function imageBuildMissing(): string | undefined {
  if (process.getuid?.() !== 0) return "image builds need root (buildah, chroot isolation)";
  for (const program of ["buildah", "debootstrap"]) {
    try {
      execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    } catch {
      return `${program} is not installed (apt-get install buildah debootstrap)`;
    }
  }
  return undefined;
}

export function buildah(...args: string[]): string {
  return execFileSync("buildah", args, {
    encoding: "utf8",
    env: { ...process.env, BUILDAH_ISOLATION: "chroot" },
  });
}

/** Makes the stand-in base image once (cached in buildah's store afterwards). */
export function ensureStandInBaseImage(): void {
  execFileSync(
    "bash",
    [join(REPO_ROOT, "packages/serve-cli/test/make-base-image.sh"), STAND_IN_BASE_IMAGE],
    { stdio: ["ignore", "inherit", "inherit"], timeout: 900_000 },
  );
}

/** Removes an image if it exists; never fails. */
export function removeImage(image: string): void {
  try {
    buildah("rmi", "-f", image);
  } catch {
    // not there: nothing to clean
  }
}

interface ImageConfig {
  Cmd: string[];
  User: string;
  Env: string[];
  WorkingDir: string;
}

/** A container started from an image's own CMD, user and environment. */
export interface RunningContainer {
  url: string;
  /** What the container printed so far. */
  output(): string;
  /** SIGTERM to the server, as a container runtime's stop would send; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs an image's CMD with buildah (chroot isolation, host network) on
 * `port`: the nearest thing to `docker run` where no container engine runs.
 */
export function runImage(image: string, port: number): RunningContainer {
  const config = JSON.parse(buildah("inspect", "--type", "image", image)).OCIv1
    .config as ImageConfig;
  const container = buildah("from", image).trim();
  const env = [...config.Env.filter((e) => !e.startsWith("PORT=")), `PORT=${port}`];
  const child: ChildProcess = spawn(
    "buildah",
    [
      "run",
      "--isolation",
      "chroot",
      "--network",
      "host",
      "--user",
      config.User,
      "--workingdir",
      config.WorkingDir,
      ...env.flatMap((e) => ["--env", e]),
      container,
      "--",
      ...config.Cmd,
    ],
    // Kept, not printed: the test output stays the tests'; a failure can show it.
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      // buildah run kills rather than forwards signals: signal the server itself.
      if (child.exitCode === null) {
        try {
          process.kill(descendantNamed(child.pid!, "node"), "SIGTERM");
        } catch {
          child.kill("SIGKILL");
        }
      }
      const code = await exited;
      buildah("rm", container);
      return code;
    },
  };
}

/** The first process named `comm` below `root` in the process tree (from /proc). */
export function descendantNamed(root: number, comm: string): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === comm) return pid;
    queue.push(...(children.get(pid) ?? []));
  }
  throw new Error(`no ${comm} process below ${root}`);
}

/** Resolves once the container's /health/ready answers 200; fails with what it printed otherwise. */
export async function waitForContainer(
  container: RunningContainer,
  timeoutMs = 120_000,
): Promise<void> {
  try {
    await waitForReady(container.url, { timeoutMs, intervalMs: 500 });
  } catch (error) {
    throw new Error(`${(error as Error).message}:\n${container.output()}`);
  }
}
