import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../test/run-cli.js";

// A real image build: buildah (chroot isolation, host network) on a locally
// made stand-in for node:20-bookworm-slim, passed with --base-image, since no
// Docker engine runs here and no base image can be pulled. .ci/run installs
// buildah and debootstrap. The built image is removed afterwards; the base
// image and its rootfs stay cached (see test/make-base-image.sh).
const IMAGE = "localhost/servekit-yolov5:test";
const BASE_IMAGE = "localhost/servekit-test-node:20-bookworm";
const shared = process.env.SERVEKIT_SHARED_DIR ?? join(REPO_ROOT, "../shared");

function buildah(...args: string[]): string {
  return execFileSync("buildah", args, {
    encoding: "utf8",
    env: { ...process.env, BUILDAH_ISOLATION: "chroot" },
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The first process named `comm` below `root` in the process tree (from /proc). */
function descendantNamed(root: number, comm: string): number {
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

interface ImageConfig {
  Cmd: string[];
  User: string;
  Env: string[];
  WorkingDir: string;
  ExposedPorts: Record<string, object>;
  Labels: Record<string, string>;
  StopSignal?: string;
}

function onPath(program: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

// buildah and debootstrap are system packages (and need root): .ci/run installs
// them and CI always runs this suite; elsewhere it is skipped without them, saying why.
const runBuild =
  Boolean(process.env.CI) ||
  (onPath("buildah") && onPath("debootstrap") && process.getuid?.() === 0);
if (!runBuild)
  console.warn(
    "skipping the image-build test: needs buildah and debootstrap, as root (apt-get install buildah debootstrap)",
  );

describe.runIf(runBuild)("serve-cli build (buildah)", () => {
  let config: ImageConfig;
  let healthcheck: { Test: string[] } | undefined;
  let container: string | undefined;
  let server: ChildProcess | undefined;

  beforeAll(() => {
    const makeBase = fileURLToPath(new URL("../test/make-base-image.sh", import.meta.url));
    execFileSync("bash", [makeBase, BASE_IMAGE], {
      stdio: ["ignore", "inherit", "inherit"],
      timeout: 600_000,
    });
  }, 600_000);

  afterAll(() => {
    server?.kill("SIGKILL");
    if (container) buildah("rm", container);
    // ~700 MB per run otherwise; the base image stays, it makes later runs fast.
    try {
      buildah("rmi", IMAGE);
    } catch {
      // not built
    }
  });

  it("builds the YOLOv5 example into an image with a summary", async () => {
    const result = await runCli(
      ["build", "examples/yolov5", "-t", IMAGE, "--builder", "buildah", "--base-image", BASE_IMAGE],
      { cwd: REPO_ROOT, timeoutMs: 900_000 },
    );
    expect(result.stderr).toMatch(/built localhost\/servekit-yolov5:test with buildah in [\d.]+ s/);
    expect(result.stderr).toMatch(
      /^base image: localhost\/servekit-test-node:20-bookworm@sha256:[0-9a-f]{64}$/m,
    );
    expect(result.code).toBe(0);
    const inspected = JSON.parse(buildah("inspect", "--type", "image", IMAGE));
    config = inspected.OCIv1.config;
    healthcheck = inspected.Docker.config.Healthcheck;
  }, 900_000);

  it("runs as a non-root user with a health check, a stop signal and the OpenAPI label", () => {
    expect(config.User).toBe("node");
    expect(config.ExposedPorts).toHaveProperty("8000/tcp");
    expect(config.StopSignal ?? "SIGTERM").toBe("SIGTERM");
    expect(healthcheck?.Test.join(" ")).toContain("/health/ready");
    const openapi = JSON.parse(config.Labels["run.servekit.openapi_schema"]!);
    expect(Object.keys(openapi.components.schemas.Input.properties)).toContain("confidence");
  });

  it("serves detections from the image's own CMD", async () => {
    const port = await freePort();
    container = buildah("from", IMAGE).trim();
    const env = [...config.Env.filter((e) => !e.startsWith("PORT=")), `PORT=${port}`];
    server = spawn(
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
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const url = `http://127.0.0.1:${port}`;
    await expect
      .poll(async () => (await fetch(`${url}/health/ready`).catch(() => undefined))?.status, {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(200);
    const res = await fetch(`${url}/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        image: readFileSync(join(shared, "images/bus.jpg")).toString("base64"),
      }),
    });
    expect(res.status).toBe(200);
    const labels = (await res.json()).detections.map((d: { label: string }) => d.label);
    expect(labels).toEqual(["person", "person", "person", "bus"]);
    // buildah run kills rather than forwards signals, so stop the server the way
    // a container runtime's SIGTERM would reach it: signal the process itself.
    const exited = new Promise((resolve) => server!.once("exit", resolve));
    process.kill(descendantNamed(server.pid!, "node"), "SIGTERM");
    expect(await exited).toBe(0);
  }, 180_000);
});
