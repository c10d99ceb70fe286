// One pipeline-bound process for the batch benchmark: loads YOLOv5n with one
// intra-op thread, prints "ready", then for each line on stdin (seconds) runs
// decode + letterbox → inference → NMS back to back over the given images in
// turn, the same mix the batch runs, and prints {images, seconds}. It idles
// between runs, so run.ts can alternate it with the batch. Exits when stdin
// closes. (bench/yolov5/stage-loop.ts does the same for one image.)
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { decodeImage, letterbox } from "@servekit/core/image";
import { loadSession, warmUp } from "@servekit/core/onnx";
import { COCO_LABELS, decodeDetections } from "@servekit/example-yolov5/postprocess";
import { Tensor } from "onnxruntime-node";
import { modelPath } from "../yolov5/weights.js";

const imagePaths = process.argv.slice(2);
const images = imagePaths.map((path) => readFileSync(path));
const loaded = await loadSession(await modelPath("yolov5n"), {
  intraOpNumThreads: 1,
});
await warmUp(loaded);
const labels = [...COCO_LABELS];
const inputName = loaded.inputs[0]!.name;
const outputName = loaded.outputs[0]!.name;
const buffer = new Float32Array(3 * 640 * 640);
let next = 0;

async function run(seconds: number): Promise<void> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let done = 0;
  while (performance.now() < end) {
    const bytes = images[next++ % images.length]!;
    const decoded = await decodeImage(bytes);
    const boxed = letterbox(decoded, { out: buffer });
    const out = await loaded.session.run({
      [inputName]: new Tensor("float32", boxed.tensor, boxed.dims),
    });
    decodeDetections(out[outputName]!.data as Float32Array, {
      labels,
      imageWidth: decoded.width,
      imageHeight: decoded.height,
    });
    done++;
  }
  const elapsed = (performance.now() - start) / 1000;
  process.stdout.write(`${JSON.stringify({ images: done, seconds: elapsed })}\n`);
}

process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) await run(Number(line));
