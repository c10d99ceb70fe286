// In-process batch with the YOLOv5 example against the pipeline bound: a
// folder of the shared images (repeated to --rows files) through
// `runBatch` with a pool of one worker per core, and the bound (one process
// per core running decode + letterbox → inference → NMS back to back over
// the same images), measured in alternating rounds in one run.
//
//   pnpm --filter @servekit/bench batch-yolov5 [--rows 200] [--rounds 3] [--bound-seconds 5]
//
// Prints a Markdown report (pasted into docs/benchmarks.md) and writes the raw
// numbers to bench/batch-yolov5/results/latest.json.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ModelRuntime, runBatch } from "@servekit/core";
import { predictor } from "@servekit/example-yolov5/predictor";
import { sharedPath } from "@servekit/test-kit";
import { median, round } from "../stats.js";
import { benchWeightsDir } from "../yolov5/weights.js";

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    "bound-seconds": { type: "string", default: "5" },
  },
});
const rows = Number(args.rows);
const rounds = Number(args.rounds);
const boundSeconds = Number(args["bound-seconds"]);
const cores = availableParallelism();

/** bus.jpg, zidane.jpg and every photo in images/more. */
function sharedImages(): string[] {
  const more = sharedPath("images", "more");
  return [
    sharedPath("images", "bus.jpg"),
    sharedPath("images", "zidane.jpg"),
    ...readdirSync(more)
      .filter((name) => /\.jpe?g$/i.test(name))
      .sort()
      .map((name) => join(more, name)),
  ];
}

/** A folder of `count` links to `images` in turn (no copies of the shared data). */
function folderOf(images: string[], count: number, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) {
    const image = images[i % images.length]!;
    symlinkSync(image, join(dir, `${String(i).padStart(5, "0")}-${basename(image)}`));
  }
  return dir;
}

/** The bound's processes, loaded once and idle between rounds. */
async function startBound(images: string[]): Promise<{
  run(seconds: number): Promise<number>;
  close(): Promise<void>;
}> {
  const children = Array.from({ length: cores }, () => {
    const child: ChildProcess = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "bound-loop.ts"), ...images],
      { stdio: ["pipe", "pipe", "inherit"], cwd: here },
    );
    return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() };
  });
  for (const { lines } of children) {
    if ((await lines.next()).value !== "ready") throw new Error("bound loop did not start");
  }
  return {
    async run(seconds) {
      for (const { child } of children) child.stdin!.write(`${seconds}\n`);
      const results = await Promise.all(
        children.map(async ({ lines }) => {
          const { value, done } = await lines.next();
          if (done) throw new Error("bound loop exited");
          return JSON.parse(value) as { images: number; seconds: number };
        }),
      );
      return results.reduce((sum, r) => sum + r.images / r.seconds, 0);
    },
    async close() {
      await Promise.all(
        children.map(({ child }) => {
          child.stdin!.end();
          return new Promise((resolve) => child.once("exit", resolve));
        }),
      );
    },
  };
}

async function main() {
  const images = sharedImages();
  const work = mkdtempSync(join(tmpdir(), "servekit-bench-batch-"));
  const folder = folderOf(images, rows, join(work, "rows"));
  const warmFolder = folderOf(images, cores * 4, join(work, "warm"));
  console.error(`cores: ${cores}; ${rows} rows over ${images.length} images; ${rounds} rounds`);

  const runtime = new ModelRuntime(predictor, {
    workers: cores,
    logLevel: "warn",
    weightsDir: benchWeightsDir(),
  });
  await runtime.ready;
  if (runtime.health().status !== "READY") throw new Error(runtime.health().setup.error);
  await runBatch({ runtime, input: warmFolder, output: join(work, "warm.jsonl") });
  const bound = await startBound(images);
  const measured: { bound: number; batch: number; failed: number }[] = [];
  for (let i = 1; i <= rounds; i++) {
    console.error(
      `round ${i}/${rounds}: pipeline bound ${boundSeconds} s, then batch of ${rows} rows …`,
    );
    const boundRate = await bound.run(boundSeconds);
    const summary = await runBatch({
      runtime,
      input: folder,
      output: join(work, `round-${i}.jsonl`),
    });
    measured.push({ bound: boundRate, batch: summary.rate, failed: summary.failed });
  }
  await bound.close();
  await runtime.close();
  rmSync(work, { recursive: true, force: true });

  const ratios = measured.map((m) => m.batch / m.bound);
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    cores,
    rows,
    images: images.map((path) => basename(path)),
    rounds: measured.map((m, i) => ({
      pipelineBound: round(m.bound),
      batchImagesPerSec: round(m.batch),
      ratio: round(ratios[i]!, 2),
      failed: m.failed,
    })),
    batchOverBound: round(median(ratios), 2),
  };
  mkdirSync(join(here, "results"), { recursive: true });
  writeFileSync(join(here, "results/latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    [
      `In-process batch (\`runBatch\`, ${cores} workers) over a folder of ${rows} links to ${images.length} shared images, ${result.date.slice(0, 10)}, Node ${result.node}:`,
      "",
      "| round | pipeline bound (1 process × 1 thread per core, same images) | batch | ratio |",
      "|---|---|---|---|",
      ...result.rounds.map(
        (r, i) =>
          `| ${i + 1} | ${r.pipelineBound} img/s | ${r.batchImagesPerSec} img/s${r.failed ? ` (${r.failed} failed)` : ""} | ${r.ratio} |`,
      ),
      "",
      `Batch / pipeline bound (median of the rounds): **${result.batchOverBound}** (target ≥ 0.95).`,
    ].join("\n"),
  );
}

await main();
