import { readFileSync } from "node:fs";
import { type PredictorTester, testPredictor } from "@servekit/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor } from "../src/predictor.js";
import { expectMatches } from "./match-detections.js";
import { referenceFor, referenceImages, sharedImagePath } from "./reference.js";

type Tester = PredictorTester<typeof predictor.input, typeof predictor.output>;

describe("YOLOv5 detections match the reference pipeline (OpenCV letterbox + YOLOv5 NMS)", () => {
  let tester: Tester;
  beforeAll(async () => {
    tester = await testPredictor(predictor);
  });
  afterAll(() => tester.close());

  it("finds the three people and the bus in bus.jpg", async () => {
    const out = await tester.predict({ image: readFileSync(sharedImagePath("bus.jpg")) });
    expect(out.image).toEqual({ width: 810, height: 1080 });
    expect(out.detections.filter((d) => d.label === "person")).toHaveLength(3);
    expect(out.detections.filter((d) => d.label === "bus")).toHaveLength(1);
    expectMatches(out.detections, referenceFor("bus.jpg", "yolov5n").detections, {
      px: 1,
      confidence: 0.005,
    });
  });

  it("finds the two people and the tie in zidane.jpg", async () => {
    const out = await tester.predict({ image: readFileSync(sharedImagePath("zidane.jpg")) });
    expect(out.detections.map((d) => d.label).sort()).toEqual(["person", "person", "tie"]);
    expectMatches(out.detections, referenceFor("zidane.jpg", "yolov5n").detections, {
      px: 1,
      confidence: 0.005,
    });
  });

  it.each(referenceImages("yolov5n").filter((name) => name.startsWith("more/")))(
    "matches the reference on %s",
    async (name) => {
      const out = await tester.predict({ image: readFileSync(sharedImagePath(name)) });
      expectMatches(out.detections, referenceFor(name, "yolov5n").detections, {
        px: 1,
        confidence: 0.005,
      });
    },
  );

  it("agrees between the fp16 and fp32 models on classes and boxes", async () => {
    for (const name of ["bus.jpg", "zidane.jpg"]) {
      const image = readFileSync(sharedImagePath(name));
      const fp32 = await tester.predict({ image, model: "yolov5n" });
      const fp16 = await tester.predict({ image, model: "yolov5n-fp16" });
      expect(fp16.model).toBe("yolov5n-fp16");
      expectMatches(fp16.detections, fp32.detections, { px: 3, confidence: 0.01 });
      expectMatches(fp16.detections, referenceFor(name, "yolov5n-fp16").detections, {
        px: 1,
        confidence: 0.005,
      });
    }
  });

  it("filters by class name or id, and honours confidence and max_detections", async () => {
    const image = readFileSync(sharedImagePath("bus.jpg"));
    const buses = await tester.predict({ image, classes: ["bus"] });
    expect(buses.detections.map((d) => d.label)).toEqual(["bus"]);
    const people = await tester.predict({ image, classes: [0] });
    expect(people.detections.every((d) => d.class_id === 0)).toBe(true);
    const confident = await tester.predict({ image, confidence: 0.7 });
    expect(confident.detections.map((d) => d.confidence.toFixed(2))).toEqual(["0.82", "0.82"]);
    const top1 = await tester.predict({ image, max_detections: 1 });
    expect(top1.detections).toHaveLength(1);
  });

  it("reports where the time went", async () => {
    const out = await tester.predict({ image: readFileSync(sharedImagePath("zidane.jpg")) });
    const { preprocess, inference, postprocess, total } = out.timings_ms;
    expect(Math.min(preprocess, inference, postprocess)).toBeGreaterThanOrEqual(0);
    expect(total).toBeGreaterThanOrEqual(preprocess + inference + postprocess - 0.05);
  });
});
