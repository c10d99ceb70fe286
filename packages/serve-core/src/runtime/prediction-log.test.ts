import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { file } from "../input/file-input.js";
import { definePredictor } from "../predictor.js";
import { ModelRuntime } from "./model-runtime.js";

const sizer = definePredictor({
  name: "sizer",
  version: "2.1.0",
  input: z.object({ doc: file(), note: z.string().default("") }),
  output: z.object({ bytes: z.number() }),
  predict: ({ doc, note }) => {
    if (note === "fail") throw new Error("asked to fail");
    return { bytes: doc.data.byteLength };
  },
});

const runtimes: ModelRuntime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((r) => r.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function runtimeLogging(predictionLog: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), "prediction-log-"));
  dirs.push(dir);
  const runtime = new ModelRuntime(sizer, {
    logLevel: "silent",
    predictionLog: { dir, ...predictionLog },
  });
  runtimes.push(runtime);
  await runtime.ready;
  const predict = async (text: string, note = "") =>
    runtime
      .predict(await runtime.parseInput({ doc: Buffer.from(text).toString("base64"), note }))
      .catch(() => undefined);
  return { dir: join(dir, "sizer", "2.1.0"), predict, runtime };
}

const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("the prediction log", () => {
  it("writes inputs (files by hash, size and media type) with outputs and errors, per model-version", async () => {
    const { dir, predict, runtime } = await runtimeLogging({});
    await predict("hello");
    await predict("bad", "fail");
    await runtime.close();
    const [ok, failed] = lines(join(dir, "predictions.jsonl"));
    expect(ok).toMatchObject({
      model: "sizer",
      version: "2.1.0",
      input: {
        doc: {
          // sha256("hello")
          sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
          size: 5,
          media_type: "application/octet-stream",
        },
        note: "",
      },
      output: { bytes: 5 },
    });
    expect(typeof ok?.predict_time).toBe("number");
    expect(JSON.stringify(ok)).not.toContain("aGVsbG8"); // no bytes unless asked
    expect(failed).toMatchObject({ input: { note: "fail" }, error: { code: "PREDICTION_FAILED" } });
  });

  it("keeps the bytes when asked, and samples the given fraction", async () => {
    const kept = await runtimeLogging({ keepFileBytes: true });
    await kept.predict("hello");
    await kept.runtime.close();
    expect(lines(join(kept.dir, "predictions.jsonl"))[0]).toMatchObject({
      input: { doc: { base64: "aGVsbG8=", size: 5 } },
    });

    const none = await runtimeLogging({ sampleRate: 0 });
    await none.predict("hello");
    await none.runtime.close();
    expect(readFileSync(join(none.dir, "predictions.jsonl"), "utf8")).toBe("");
  });

  it("rotates by size and keeps at most maxFiles rotated files", async () => {
    const { dir, predict, runtime } = await runtimeLogging({ maxFileBytes: 1024, maxFiles: 2 });
    // Each line is ~300 bytes: 40 lines pass 1 KiB many times over.
    for (let i = 0; i < 40; i++) await predict(`document number ${i}`);
    await runtime.close();
    const files = readdirSync(dir).sort();
    expect(files).toContain("predictions.jsonl");
    const rotated = files.filter((f) => /^predictions\.\d+\.jsonl$/.test(f));
    expect(rotated.length).toBeGreaterThan(0);
    expect(rotated.length).toBeLessThanOrEqual(2);
    // Every line that was kept is whole JSON.
    for (const name of [...rotated, "predictions.jsonl"]) lines(join(dir, name));
  });
});
