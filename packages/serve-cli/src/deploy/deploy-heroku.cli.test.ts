import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "@servekit/test-kit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeDockerDir, recordedCalls, startFakeContainer } from "../../test/fake-bin/fake-bin.js";
import { runCli, startCli } from "../../test/run-cli.js";

// Heroku cannot be reached from here (no network, no account), so these
// tests put a FAKE `heroku` first on PATH, written below into a temp folder:
// it records every call in FAKE_BIN_LOG and keeps apps in a state file,
// answering as the Heroku CLI does (`apps:info` of a missing app exits 1
// with "Couldn't find that app."). The fake `docker` of test/fake-bin tags
// and pushes. The app's web URL is a loopback server standing in for Heroku.

const WEB_IMAGE = "registry.heroku.com/yolov5-demo/web";

const FAKE_HEROKU = `#!/usr/bin/env node
// FAKE heroku CLI for serve-cli's tests: records argv, keeps apps in a JSON file.
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(process.env.FAKE_BIN_LOG, JSON.stringify(["heroku", ...args]) + "\\n");
const statePath = process.env.FAKE_HEROKU_STATE;
const apps = fs.existsSync(statePath) ? JSON.parse(fs.readFileSync(statePath, "utf8")) : {};
const save = () => fs.writeFileSync(statePath, JSON.stringify(apps));
const fail = (message) => { process.stderr.write(message + "\\n"); process.exit(1); };
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const [command] = args;
if (process.env.FAKE_HEROKU_FAIL === command) fail(" ▸    Invalid credentials provided.");
if (command === "container:login") { process.stdout.write("Login Succeeded\\n"); process.exit(0); }
if (command === "apps:create") {
  const name = args[1];
  if (apps[name]) fail(" ▸    Name " + name + " is already taken");
  apps[name] = { stack: (args.find((a) => a.startsWith("--stack=")) ?? "=heroku-24").split("=")[1], config: {} };
  save();
  process.stderr.write("Creating ⬢ " + name + "... done, stack is " + apps[name].stack + "\\n");
  process.exit(0);
}
const app = flag("--app");
if (!app || !apps[app]) fail(" ▸    Couldn't find that app.");
if (command === "apps:info") {
  process.stdout.write(JSON.stringify({ app: { name: app, stack: { name: apps[app].stack }, web_url: process.env.FAKE_HEROKU_WEB_URL + "/" } }));
} else if (command === "stack:set") {
  apps[app].stack = args[1]; save();
} else if (command === "config:set") {
  for (const pair of args.slice(1).filter((a) => a.includes("="))) apps[app].config[pair.split("=")[0]] = pair.slice(pair.indexOf("=") + 1);
  save();
} else if (command === "container:release") {
  process.stderr.write("Releasing images " + args[1] + " to " + app + "... done\\n");
} else if (command === "apps:destroy") {
  if (!args.includes("--confirm=" + app)) fail(" ▸    Confirmation did not match " + app);
  delete apps[app]; save();
} else fail(" ▸    fake heroku: unexpected arguments " + JSON.stringify(args));
`;

let dir: string;
let fakeDocker: string;
let server: Server;
let webUrl: string;
let readyHits: string[];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [join(dir, "bin"), fakeDocker, process.env.PATH ?? ""].join(delimiter),
    FAKE_BIN_LOG: join(dir, "calls.jsonl"),
    FAKE_HEROKU_STATE: join(dir, "heroku-state.json"),
    FAKE_HEROKU_WEB_URL: webUrl,
    ...extra,
  };
}

function calls(): string[][] {
  return recordedCalls(join(dir, "calls.jsonl"));
}

const deployArgs = (...extra: string[]) => [
  "deploy",
  "heroku",
  "--app",
  "yolov5-demo",
  "--image",
  "yolov5:latest",
  "--timeout",
  "20",
  ...extra,
];
const appInfo = ["heroku", "apps:info", "--app", "yolov5-demo", "--json"];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "servekit-deploy-heroku-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "heroku"), FAKE_HEROKU);
  chmodSync(join(dir, "bin", "heroku"), 0o755);
  fakeDocker = fakeDockerDir();
  ({ server, url: webUrl } = await startFakeContainer((req) => readyHits.push(req.url ?? "")));
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(join(dir, "calls.jsonl"), { force: true });
  rmSync(join(dir, "heroku-state.json"), { force: true });
  readyHits = [];
});

describe("serve-cli deploy heroku (fake heroku on PATH)", () => {
  it("creates the app on the container stack, pushes, sets config, releases and waits for /health/ready", async () => {
    const result = await runCli(deployArgs("--env", "LOG_LEVEL=debug"), { env: env() });
    expect(result.stderr).toContain(`yolov5-demo is ready (created): ${webUrl}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${webUrl}\n`);
    expect(readyHits).toEqual(["/health/ready"]);
    expect(calls()).toEqual([
      appInfo,
      ["heroku", "apps:create", "yolov5-demo", "--stack=container"],
      ["heroku", "container:login"],
      ["docker", "tag", "yolov5:latest", WEB_IMAGE],
      ["docker", "push", WEB_IMAGE],
      ["heroku", "config:set", "LOG_LEVEL=debug", "--app", "yolov5-demo"],
      ["heroku", "container:release", "web", "--app", "yolov5-demo"],
      appInfo,
    ]);

    // An app on another stack is moved to the container stack, not created again.
    writeFileSync(
      join(dir, "heroku-state.json"),
      JSON.stringify({ "yolov5-demo": { stack: "heroku-24", config: {} } }),
    );
    rmSync(join(dir, "calls.jsonl"));
    const again = await runCli(deployArgs(), { env: env() });
    expect(again.stderr).toContain("yolov5-demo is ready (updated)");
    expect(calls().map((argv) => argv.slice(0, 3))).toEqual([
      appInfo.slice(0, 3),
      ["heroku", "stack:set", "container"],
      ["heroku", "container:login"],
      ["docker", "tag", "yolov5:latest"],
      ["docker", "push", WEB_IMAGE],
      ["heroku", "container:release", "web"],
      appInfo.slice(0, 3),
    ]);
  });

  it("--dry-run runs nothing and prints a script that runs as printed", async () => {
    const result = await runCli(deployArgs("--env", "GREETING=hello world", "--dry-run"), {
      env: env(),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual([]);
    const commands = result.stdout.split("\n").filter((line) => line && !line.startsWith("#"));
    expect(commands).toEqual([
      "heroku apps:create yolov5-demo --stack=container",
      "heroku container:login",
      `docker tag yolov5:latest ${WEB_IMAGE}`,
      `docker push ${WEB_IMAGE}`,
      "heroku config:set 'GREETING=hello world' --app yolov5-demo",
      "heroku container:release web --app yolov5-demo",
      "heroku apps:info --app yolov5-demo --json",
    ]);
    expect(result.stdout).toContain("https://yolov5-demo.herokuapp.com");
    const script = join(dir, "deploy.sh");
    writeFileSync(script, `set -e\n${result.stdout}`);
    const ran = spawnSync("sh", [script], { env: { ...process.env, ...env() }, encoding: "utf8" });
    expect(ran.stderr).toContain("Releasing images web to yolov5-demo... done");
    expect(ran.status).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, "heroku-state.json"), "utf8"));
    expect(state["yolov5-demo"]).toEqual({
      stack: "container",
      config: { GREETING: "hello world" },
    });
  });

  it("--delete destroys the app; a second --delete finds nothing", async () => {
    expect((await runCli(deployArgs(), { env: env() })).code).toBe(0);
    rmSync(join(dir, "calls.jsonl"));
    const del = ["deploy", "heroku", "--app", "yolov5-demo", "--delete"];
    const first = await runCli(del, { env: env() });
    expect(first.stderr).toContain("deleted Heroku app yolov5-demo");
    expect(calls()).toEqual([
      appInfo,
      ["heroku", "apps:destroy", "--app", "yolov5-demo", "--confirm=yolov5-demo"],
    ]);
    const second = await runCli(del, { env: env() });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("nothing to delete");
  });

  it("exits 1 with a hint when the Heroku CLI is not logged in", async () => {
    const result = await runCli(deployArgs(), { env: env({ FAKE_HEROKU_FAIL: "apps:info" }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("could not check whether the app exists");
    expect(result.stderr).toContain("Invalid credentials provided.");
    expect(result.stderr).toContain("log in with `heroku login` first");
  });
});

describe("the server in the image honours $PORT, as Heroku sets it", () => {
  it("`serve-cli run` (the image's CMD) listens on PORT", async () => {
    const port = await freePort();
    const { child, url } = await startCli(["run", "echo"], { env: { PORT: String(port) } });
    try {
      expect(url).toBe(`http://127.0.0.1:${port}`);
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(res.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
