// One benchmark process: loads YOLOv5n with a given intra-op thread count,
// prints "ready", then for each line on stdin (a number of seconds) runs either
// raw inference on a pre-made tensor, or the whole pipeline (decode +
// letterbox, inference, NMS) back to back for that long, and prints one JSON
// line: images done, seconds, and per-stage timings. It idles between runs,
// so runs.ts can alternate it with the server. Exits when stdin closes.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { decodeImage, letterbox } from "@servekit/core/image";
import { loadSession, warmUp } from "@servekit/core/onnx";
import { COCO_LABELS, decodeDetections } from "@servekit/example-yolov5/postprocess";
import { Tensor } from "onnxruntime-node";
import { modelPath } from "./weights.js";

const [mode = "pipeline", threads = "1", imagePath = ""] = process.argv.slice(2);
const loaded = await loadSession(await modelPath("yolov5n"), {
  intraOpNumThreads: Number(threads),
});
await warmUp(loaded);
const labels = [...COCO_LABELS];
const bytes = readFileSync(imagePath);
const inputName = loaded.inputs[0]!.name;
const outputName = loaded.outputs[0]!.name;
const buffer = new Float32Array(3 * 640 * 640);
const premade = new Tensor("float32", buffer, [1, 3, 640, 640]);

async function run(seconds: number): Promise<void> {
  const stages = {
    preprocess: [] as number[],
    inference: [] as number[],
    postprocess: [] as number[],
  };
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let images = 0;
  while (performance.now() < end) {
    if (mode === "raw") {
      const t = performance.now();
      await loaded.session.run({ [inputName]: premade });
      stages.inference.push(performance.now() - t);
    } else {
      const t0 = performance.now();
      const decoded = await decodeImage(bytes);
      const boxed = letterbox(decoded, { out: buffer });
      const t1 = performance.now();
      const out = await loaded.session.run({
        [inputName]: new Tensor("float32", boxed.tensor, boxed.dims),
      });
      const t2 = performance.now();
      decodeDetections(out[outputName]!.data as Float32Array, {
        labels,
        imageWidth: decoded.width,
        imageHeight: decoded.height,
      });
      const t3 = performance.now();
      stages.preprocess.push(t1 - t0);
      stages.inference.push(t2 - t1);
      stages.postprocess.push(t3 - t2);
    }
    images++;
  }
  process.stdout.write(
    `${JSON.stringify({ mode, threads: Number(threads), images, seconds: (performance.now() - start) / 1000, stages })}\n`,
  );
}

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) await run(Number(line));
