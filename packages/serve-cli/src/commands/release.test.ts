import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import { freePort } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";

const ADMIN_KEY = "release-test-admin-key";

function greeter(version: string) {
  return definePredictor({
    name: "greeter",
    version,
    input: z.object({ name: z.string() }),
    output: z.object({ greeting: z.string() }),
    predict: ({ name }) => ({ greeting: `v${version} hello ${name}` }),
  });
}

function startServer(adminApiKeys: string[]): Promise<RunningServer> {
  return serve([greeter("1"), greeter("2"), greeter("3")], {
    port: 0,
    host: "127.0.0.1",
    workers: 0,
    logLevel: "silent",
    handleSignals: false,
    adminApiKeys,
  });
}

/** `serve-cli release --url … --model greeter <args>`, with the admin key unless told otherwise. */
function release(server: RunningServer, args: string[], env: Record<string, string> = {}) {
  return runCli(["release", "--url", server.url, "--model", "greeter", ...args], {
    env: { SERVEKIT_ADMIN_KEY: "", ...env },
  });
}

const withKey = ["--api-key", ADMIN_KEY];

describe("serve-cli release against a running server", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer([ADMIN_KEY]);
    await server.ready;
  });
  afterAll(() => server?.close());

  it("--show prints the policy as a table without a key; --json as JSON", async () => {
    const shown = await release(server, ["--show"]);
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^model greeter \(default\)\nVERSION +WEIGHT +READY +IN FLIGHT\n/);
    expect(shown.stdout).toMatch(/^1 +100% +yes +0$/m);
    expect(shown.stdout).toMatch(/^2 +0% +yes +0$/m);
    expect(shown.stdout).toMatch(/^shadow: none$/m);

    const json = await release(server, ["--show", "--json"]);
    expect(json.code).toBe(0);
    const policy = JSON.parse(json.stdout);
    expect(policy.name).toBe("greeter");
    expect(policy.traffic).toEqual({ weights: { "1": 100, "2": 0, "3": 0 }, shadow: null });
  });

  it("--set moves the weights, and the server routes by them", async () => {
    const result = await release(server, ["--set", "1=80,2=20", ...withKey]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^1 +80% +yes/m);
    expect(result.stdout).toMatch(/^2 +20% +yes/m);
    expect(server.models.traffic("greeter").weights).toEqual({ "1": 80, "2": 20, "3": 0 });
  });

  it("--shadow sets and ends a shadow, taking the key from SERVEKIT_ADMIN_KEY", async () => {
    const on = await release(server, ["--shadow", "3=0.5", "--json"], {
      SERVEKIT_ADMIN_KEY: ADMIN_KEY,
    });
    expect(on.code).toBe(0);
    expect(JSON.parse(on.stdout).traffic.shadow).toEqual({ version: "3", fraction: 0.5 });
    expect(server.models.traffic("greeter").shadow).toEqual({ version: "3", fraction: 0.5 });

    const off = await release(server, ["--shadow", "off", ...withKey]);
    expect(off.code).toBe(0);
    expect(off.stdout).toMatch(/^shadow: none$/m);
    expect(server.models.traffic("greeter").shadow).toBeNull();
  });

  it("--promote gives one version everything and ends its shadow role", async () => {
    expect((await release(server, ["--shadow", "2=0.1", ...withKey])).code).toBe(0);
    const result = await release(server, ["--promote", "2", ...withKey]);
    expect(result.code).toBe(0);
    expect(server.models.traffic("greeter")).toEqual({
      weights: { "1": 0, "2": 100, "3": 0 },
      shadow: null,
    });
    expect(result.stdout).toMatch(/^2 +100% +yes/m);
    const answer = await fetch(`${server.url}/models/greeter/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ada" }),
    });
    expect(answer.headers.get("x-model-version")).toBe("2");
    expect(await answer.json()).toEqual({ greeting: "v2 hello ada" });
  });

  it("--retire removes a version without traffic, and refuses one with traffic (409, exit 1)", async () => {
    const retired = await release(server, ["--retire", "1", ...withKey]);
    expect(retired.code).toBe(0);
    expect(retired.stderr).toContain("retired greeter 1");
    expect(retired.stdout).not.toMatch(/^1 /m);
    expect(server.models.info("greeter").versions.map((v) => v.version)).toEqual(["2", "3"]);

    const refused = await release(server, ["--retire", "2", ...withKey]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the server refused \(409 CONFLICT\): /);
    expect(refused.stderr).toContain("fix: move its traffic to another version first");
  });

  it("says what exists when a version or model is unknown (exit 1)", async () => {
    const version = await release(server, ["--set", "2=50,9=50", ...withKey]);
    expect(version.code).toBe(1);
    expect(version.stderr).toMatch(/^error: the server refused \(422 INVALID_INPUT\): .*9/);
    expect(version.stderr).toContain("- weights.9: no version 9; the versions are 2, 3");
    const model = await runCli(["release", "--url", server.url, "--model", "nope", "--show"]);
    expect(model.code).toBe(1);
    expect(model.stderr).toMatch(/^error: the server refused \(404 MODEL_NOT_FOUND\): .*greeter/);
  });

  it("says to pass the admin key when it is missing or wrong (401, exit 1)", async () => {
    for (const key of [[], ["--api-key", "not-the-admin-key"]]) {
      const result = await release(server, ["--set", "2=50,3=50", ...key]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: the server refused \(401 UNAUTHORIZED\): /);
      expect(result.stderr).toContain(
        "fix: pass one of the server's admin keys with --api-key <key> or SERVEKIT_ADMIN_KEY",
      );
    }
    expect(server.models.traffic("greeter").weights).toEqual({ "2": 100, "3": 0 });
  });
});

describe("serve-cli release against a server without admin keys", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer([]);
    await server.ready;
  });
  afterAll(() => server?.close());

  it("says how to turn the admin routes on (403 ADMIN_DISABLED, exit 1), and --show still works", async () => {
    const result = await release(server, ["--promote", "2", ...withKey]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the server refused \(403 ADMIN_DISABLED\): /);
    expect(result.stderr).toContain("SERVEKIT_ADMIN_KEYS");
    expect((await release(server, ["--show"])).code).toBe(0);
  });
});

describe("serve-cli release usage errors", () => {
  const url = "http://127.0.0.1:9";

  it("exits 2 for no action, two actions, or an unreadable value", async () => {
    for (const [args, message] of [
      [[], "error: say what to do: give exactly one of --set V1=90,V2=10"],
      [["--show", "--retire", "1"], "error: --retire and --show cannot be combined"],
      [
        ["--set", "1=ninety"],
        '--set weight of 1 must be a number ≥ 0 (a relative share, e.g. 90), got "ninety"',
      ],
      [["--shadow", "2=5"], "--shadow fraction must be from 0 to 1"],
    ] as const) {
      const result = await runCli(["release", "--url", url, "--model", "m", ...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
  });

  it("exits 2 without --url or --model, or with a --url that is no address", async () => {
    const noUrl = await runCli(["release", "--model", "m", "--show"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("required option '--url <url>' not specified");
    const noModel = await runCli(["release", "--url", url, "--show"]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain("required option '--model <name>' not specified");
    const badUrl = await runCli(["release", "--url", "localhost", "--model", "m", "--show"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain(
      "--url must be the server's address, e.g. http://127.0.0.1:8000",
    );
  });

  it("exits 1 saying so when nothing answers at --url", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(["release", "--url", closed, "--model", "m", "--show"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `error: could not reach ${closed} (ECONNREFUSED); is the server running, and is --url right?\n`,
    );
  });
});
