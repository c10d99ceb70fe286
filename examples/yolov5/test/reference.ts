import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sharedPath } from "@servekit/test-kit";

export interface ReferenceDetection {
  class_id: number;
  label: string;
  confidence: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

interface ReferenceResult {
  image: string;
  model: string;
  width: number;
  height: number;
  detections: ReferenceDetection[];
}

const fixture = JSON.parse(
  readFileSync(
    fileURLToPath(new URL("./fixtures/reference-detections.json", import.meta.url)),
    "utf8",
  ),
) as { results: ReferenceResult[] };

/** What reference/reference_detect.py (OpenCV + onnxruntime + YOLOv5's NMS) found. */
export function referenceFor(image: string, model: "yolov5n" | "yolov5n-fp16"): ReferenceResult {
  const result = fixture.results.find((r) => r.image === image && r.model === `${model}.onnx`);
  if (!result) throw new Error(`no reference for ${image} with ${model}`);
  return result;
}

/** Every image the reference covers for a model. */
export function referenceImages(model: "yolov5n" | "yolov5n-fp16"): string[] {
  return fixture.results.filter((r) => r.model === `${model}.onnx`).map((r) => r.image);
}

/** The shared test images folder (`SERVEKIT_SHARED_DIR`/images, default ../shared/images beside the repo). */
export function sharedImagePath(name: string): string {
  return sharedPath("images", name);
}
