import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../index.js";
import { ModelRuntime } from "../runtime/model-runtime.js";
import { serve } from "../serve.js";
import { fixturePredictor } from "../test-support/fixture-predictor.js";
import { makePng } from "../test-support/images.js";
import { BatchInputError, runBatch } from "./run-batch.js";

interface Line {
  id: string | number;
  output?: { text: string; image?: { sha256: string; width: number } };
  error?: { code: string; message: string };
  predict_time?: number;
}

const dir = mkdtempSync(join(tmpdir(), "servekit-batch-"));
let runtime: ModelRuntime;
let serial = 0;

beforeAll(() => {
  runtime = new ModelRuntime(fixturePredictor, { logLevel: "silent" });
});
afterAll(async () => {
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh file in the test's folder with these lines (or text). */
function file(name: string, content: string | string[]): string {
  const path = join(dir, `${serial++}-${name}`);
  writeFileSync(path, Array.isArray(content) ? `${content.join("\n")}\n` : content);
  return path;
}

function outputPath(): string {
  return join(dir, `${serial++}-out.jsonl`);
}

function readLines(path: string): Line[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);
}

/** How many lines each id has in an output. */
function countIds(lines: Line[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { id } of lines) counts.set(String(id), (counts.get(String(id)) ?? 0) + 1);
  return counts;
}

describe("runBatch over a JSONL file", () => {
  it("writes an output line per good row and an error line per bad one, without stopping", async () => {
    const rows = Array.from({ length: 100 }, (_, i) => {
      const n = i + 1;
      if (n === 10) return `{"text": "ten", "count": 99}`; // out of range: 422
      if (n === 50) return `{"text": "fifty",`; // not JSON
      if (n === 90) return JSON.stringify({ text: "ninety", mode: "throw" }); // predictor throws
      return JSON.stringify({ text: `row ${n}` });
    });
    const output = outputPath();
    const summary = await runBatch({ runtime, input: file("rows.jsonl", rows), output });

    const lines = readLines(output);
    expect(lines).toHaveLength(100);
    expect([...countIds(lines).values()].every((count) => count === 1)).toBe(true);
    const errors = lines.filter((line) => line.error);
    expect(errors.map((line) => [line.id, line.error?.code]).sort()).toEqual([
      [10, "INVALID_INPUT"],
      [50, "MALFORMED_REQUEST"],
      [90, "PREDICTION_FAILED"],
    ]);
    expect(errors.find((line) => line.id === 10)?.error?.message).toContain("count");
    expect(errors.find((line) => line.id === 50)?.error?.message).toContain("line 50");
    // The batch's owner reads what the predictor threw (an HTTP client would not).
    expect(errors.find((line) => line.id === 90)?.error?.message).toContain("model exploded");
    const row7 = lines.find((line) => line.id === 7)!;
    expect(row7.output?.text).toBe("row 7");
    expect(row7.predict_time).toBeGreaterThanOrEqual(0);
    expect(summary).toMatchObject({ rows: 100, toRun: 100, succeeded: 97, failed: 3 });
    expect(summary.failedInOutput).toBe(3);
    expect(summary.stopped).toBeUndefined();
  });

  it("skips the ids already in the output, so a stopped batch goes on where it was", async () => {
    const input = file(
      "rows.jsonl",
      Array.from({ length: 40 }, (_, i) => JSON.stringify({ id: `r${i}`, text: `t${i}` })),
    );
    const output = outputPath();
    const stop = new AbortController();
    const first = await runBatch({
      runtime,
      input,
      output,
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.done >= 15) stop.abort();
      },
    });
    expect(first.stopped).toBe("aborted");
    const written = readLines(output).length;
    expect(written).toBeGreaterThanOrEqual(15);
    expect(written).toBeLessThan(40);

    const second = await runBatch({ runtime, input, output });
    expect(second).toMatchObject({ rows: 40, skipped: written, toRun: 40 - written });
    const counts = countIds(readLines(output));
    expect(counts.size).toBe(40);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);

    const third = await runBatch({ runtime, input, output });
    expect(third).toMatchObject({ skipped: 40, toRun: 0, done: 0 });
  });

  it("drops a torn last line left by a kill, and runs its row again", async () => {
    const input = file("rows.jsonl", ['{"id": "a", "text": "x"}', '{"id": "b", "text": "y"}']);
    const output = outputPath();
    writeFileSync(
      output,
      `${JSON.stringify({ id: "a", output: { text: "x" } })}\n{"id": "b", "outp`,
    );
    const summary = await runBatch({ runtime, input, output });
    expect(summary).toMatchObject({ skipped: 1, toRun: 1, succeeded: 1 });
    const lines = readLines(output);
    expect(lines.map((line) => line.id)).toEqual(["a", "b"]);
    expect(lines[1]!.output?.text).toBe("y");
  });

  it("reads file fields from paths relative to the input file, or as base64", async () => {
    const png = await makePng(20, 10);
    mkdirSync(join(dir, "pictures"), { recursive: true });
    writeFileSync(join(dir, "pictures", "small.png"), png);
    const input = file("files.jsonl", [
      JSON.stringify({ id: "by-path", image: "pictures/small.png" }),
      JSON.stringify({ id: "as-base64", image: png.toString("base64") }),
      JSON.stringify({ id: "missing", image: "pictures/nothing.png" }),
    ]);
    const output = outputPath();
    await runBatch({ runtime, input, output });
    const byId = new Map(readLines(output).map((line) => [line.id, line]));
    expect(byId.get("by-path")?.output?.image?.width).toBe(20);
    expect(byId.get("as-base64")?.output?.image).toEqual(byId.get("by-path")?.output?.image);
    expect(byId.get("missing")?.error?.code).toBe("INVALID_INPUT");
    expect(byId.get("missing")?.error?.message).toContain("no file at pictures/nothing.png");
  });

  it("stops taking rows once more than maxErrors have failed", async () => {
    const rows = Array.from({ length: 30 }, (_, i) =>
      JSON.stringify({ text: "x", mode: i >= 5 ? "client-error" : "ok" }),
    );
    const output = outputPath();
    const summary = await runBatch({
      runtime,
      input: file("rows.jsonl", rows),
      output,
      maxErrors: 2,
    });
    expect(summary.stopped).toBe("max-errors");
    expect(summary.failed).toBeGreaterThanOrEqual(3);
    expect(summary.done).toBeLessThan(30);
    expect(readLines(output)).toHaveLength(summary.done);
  });

  it("refuses rows that share an id before running any", async () => {
    const input = file("rows.jsonl", ['{"id": "a"}', '{"id": "b"}', '{"id": "a"}']);
    const output = outputPath();
    const run = runBatch({ runtime, input, output });
    await expect(run).rejects.toThrow(BatchInputError);
    await expect(run).rejects.toThrow(/line 1 and line 3 .* both have id "a"/);
    expect(readFileSync(output, "utf8")).toBe("");
  });
});

describe("runBatch over a CSV file", () => {
  it("coerces each cell through the input schema, as -i key=value is", async () => {
    const input = file("rows.csv", [
      "id,text,count,tally,mode",
      "n1,hello,3,true,ok",
      'n2,"a, b",2,false,ok',
      "n3,plain,,,", // empty cells: defaults
      "n4,bad,1,true,explode", // not one of the modes
      "n5,short",
    ]);
    const output = outputPath();
    const summary = await runBatch({ runtime, input, output });
    const byId = new Map(readLines(output).map((line) => [line.id, line]));
    expect(byId.get("n1")?.output?.text).toBe("hellohellohello");
    expect(byId.get("n2")?.output?.text).toBe("a, ba, b");
    expect(byId.get("n3")?.output?.text).toBe("plain");
    expect(byId.get("n4")?.error?.code).toBe("INVALID_INPUT");
    expect(byId.get("n4")?.error?.message).toContain("mode");
    expect(byId.get("n5")?.error?.message).toContain("row 5 has 2 cells, the header 5");
    expect(summary).toMatchObject({ succeeded: 3, failed: 2 });
  });

  it("numbers rows from 1 after the header when there is no id column", async () => {
    const output = outputPath();
    await runBatch({ runtime, input: file("rows.csv", ["text", "a", "b"]), output });
    expect(readLines(output).map((line) => [line.id, line.output?.text])).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
  });

  it("refuses a header that names no input, saying which columns may be", async () => {
    const run = runBatch({
      runtime,
      input: file("rows.csv", ["text,colour", "a,red"]),
      output: outputPath(),
    });
    await expect(run).rejects.toThrow(/`colour`, which is no input; the columns may be: id, text/);
  });
});

describe("runBatch over a folder", () => {
  it("runs one row per file, its name the id, other fields from values", async () => {
    const folder = join(dir, "images");
    mkdirSync(folder);
    for (const [name, width] of [
      ["a.png", 8],
      ["b.png", 16],
      ["c.png", 24],
    ] as const) {
      writeFileSync(join(folder, name), await makePng(width, 8));
    }
    writeFileSync(join(folder, "notes.txt"), "not an image");
    writeFileSync(join(folder, ".hidden"), "left out");
    const output = outputPath();
    const summary = await runBatch({ runtime, input: folder, output, values: { text: "seen" } });
    const byId = new Map(readLines(output).map((line) => [line.id, line]));
    expect([...byId.keys()].sort()).toEqual(["a.png", "b.png", "c.png", "notes.txt"]);
    expect(byId.get("b.png")?.output).toMatchObject({ text: "seen", image: { width: 16 } });
    expect(byId.get("notes.txt")?.error?.code).toBe("INVALID_INPUT");
    expect(summary).toMatchObject({ rows: 4, succeeded: 3, failed: 1 });
  });
});

describe("runBatch with shards", () => {
  it("splits the rows so that shards 0/3, 1/3 and 2/3 together run each exactly once", async () => {
    const input = file(
      "rows.jsonl",
      Array.from({ length: 60 }, (_, i) => JSON.stringify({ text: `t${i}` })),
    );
    const outputs = [0, 1, 2].map(() => outputPath());
    const summaries = [];
    for (const [index, output] of outputs.entries()) {
      summaries.push(await runBatch({ runtime, input, output, shard: `${index}/3` }));
    }
    const ids = outputs.flatMap((output) => readLines(output).map((line) => line.id));
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    // Each machine gets a share, not everything or nothing.
    for (const summary of summaries) expect(summary.rows).toBeGreaterThan(5);
  });

  it("refuses a shard outside 0 … n − 1", async () => {
    const run = runBatch({
      runtime,
      input: file("r.jsonl", ["{}"]),
      output: outputPath(),
      shard: "3/3",
    });
    await expect(run).rejects.toThrow("shard must be i/n with 0 ≤ i < n");
  });
});

describe("runBatch against running servers (urls)", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await serve(fixturePredictor, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logLevel: "silent",
    });
    await server.ready;
  });
  afterAll(() => server.close());

  it("posts each row to /predict, files as base64, and writes the server's answers", async () => {
    const png = await makePng(12, 6);
    writeFileSync(join(dir, "remote.png"), png);
    const input = file("rows.csv", [
      "id,text,count,image",
      "p1,hi,2,never.png",
      "p2,yo,3,",
      "p3,no,77,",
      "p4,img,1,remote.png",
    ]);
    const output = outputPath();
    const summary = await runBatch({ urls: [server.url, `${server.url}/`], input, output });
    const byId = new Map(readLines(output).map((line) => [line.id, line]));
    expect(byId.get("p1")?.error?.message).toContain("no file at");
    expect(byId.get("p2")?.output?.text).toBe("yoyoyo");
    expect(byId.get("p2")?.predict_time).toBeGreaterThanOrEqual(0);
    expect(byId.get("p3")?.error?.code).toBe("INVALID_INPUT");
    expect(byId.get("p4")?.output?.image?.width).toBe(12);
    expect(summary).toMatchObject({ succeeded: 2, failed: 2 });
  });

  it("tries rows a full server refuses (503 with Retry-After) again until they run", async () => {
    const small = await serve(fixturePredictor, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logLevel: "silent",
      maxQueue: 0,
    });
    await small.ready;
    try {
      const rows = Array.from({ length: 6 }, (_, i) =>
        JSON.stringify({ text: `${i}`, sleep_ms: 50 }),
      );
      const output = outputPath();
      const summary = await runBatch({
        urls: [small.url],
        input: file("rows.jsonl", rows),
        output,
        concurrency: 4,
      });
      expect(summary).toMatchObject({ succeeded: 6, failed: 0 });
      expect(readLines(output).every((line) => line.output)).toBe(true);
    } finally {
      await small.close();
    }
  });

  it("stops before any row when no server answers, writing nothing", async () => {
    const gone = await serve(fixturePredictor, {
      host: "127.0.0.1",
      port: 0,
      handleSignals: false,
      logLevel: "silent",
    });
    const { url } = gone;
    await gone.close();
    const output = outputPath();
    const run = runBatch({ urls: [url], input: file("rows.jsonl", ['{"text": "a"}']), output });
    await expect(run).rejects.toThrow(`cannot reach ${url}`);
  });
});
