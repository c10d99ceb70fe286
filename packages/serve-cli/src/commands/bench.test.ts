import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../test/run-cli.js";

const echo = definePredictor({
  name: "echo",
  input: z.object({ text: z.string(), times: z.number().int().default(1) }),
  output: z.object({ text: z.string() }),
  predict: ({ text, times }) => ({ text: text.repeat(times) }),
});

function start(): Promise<RunningServer> {
  return serve(echo, {
    port: 0,
    host: "127.0.0.1",
    workers: 0,
    logLevel: "silent",
    handleSignals: false,
  });
}

const short = ["--warmup", "100ms", "--duration", "500ms"];

describe("serve-cli bench against running servers", () => {
  let a: RunningServer;
  let b: RunningServer;
  let dir: string;
  beforeAll(async () => {
    [a, b] = await Promise.all([start(), start()]);
    await Promise.all([a.ready, b.ready]);
    dir = await mkdtemp(join(tmpdir(), "bench-cli-"));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints a Locust-style table, one row per concurrency level", async () => {
    const result = await runCli([
      "bench",
      "--url",
      a.url,
      "-i",
      "text=hi",
      "-i",
      "times=3",
      "-c",
      "1,2",
      ...short,
    ]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(
      /^Type +Name +# requests +# fails +Median \(ms\) +90%ile \(ms\) +99%ile \(ms\) +99\.9%ile \(ms\)/,
    );
    expect(lines[1]).toMatch(/^POST +concurrency 1 +\d+ +0 /);
    expect(lines[2]).toMatch(/^POST +concurrency 2 +\d+ +0 /);
  });

  it("--json prints the documented shape; --html writes a report with plots", async () => {
    const html = join(dir, "report.html");
    const result = await runCli([
      "bench",
      "--url",
      a.url,
      "-i",
      "text=hi",
      "--rate",
      "20/s",
      "--json",
      "--html",
      html,
      ...short,
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`wrote ${html}`);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json).sort()).toEqual(["compare", "levels", "settings", "startedAt", "url"]);
    expect(json.url).toBe(`${a.url}/predict`);
    expect(json.settings).toEqual({
      warmupS: 0.1,
      durationS: 0.5,
      maxRequests: null,
      maxInFlight: 1000,
      timeoutS: 30,
      rounds: null,
    });
    const [level] = json.levels;
    expect(level).toMatchObject({
      name: "rate 20/s",
      mode: "open",
      concurrency: null,
      rate: 20,
      failures: 0,
    });
    expect(level.requests).toBeLessThanOrEqual(11);
    expect(Object.keys(level.latencyMs).sort()).toEqual([
      "max",
      "mean",
      "min",
      "p50",
      "p90",
      "p99",
      "p99_9",
    ]);
    expect(level.timeline[0]).toHaveProperty("p99Ms");
    const page = await readFile(html, "utf8");
    expect(page).toContain("<svg");
    expect(page).toContain("rate 20/s");
  });

  it("--compare prints both servers' rows and the B/A ratios", async () => {
    const result = await runCli([
      "bench",
      "--url",
      a.url,
      "--compare",
      b.url,
      "--rounds",
      "2",
      "-i",
      "text=hi",
      "-c",
      "2",
      ...short,
    ]);
    expect(result.code).toBe(0);
    // One table, each level's A row above its B row.
    expect(result.stdout).toMatch(/^POST +A concurrency 2 .*\nPOST +B concurrency 2 /m);
    expect(result.stdout).toContain(
      `B/A ratios, median of 2 rounds (A = ${a.url}/predict, B = ${b.url}/predict)`,
    );
    expect(result.stdout).toMatch(/^concurrency 2 +\d+\.\d\dx +\d+\.\d\dx +\d+\.\d\dx$/m);
  });

  it.each([
    [["--rate", "fast"], /--rate must be requests per second/],
    [["-c", "0"], /--concurrency must be whole numbers ≥ 1/],
    [["--rounds", "2"], /--rounds needs --compare/],
    [["-i", "colour=red"], /unknown input field `colour`; the inputs are: text, times/],
    [["--duration", "soon"], /--duration must be a duration like 10s/],
  ])("usage error %j exits 2 and says what to do", async (args, message) => {
    const result = await runCli(["bench", "--url", a.url, "-i", "text=hi", ...args, ...short]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
  });

  it("a required input left out is a usage error before any load is sent", async () => {
    const result = await runCli(["bench", "--url", a.url, ...short]);
    expect(result.stderr).toContain("missing `-i text=<value>`");
    expect(result.code).toBe(2);
  });
});
