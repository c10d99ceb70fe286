import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import { collectOutput } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, REPO_ROOT, runCli } from "../../test/run-cli.js";

const CORE = join(REPO_ROOT, "packages/serve-core/dist/index.js");

/** A predictor that echoes text `n` times, can wait, and throws for mode "throw". */
const PREDICTOR = `import { definePredictor, z } from ${JSON.stringify(CORE)};
export const predictor = definePredictor({
  name: "batch-echo",
  input: z.object({
    text: z.string(),
    n: z.number().int().min(1).max(10).default(1),
    loud: z.boolean().default(false),
    mode: z.enum(["ok", "throw"]).default("ok"),
    delay_ms: z.number().min(0).default(0),
  }),
  output: z.object({ text: z.string() }),
  predict: async ({ text, n, loud, mode, delay_ms }) => {
    if (delay_ms > 0) await new Promise((r) => setTimeout(r, delay_ms));
    if (mode === "throw") throw new Error("cannot echo this one");
    return { text: (loud ? text.toUpperCase() : text).repeat(n) };
  },
});
`;

interface Line {
  id: string | number;
  output?: { text: string };
  error?: { code: string; message: string };
}

const dir = mkdtempSync(join(tmpdir(), "servekit-batch-cli-"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
writeFileSync(join(dir, "predictor.ts"), PREDICTOR);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, lines: string[]): string {
  writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
  return name;
}

function readLines(name: string): Line[] {
  return readFileSync(join(dir, name), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);
}

/** Lines per id: every id of `expected` once, and nothing else. */
function expectEachIdOnce(lines: Line[], expected: (string | number)[]): void {
  const ids = lines.map((line) => String(line.id)).sort();
  expect(ids).toEqual(expected.map(String).sort());
}

const hundredRows = Array.from({ length: 100 }, (_, i) => {
  const id = `row-${i + 1}`;
  if (i === 9) return JSON.stringify({ id, text: "x", n: 50 }); // n > 10: 422
  if (i === 49) return JSON.stringify({ id, text: "x", mode: "throw" }); // predictor throws
  if (i === 89) return JSON.stringify({ id, n: 2 }); // no text: 422
  return JSON.stringify({ id, text: `t${i + 1}` });
});

describe("serve-cli batch", () => {
  it("writes 97 outputs and 3 error lines for 100 rows with 3 bad ones, and exits 1", async () => {
    const input = write("hundred.jsonl", hundredRows);
    const result = await runCli(
      ["batch", "predictor.ts", "--input", input, "-o", "hundred-out.jsonl"],
      {
        cwd: dir,
      },
    );
    expect(result.code).toBe(1);
    const lines = readLines("hundred-out.jsonl");
    expectEachIdOnce(
      lines,
      Array.from({ length: 100 }, (_, i) => `row-${i + 1}`),
    );
    const errors = lines.filter((line) => line.error).map((line) => [line.id, line.error?.code]);
    expect(errors.sort()).toEqual([
      ["row-10", "INVALID_INPUT"],
      ["row-50", "PREDICTION_FAILED"],
      ["row-90", "INVALID_INPUT"],
    ]);
    expect(lines.find((line) => line.id === "row-7")?.output).toEqual({ text: "t7" });
    // Not a terminal: a start line and the summary, no bar.
    expect(result.stderr).toContain("batch: 100 of 100 rows to run");
    expect(result.stderr).toContain("batch: 97 succeeded, 3 failed");
    expect(result.stderr).toContain("error: 3 rows failed");
  });

  it("exits 0 when every row succeeded, and a rerun finds nothing left to do", async () => {
    const input = write("good.jsonl", ['{"text": "a"}', '{"text": "b", "n": 2}']);
    const first = await runCli(
      ["batch", "predictor.ts", "--input", input, "-o", "good-out.jsonl"],
      {
        cwd: dir,
      },
    );
    expect(first.code).toBe(0);
    expect(readLines("good-out.jsonl").map((line) => [line.id, line.output?.text])).toEqual(
      expect.arrayContaining([
        [1, "a"],
        [2, "bb"],
      ]),
    );
    const again = await runCli(
      ["batch", "predictor.ts", "--input", input, "-o", "good-out.jsonl"],
      {
        cwd: dir,
      },
    );
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("batch: 0 of 2 rows to run (2 already in the output, skipped)");
    expect(readLines("good-out.jsonl")).toHaveLength(2);
  });

  it("after kill -9 midway, a rerun writes every missing id, none twice", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => JSON.stringify({ text: `k${i}` }));
    const input = write("killed.jsonl", rows);
    const output = join(dir, "killed-out.jsonl");
    const child = spawn(
      process.execPath,
      [BIN, "batch", "predictor.ts", "--input", input, "-o", output, "-i", "delay_ms=15"],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const killed = collectOutput(child, 120_000);
    // Kill it once some rows are written, well before the last.
    await waitFor(() => sizeOf(output) > 2_000 || child.exitCode !== null);
    expect(child.exitCode).toBeNull();
    child.kill("SIGKILL");
    expect((await killed).code).toBeNull();
    const before = readLines("killed-out.jsonl").length;
    expect(before).toBeLessThan(300);

    const rerun = await runCli(["batch", "predictor.ts", "--input", input, "-o", output], {
      cwd: dir,
    });
    expect(rerun.code).toBe(0);
    expectEachIdOnce(
      readLines("killed-out.jsonl"),
      Array.from({ length: 300 }, (_, i) => i + 1),
    );
  });

  it("coerces CSV cells through the input schema, with -i fields for every row", async () => {
    const input = write("rows.csv", ["id,text,n,loud", "a,hi,2,true", "b,yo,,false", "c,no,many,"]);
    const result = await runCli(
      ["batch", "predictor.ts", "--input", input, "-o", "csv-out.jsonl", "-i", "n=3"],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    const byId = new Map(readLines("csv-out.jsonl").map((line) => [line.id, line]));
    expect(byId.get("a")?.output?.text).toBe("HIHI");
    expect(byId.get("b")?.output?.text).toBe("yoyoyo"); // an empty cell takes -i n=3
    expect(byId.get("c")?.error?.code).toBe("INVALID_INPUT");
  });

  it("splits rows with --shard 0/3, 1/3 and 2/3 so that together they cover each once", async () => {
    const input = write(
      "sharded.jsonl",
      Array.from({ length: 45 }, (_, i) => JSON.stringify({ id: `s${i}`, text: "x" })),
    );
    const names = [0, 1, 2].map((i) => `shard-${i}.jsonl`);
    for (const [i, name] of names.entries()) {
      const result = await runCli(
        ["batch", "predictor.ts", "--input", input, "-o", name, "--shard", `${i}/3`],
        { cwd: dir },
      );
      expect(result.code).toBe(0);
    }
    expectEachIdOnce(
      names.flatMap((name) => readLines(name)),
      Array.from({ length: 45 }, (_, i) => `s${i}`),
    );
  });

  it("exits 2 for an input that does not exist, a bad shard, or rows sharing an id", async () => {
    const missing = await runCli(
      ["batch", "predictor.ts", "--input", "nope.jsonl", "-o", "x.jsonl"],
      {
        cwd: dir,
      },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.jsonl does not exist");
    const input = write("dup.jsonl", ['{"id": 1, "text": "a"}', '{"id": 1, "text": "b"}']);
    const shard = await runCli(
      ["batch", "predictor.ts", "--input", input, "-o", "x.jsonl", "--shard", "2/2"],
      { cwd: dir },
    );
    expect(shard.code).toBe(2);
    expect(shard.stderr).toContain("shard must be i/n");
    const dup = await runCli(["batch", "predictor.ts", "--input", input, "-o", "x.jsonl"], {
      cwd: dir,
    });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain("both have id 1");
  });
});

describe("serve-cli batch --url", () => {
  let server: RunningServer;
  beforeAll(async () => {
    const echo = definePredictor({
      name: "remote-echo",
      input: z.object({ text: z.string(), n: z.number().int().min(1).max(10).default(1) }),
      output: z.object({ text: z.string() }),
      predict: ({ text, n }) => ({ text: text.repeat(n) }),
    });
    server = await serve(echo, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logLevel: "silent",
    });
    await server.ready;
  });
  afterAll(() => server.close());

  it("sends the rows to a running server and writes its answers", async () => {
    const input = write("remote.csv", ["text,n", "ab,2", "cd,", "ef,99"]);
    const result = await runCli(
      ["batch", "--url", server.url, "--input", input, "-o", "remote-out.jsonl", "-i", "n=3"],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    const byId = new Map(readLines("remote-out.jsonl").map((line) => [line.id, line]));
    expect(byId.get(1)?.output?.text).toBe("abab");
    expect(byId.get(2)?.output?.text).toBe("cdcdcd");
    expect(byId.get(3)?.error?.code).toBe("INVALID_INPUT");
  });
});

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Resolves once `condition` holds (checked every 20 ms); the test's timeout bounds it. */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 20));
}
