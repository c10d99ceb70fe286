import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeDockerDir, recordedCalls, startFakeContainer } from "../../test/fake-bin/fake-bin.js";
import { runCli } from "../../test/run-cli.js";

// Cloud Run cannot be reached from here (no network, no credentials), so
// these tests put a FAKE `gcloud` first on PATH, written below into a temp
// folder: it records every call in FAKE_BIN_LOG and answers `gcloud run …`
// and `gcloud auth print-identity-token` from a state file as gcloud would.
// The fake `docker` of test/fake-bin tags and pushes. The "service URL" the
// fake reports is a small loopback HTTP server standing in for Cloud Run.

const REGISTRY = "us-central1-docker.pkg.dev/my-project/servekit";
const REMOTE = `${REGISTRY}/yolov5:latest`;

const FAKE_GCLOUD = `#!/usr/bin/env node
// FAKE gcloud for serve-cli's tests: records argv, keeps Cloud Run services in a JSON file.
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_BIN_LOG, JSON.stringify(["gcloud", ...args]) + "\\n");
const statePath = process.env.FAKE_GCLOUD_STATE;
const state = fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, "utf8")) : {};
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const fail = (message) => { process.stderr.write(message + "\\n"); process.exit(1); };
if (process.env.FAKE_GCLOUD_FAIL && args.includes(process.env.FAKE_GCLOUD_FAIL))
  fail("ERROR: (gcloud.run.deploy) Revision 'yolov5-00001-abc' is not ready and cannot serve traffic. The user-provided container failed the configured startup probe checks.");
if (args[0] === "auth" && args[1] === "print-identity-token") { process.stdout.write("fake-identity-token\\n"); process.exit(0); }
const name = args[0] === "run" && args[1] === "deploy" ? args[2] : args[3];
if (args[0] !== "run" || !name || !args.some((a) => a.startsWith("--region=")))
  fail("ERROR: (fake gcloud) unexpected arguments " + JSON.stringify(args));
const verb = args[1] === "deploy" ? "deploy" : args[2];
if (verb === "deploy") {
  state[name] = { image: args.find((a) => a.startsWith("--image=")) };
  save();
  process.stderr.write("Service [" + name + "] revision [" + name + "-00001-abc] has been deployed and is serving 100 percent of traffic.\\n");
  process.exit(0);
}
if (!state[name]) fail("ERROR: (gcloud.run.services." + verb + ") Cannot find service [" + name + "]");
if (verb === "describe") {
  const url = process.env.FAKE_CLOUD_RUN_URL;
  process.stdout.write(args.includes("--format=json") ? JSON.stringify({ status: { url } }) : url + "\\n");
} else if (verb === "delete") {
  delete state[name];
  save();
  process.stderr.write("Deleted service [" + name + "].\\n");
} else fail("ERROR: (fake gcloud) unexpected arguments " + JSON.stringify(args));
`;

let dir: string;
let fakeDocker: string;
let server: Server;
let serviceUrl: string;
let readyHits: { url: string; authorization: string | undefined }[];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [join(dir, "bin"), fakeDocker, process.env.PATH ?? ""].join(delimiter),
    FAKE_BIN_LOG: join(dir, "calls.jsonl"),
    FAKE_GCLOUD_STATE: join(dir, "gcloud-state.json"),
    FAKE_CLOUD_RUN_URL: serviceUrl,
    ...extra,
  };
}

function calls(): string[][] {
  return recordedCalls(join(dir, "calls.jsonl"));
}

const deployArgs = (...extra: string[]) => [
  "deploy",
  "cloudrun",
  "echo",
  "--project",
  "my-project",
  "--name",
  "yolov5",
  "--image",
  "yolov5:latest",
  "--registry",
  REGISTRY,
  "--timeout",
  "20",
  ...extra,
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "servekit-deploy-cloudrun-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "gcloud"), FAKE_GCLOUD);
  chmodSync(join(dir, "bin", "gcloud"), 0o755);
  fakeDocker = fakeDockerDir();
  ({ server, url: serviceUrl } = await startFakeContainer((req) =>
    readyHits.push({ url: req.url ?? "", authorization: req.headers.authorization }),
  ));
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

describe("serve-cli deploy cloudrun (fake gcloud on PATH)", () => {
  it("pushes, deploys with the predictor's capacity as concurrency, and waits for /health/ready with an identity token", async () => {
    const result = await runCli(deployArgs("--env", "LOG_LEVEL=debug"), { env: env() });
    expect(result.stderr).toContain(`yolov5 is ready (concurrency 1): ${serviceUrl}`);
    expect(result.stderr).toContain(
      "concurrency 1: the server's capacity: maxConcurrency 1 (inline) = 1",
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${serviceUrl}\n`);
    expect(calls()).toEqual([
      ["docker", "tag", "yolov5:latest", REMOTE],
      ["docker", "push", REMOTE],
      [
        "gcloud",
        "run",
        "deploy",
        "yolov5",
        "--project=my-project",
        "--region=us-central1",
        `--image=${REMOTE}`,
        "--port=8000",
        "--concurrency=1",
        "--min-instances=0",
        "--max-instances=10",
        "--cpu=2",
        "--memory=2Gi",
        "--cpu-throttling",
        "--startup-probe=httpGet.path=/health/ready,httpGet.port=8000,periodSeconds=10,timeoutSeconds=5,failureThreshold=24",
        "--set-env-vars=LOG_LEVEL=debug",
        "--no-allow-unauthenticated",
      ],
      [
        "gcloud",
        "run",
        "services",
        "describe",
        "yolov5",
        "--project=my-project",
        "--region=us-central1",
        "--format=value(status.url)",
      ],
      ["gcloud", "auth", "print-identity-token"],
    ]);
    expect(readyHits).toEqual([
      { url: "/health/ready", authorization: "Bearer fake-identity-token" },
    ]);
  });

  it("--delete removes the service; a second --delete finds nothing", async () => {
    expect((await runCli(deployArgs("--allow-unauthenticated"), { env: env() })).code).toBe(0);
    expect(readyHits).toEqual([{ url: "/health/ready", authorization: undefined }]);
    rmSync(join(dir, "calls.jsonl"));
    const del = ["deploy", "cloudrun", "--project", "my-project", "--name", "yolov5", "--delete"];
    const first = await runCli(del, { env: env() });
    expect(first.stderr).toContain("deleted Cloud Run service yolov5");
    expect(first.code).toBe(0);
    expect(calls().map((argv) => argv.slice(0, 5))).toEqual([
      ["gcloud", "run", "services", "describe", "yolov5"],
      ["gcloud", "run", "services", "delete", "yolov5"],
    ]);
    const second = await runCli(del, { env: env() });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("nothing to delete");
  });

  it("--dry-run runs nothing and prints a runnable script with its reasons", async () => {
    const result = await runCli(deployArgs("--concurrency", "16", "--dry-run"), { env: env() });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual([]);
    expect(result.stdout).toContain("# Concurrency 16: set with --concurrency.");
    const commands = result.stdout.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(commands).toEqual([
      `docker tag yolov5:latest ${REMOTE}`,
      `docker push ${REMOTE}`,
      `gcloud run deploy yolov5 --project=my-project --region=us-central1 --image=${REMOTE} --port=8000 --concurrency=16 --min-instances=0 --max-instances=10 --cpu=2 --memory=2Gi --cpu-throttling --startup-probe=httpGet.path=/health/ready,httpGet.port=8000,periodSeconds=10,timeoutSeconds=5,failureThreshold=24 --no-allow-unauthenticated`,
      "gcloud run services describe yolov5 --project=my-project --region=us-central1 '--format=value(status.url)'",
      "gcloud auth print-identity-token",
    ]);
    // The script runs as printed: here, against the fakes.
    const script = join(dir, "deploy.sh");
    writeFileSync(script, `set -e\n${result.stdout}`);
    const ran = spawnSync("sh", [script], { env: { ...process.env, ...env() }, encoding: "utf8" });
    expect(ran.status).toBe(0);
    expect(ran.stdout).toContain(serviceUrl);
    expect(calls().map((argv) => argv.slice(0, 3))).toEqual([
      ["docker", "tag", "yolov5:latest"],
      ["docker", "push", REMOTE],
      ["gcloud", "run", "deploy"],
      ["gcloud", "run", "services"],
      ["gcloud", "auth", "print-identity-token"],
    ]);
  });

  it("exits 1 naming the failed step and showing gcloud's error", async () => {
    const result = await runCli(deployArgs(), { env: env({ FAKE_GCLOUD_FAIL: "deploy" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `error: step "Deploy ${REMOTE} to Cloud Run service yolov5" failed: \`gcloud run deploy yolov5`,
    );
    expect(result.stderr).toContain("failed the configured startup probe checks");
  });

  it("exits 2 on invalid flags, before running anything", async () => {
    const result = await runCli([...deployArgs("--concurrency", "5000", "--env", "PORT=1")], {
      env: env(),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("- `--concurrency` must be a whole number 1–1000; got 5000");
    expect(result.stderr).toContain("- `--env` must not set PORT");
    expect(calls()).toEqual([]);
  });
});
