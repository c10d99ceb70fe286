import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { chmod } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";

// gcloud cannot be reached from here (no network, no credentials), so these
// tests put a fake `gcloud` (and a fake `docker`) first on PATH: they record
// every call in FAKE_BIN_LOG and answer from a state file as gcloud would
// (test/fake-bin/fake-tool.mjs). The "VM" the fake reports lives at
// 127.0.0.1, where a small HTTP server stands in for the deployed container.

const FAKE_BIN = fileURLToPath(new URL("../../test/fake-bin", import.meta.url));
const REGISTRY = "us-central1-docker.pkg.dev/my-project/servekit";
const REMOTE = `${REGISTRY}/yolov5:latest`;

let dir: string;
let server: Server;
let port: number;
let readyHits: string[];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [FAKE_BIN, process.env.PATH ?? ""].join(delimiter),
    FAKE_BIN_LOG: join(dir, "calls.jsonl"),
    FAKE_GCLOUD_STATE: join(dir, "gcloud-state.json"),
    ...extra,
  };
}

/** Every recorded call since the last reset, as argv arrays. */
function calls(): string[][] {
  const log = join(dir, "calls.jsonl");
  if (!existsSync(log)) return [];
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

function deployArgs(...extra: string[]): string[] {
  return [
    "deploy",
    "gce",
    "--project",
    "my-project",
    "--name",
    "yolov5",
    "--image",
    "yolov5:latest",
    "--registry",
    REGISTRY,
    "--port",
    String(port),
    "--env",
    "LOG_LEVEL=debug",
    "--timeout",
    "20",
    ...extra,
  ];
}

const describeVm = () => [
  "gcloud",
  "compute",
  "instances",
  "describe",
  "yolov5",
  "--project=my-project",
  "--zone=us-central1-a",
  "--format=json",
];
const describeRule = () => [
  "gcloud",
  "compute",
  "firewall-rules",
  "describe",
  `servekit-allow-${port}`,
  "--project=my-project",
  "--format=json",
];
const tagAndPush = () => [
  ["docker", "tag", "yolov5:latest", REMOTE],
  ["docker", "push", REMOTE],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "servekit-deploy-gce-"));
  // Git keeps the executable bit, but a checkout without it must not fail here.
  for (const bin of ["gcloud", "docker"]) await chmod(join(FAKE_BIN, bin), 0o755);
  server = createServer((req, res) => {
    readyHits.push(req.url ?? "");
    res.writeHead(req.url === "/health/ready" ? 200 : 404, { "content-type": "application/json" });
    res.end('{"status":"READY"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(join(dir, "calls.jsonl"), { force: true });
  rmSync(join(dir, "gcloud-state.json"), { force: true });
  readyHits = [];
});

describe("serve-cli deploy gce (fake gcloud on PATH)", () => {
  it("creates the VM and the firewall rule, waits for /health/ready and prints the URL; a re-run updates the container", async () => {
    const first = await runCli(deployArgs(), { env: env() });
    expect(first.stderr).toContain(`yolov5 is ready (created): http://127.0.0.1:${port}`);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`http://127.0.0.1:${port}\n`);
    expect(readyHits).toEqual(["/health/ready"]);
    expect(calls()).toEqual([
      describeVm(),
      describeRule(),
      ...tagAndPush(),
      [
        "gcloud",
        "compute",
        "instances",
        "create-with-container",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--machine-type=e2-standard-2",
        `--container-image=${REMOTE}`,
        "--container-restart-policy=always",
        `--container-env=PORT=${port},LOG_LEVEL=debug`,
        `--tags=servekit-${port}`,
        "--image-family=cos-stable",
        "--image-project=cos-cloud",
      ],
      [
        "gcloud",
        "compute",
        "firewall-rules",
        "create",
        `servekit-allow-${port}`,
        "--project=my-project",
        `--allow=tcp:${port}`,
        `--target-tags=servekit-${port}`,
        "--source-ranges=0.0.0.0/0",
        `--description=servekit: HTTP on port ${port} for VMs tagged servekit-${port}`,
      ],
      describeVm(),
    ]);

    rmSync(join(dir, "calls.jsonl"));
    const again = await runCli(deployArgs(), { env: env() });
    expect(again.stderr).toContain("yolov5 is ready (updated)");
    expect(again.code).toBe(0);
    expect(calls()).toEqual([
      describeVm(),
      describeRule(),
      ...tagAndPush(),
      [
        "gcloud",
        "compute",
        "instances",
        "update-container",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        `--container-image=${REMOTE}`,
        `--container-env=PORT=${port},LOG_LEVEL=debug`,
      ],
      describeVm(),
    ]);
  });

  it("--delete removes the VM and the rule; a second --delete finds nothing to remove", async () => {
    expect((await runCli(deployArgs(), { env: env() })).code).toBe(0);
    rmSync(join(dir, "calls.jsonl"));
    const del = ["deploy", "gce", "--project", "my-project", "--name", "yolov5"];
    const first = await runCli([...del, "--port", String(port), "--delete"], { env: env() });
    expect(first.stderr).toContain(`deleted VM yolov5 and firewall rule servekit-allow-${port}`);
    expect(first.code).toBe(0);
    expect(calls()).toEqual([
      describeVm(),
      describeRule(),
      [
        "gcloud",
        "compute",
        "instances",
        "delete",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--quiet",
      ],
      [
        "gcloud",
        "compute",
        "firewall-rules",
        "delete",
        `servekit-allow-${port}`,
        "--project=my-project",
        "--quiet",
      ],
    ]);
    const second = await runCli([...del, "--port", String(port), "--delete"], { env: env() });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("nothing to delete");
  });

  it("--dry-run runs nothing and prints the commands, shell-quoted, with its assumptions", async () => {
    const result = await runCli(deployArgs("--env", "GREETING=hello world", "--dry-run"), {
      env: env(),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual([]);
    const commands = result.stdout.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(commands).toEqual([
      `docker tag yolov5:latest ${REMOTE}`,
      `docker push ${REMOTE}`,
      `gcloud compute instances create-with-container yolov5 --project=my-project --zone=us-central1-a --machine-type=e2-standard-2 --container-image=${REMOTE} --container-restart-policy=always '--container-env=PORT=${port},LOG_LEVEL=debug,GREETING=hello world' --tags=servekit-${port} --image-family=cos-stable --image-project=cos-cloud`,
      `gcloud compute firewall-rules create servekit-allow-${port} --project=my-project --allow=tcp:${port} --target-tags=servekit-${port} --source-ranges=0.0.0.0/0 '--description=servekit: HTTP on port ${port} for VMs tagged servekit-${port}'`,
      "gcloud compute instances describe yolov5 --project=my-project --zone=us-central1-a --format=json",
    ]);
    expect(result.stdout).toContain('# Assuming the VM "yolov5" does not exist yet');
    expect(result.stdout).toContain(`http://EXTERNAL_IP:${port}/health/ready`);
  });

  it("exits 1 naming the failed step and showing gcloud's error", async () => {
    const result = await runCli(deployArgs(), {
      env: env({ FAKE_GCLOUD_FAIL: "create-with-container" }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: step "Create VM yolov5 (e2-standard-2, Container-Optimized OS) running the image" failed: `gcloud compute instances create-with-container yolov5',
    );
    expect(result.stderr).toContain("Quota 'CPUS' exceeded.");
    // Nothing after the failed step ran.
    expect(calls().at(-1)?.[3]).toBe("create-with-container");
  });

  it("exits 1 with an install hint when gcloud is not on PATH", async () => {
    const empty = mkdtempSync(join(dir, "empty-path-"));
    const result = await runCli(
      ["deploy", "gce", "--project", "my-project", "--name", "yolov5", "--delete"],
      { env: env({ PATH: empty }) },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "error: `gcloud` was not found on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install), then run `gcloud auth login`",
    );
  });

  it("exits 2 on invalid flags, before running anything", async () => {
    writeFileSync(join(dir, "calls.jsonl"), "");
    const result = await runCli(
      [
        "deploy",
        "gce",
        "--project",
        "my-project",
        "--name",
        "YOLO",
        "--image",
        "yolov5:latest",
        "--registry",
        "gcr.io/my-project",
        "--port",
        "70000",
      ],
      { env: env() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid `deploy gce` options:");
    expect(result.stderr).toContain("- `--name` must be a VM name");
    expect(result.stderr).toContain("- `--registry` must be an Artifact Registry repository");
    expect(result.stderr).toContain("- `--port` must be a whole number 1–65535; got 70000");
    expect(calls()).toEqual([]);
  });
});
