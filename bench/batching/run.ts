// Dynamic batching: throughput at concurrency 16 with batching off and on,
// measured side by side in one run (same model, same worker pool size).
//
//   pnpm --filter @servekit/bench batching [--seconds 8]
import { writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type AnyPredictor, serve } from "@servekit/core";
import { buildTinyModel } from "../../packages/serve-core/src/test-support/tiny-onnx-model.js";
import { closedLoop } from "../closed-loop.js";
import { round } from "../stats.js";
import { batched, unbatched } from "./predictors.js";

const { values: args } = parseArgs({ options: { seconds: { type: "string", default: "8" } } });
const seconds = Number(args.seconds);
const size = Number(process.env.BENCH_MATRIX_SIZE ?? 256);
const concurrency = 16;

const modelPath = join(tmpdir(), `servekit-bench-matmul-${size}.onnx`);
writeFileSync(modelPath, buildTinyModel({ op: "MatMul", inputSize: size, outputSize: size }).bytes);
process.env.BENCH_MODEL = modelPath;

async function measure(predictor: AnyPredictor) {
  const server = await serve(predictor, {
    host: "127.0.0.1",
    port: 0,
    workers: availableParallelism(),
    logLevel: "silent",
    handleSignals: false,
  });
  await server.ready;
  const body = Buffer.from(
    JSON.stringify({ row: Array.from({ length: size }, (_, i) => (i % 7) / 7) }),
  );
  const result = await closedLoop({ url: `${server.url}/predict`, body, concurrency, seconds });
  await server.close();
  return result;
}

const off = await measure(unbatched);
const on = await measure(batched);
console.log(
  [
    `Dynamic batching, ${size}×${size} MatMul (tiny ONNX model, dynamic batch axis), ${availableParallelism()} workers, concurrency ${concurrency}, ${seconds} s each, ${new Date().toISOString().slice(0, 10)}:`,
    "",
    "| batching | req/s | p50 | errors |",
    "|---|---|---|---|",
    `| off | ${off.reqPerSec} | ${off.p50Ms} ms | ${off.errors} |`,
    `| on (maxSize 16, maxWaitMs 2) | ${on.reqPerSec} | ${on.p50Ms} ms | ${on.errors} |`,
    "",
    `Gain: **${round(on.reqPerSec / off.reqPerSec, 2)}×**.`,
  ].join("\n"),
);
