// Type tests, compiled by `tsc --noEmit` (the package's `typecheck`), never run.
// Each `@ts-expect-error` must meet an error: if a wrong call compiled, tsc would
// fail on the unused directive, so this file fails when the types get too loose.
import type { predictor as hello } from "../../../examples/hello/src/predictor.js";
import type { predictor as yolov5 } from "../../../examples/yolov5/src/predictor.js";
import { createClient, type InputOf, type OutputOf, type Prediction } from "../src/index.js";

declare const expectType: <T>(value: T) => void;

export async function helloCalls(): Promise<void> {
  const client = createClient<typeof hello>({ baseUrl: "http://localhost:8000" });

  // Correct calls compile, and the output is typed.
  const output = await client.predict({ name: "Ada", excitement: 2, language: "fr" });
  expectType<string>(output.greeting);
  await client.predict({ name: "Ada" }); // defaulted fields may be left out
  const created: Prediction<{ greeting: string }> = await client.predictions.create({
    name: "Ada",
  });
  const done = await client.predictions.wait(created);
  expectType<string | undefined>(done.output?.greeting);

  // @ts-expect-error: a wrong field name
  await client.predict({ nme: "Ada" });
  // @ts-expect-error: a wrong field type
  await client.predict({ name: 42 });
  // @ts-expect-error: a value outside the enum
  await client.predict({ name: "Ada", language: "es" });
  // @ts-expect-error: the required field is missing
  await client.predict({ excitement: 1 });
  // @ts-expect-error: the output has no such field
  output.greting;
  // @ts-expect-error: async inputs are checked too
  await client.predictions.create({ name: true });
}

export async function yolov5Calls(image: Uint8Array, upload: Blob): Promise<void> {
  const client = createClient<typeof yolov5>({ baseUrl: "http://localhost:8000" });

  // A file field takes a path, bytes (Buffer), an ArrayBuffer or a Blob/File.
  const { detections } = await client.predict({ image: "bus.jpg", confidence: 0.5 });
  expectType<string>(detections[0]!.label);
  expectType<number>(detections[0]!.box.x1);
  await client.predict({ image, classes: ["person", 2] });
  await client.predict({ image: upload, iou: 0.3, max_detections: 10 });
  await client.predict({ image: image.buffer as ArrayBuffer });
  for await (const item of client
    .model<typeof yolov5>("yolov5", { version: "fp16" })
    .stream({ image })) {
    expectType<number>(item.detections.length);
  }

  // @ts-expect-error: a wrong field name
  await client.predict({ img: image });
  // @ts-expect-error: a wrong field type
  await client.predict({ image, confidence: "high" });
  // @ts-expect-error: a file field takes no number
  await client.predict({ image: 7 });
  // @ts-expect-error: the image is required
  await client.predict({ confidence: 0.5 });
}

export async function untypedCalls(): Promise<void> {
  const client = createClient({ baseUrl: "http://localhost:8000" });
  const output = await client.predict({ anything: [1, 2] });
  expectType<unknown>(output);
  // @ts-expect-error: untyped outputs are unknown until checked
  output.greeting;
  expectType<Record<string, unknown>>({} as InputOf<unknown>);
  expectType<unknown>(undefined as OutputOf<unknown>);
}
