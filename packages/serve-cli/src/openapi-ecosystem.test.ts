// The OpenAPI document works with the ecosystem's own generators: for a
// server started with `serve-cli run`, openapi-typescript's CLI turns its
// /openapi.json into types, a small program calls it with openapi-fetch, the
// TypeScript compiler accepts the right calls and rejects wrong ones, and
// the program gets real answers from the server.
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  freePort,
  type SpawnedServer,
  sharedPath,
  spawnServer,
  waitForReady,
} from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientProject, generateSchema, runClient, typeErrors } from "../test/generated-client.js";
import { BIN, REPO_ROOT } from "../test/run-cli.js";

/** `serve-cli run <targets> --workers 1` on a free loopback port: listening, setup maybe still running. */
async function startServer(targets: string[]): Promise<SpawnedServer> {
  const port = String(await freePort());
  const args = [BIN, "run", ...targets, "--port", port, "--host", "127.0.0.1", "--workers", "1"];
  // The YOLOv5 weights from the team's shared copies, never downloaded.
  const env = { SERVEKIT_WEIGHTS_DIR: sharedPath("models"), SERVEKIT_OFFLINE: "1" };
  return spawnServer(args, env, 60_000);
}

/** A generated client for one running server; closes both afterwards. */
function withGeneratedClient(targets: string[]) {
  const state = {} as { server: SpawnedServer; dir: string };
  beforeAll(async () => {
    state.server = await startServer(targets);
    state.dir = clientProject();
    const generated = await generateSchema(`${state.server.url}/openapi.json`, state.dir);
    expect(generated.stderr, "openapi-typescript's warnings and errors").not.toMatch(/error|warn/i);
    expect(generated.code).toBe(0);
  });
  afterAll(async () => {
    state.server?.child.kill("SIGTERM");
    await state.server?.exited;
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  return state;
}

/**
 * Type-checks `program` with its `// @ts-expect-error` lines taken out: each
 * line they marked must now fail, once, with the message given for it.
 */
function expectWrongCallsReported(dir: string, program: string, messages: RegExp[]): void {
  const kept: string[] = [];
  const wrongLines: number[] = [];
  for (const line of program.split("\n")) {
    if (/^\s*\/\/ @ts-expect-error/.test(line)) wrongLines.push(kept.length + 1);
    else kept.push(line);
  }
  const errors = typeErrors(dir, kept.join("\n"));
  expect(wrongLines).toHaveLength(messages.length);
  expect(errors, errors.join("\n")).toHaveLength(messages.length);
  errors.forEach((error, i) => {
    expect(error.startsWith(`client.ts:${wrongLines[i]}: `), error).toBe(true);
    expect(error).toMatch(messages[i]!);
  });
}

const YOLOV5_CLIENT = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

type Input = paths["/predict"]["post"]["requestBody"]["content"]["application/json"];
type Envelope = paths["/predictions"]["post"]["responses"][200]["content"]["application/json"];

export async function run(baseUrl: string, image: string) {
  const client = createClient<paths>({ baseUrl });
  // Only \`image\` is required: the other fields have defaults.
  const { data, error } = await client.POST("/predict", { body: { image, confidence: 0.5 } });
  if (error) throw new Error(\`\${error.error.code}: \${error.error.message}\`);
  const labels: string[] = data.detections.map((d) => d.label);
  // Cog's envelope: its output is null when the prediction failed.
  const envelope = await client.POST("/predictions", { body: { input: { image, classes: ["bus"] } } });
  const failed: Envelope["output"] = null;
  const buses = envelope.data?.output?.detections.length ?? failed;
  const health = await client.GET("/health");
  // @ts-expect-error confidence is a number
  void client.POST("/predict", { body: { image, confidence: "high" } });
  // @ts-expect-error image is required
  void client.POST("/predict", { body: { confidence: 0.5 } });
  // @ts-expect-error a misspelled field (openapi-fetch infers the body: annotate it to check spelling)
  const misspelled: Input = { image, confidance: 0.5 };
  // @ts-expect-error no such model
  void client.POST("/predict", { body: { image, model: "yolov8n" } });
  return { labels, buses, status: health.data?.status, sent: Object.keys(misspelled) };
}
`;

describe("openapi-typescript and openapi-fetch on the YOLOv5 example's /openapi.json", () => {
  const state = withGeneratedClient([join(REPO_ROOT, "examples/yolov5")]);

  it("type-checks a POST /predict and a POST /predictions call, and rejects wrong inputs", () => {
    expect(typeErrors(state.dir, YOLOV5_CLIENT)).toEqual([]);
  });

  it("reports each wrong call when it is not marked as expected to fail", () => {
    expectWrongCallsReported(state.dir, YOLOV5_CLIENT, [
      /'string' is not assignable to type 'number'/,
      /'image' is missing/,
      /'confidance' does not exist/,
      /'"yolov8n"' is not assignable/,
    ]);
  });

  it("gets the people and the bus in bus.jpg from the server with the checked program", async () => {
    await waitForReady(state.server.url, { child: state.server.child, timeoutMs: 60_000 });
    const result = await runClient(state.dir, state.server.url, sharedPath("images/bus.jpg"));
    expect(result).toEqual({
      labels: ["person", "person", "person", "bus"],
      buses: 1,
      status: "READY",
      sent: ["image", "confidance"],
    });
  });
});

const HELLO_CLIENT = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

export async function run(baseUrl: string) {
  const client = createClient<paths>({ baseUrl });
  const { data } = await client.POST("/predict", { body: { name: "Ada", language: "fr" } });
  const greeting: string | undefined = data?.greeting;
  // @ts-expect-error the languages are en, fr and de
  void client.POST("/predict", { body: { name: "Ada", language: "es" } });
  return { greeting };
}
`;

describe("openapi-typescript and openapi-fetch on the hello example's /openapi.json", () => {
  const state = withGeneratedClient([join(REPO_ROOT, "examples/hello")]);

  it("type-checks the right call, rejects a wrong one, and greets through the checked program", async () => {
    expect(typeErrors(state.dir, HELLO_CLIENT)).toEqual([]);
    expectWrongCallsReported(state.dir, HELLO_CLIENT, [/'"es"' is not assignable/]);
    await waitForReady(state.server.url, { child: state.server.child, timeoutMs: 30_000 });
    const { greeting } = (await runClient(state.dir, state.server.url)) as { greeting: string };
    expect(greeting).toMatch(/Ada/);
  });
});

const VERSIONS_CLIENT = `import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

export async function run(baseUrl: string, image: string) {
  const client = createClient<paths>({ baseUrl });
  const fp16 = await client.POST("/models/yolov5/versions/fp16/predict", { body: { image } });
  const model: string | undefined = fp16.data?.model;
  const listed = await client.GET("/models/{name}", { params: { path: { name: "yolov5" } } });
  const versions = listed.data?.versions.map((v) => v.version);
  // @ts-expect-error there is no such version
  void client.POST("/models/yolov5/versions/fp64/predict", { body: { image } });
  // @ts-expect-error each version's input is typed
  void client.POST("/models/yolov5/versions/fp32/predict", { body: { image, iou: "0.5" } });
  return { model, versions };
}
`;

describe("openapi-typescript and openapi-fetch on a server with two versions of YOLOv5", () => {
  const predictor = join(REPO_ROOT, "examples/yolov5/src/predictor.ts");
  const state = withGeneratedClient([`${predictor}:fp32`, `${predictor}:fp16`]);

  it("types each model's and each version's own paths", () => {
    expect(typeErrors(state.dir, VERSIONS_CLIENT)).toEqual([]);
    expectWrongCallsReported(state.dir, VERSIONS_CLIENT, [
      /"\/models\/yolov5\/versions\/fp64\/predict"' is not assignable/,
      /'string' is not assignable to type 'number'/,
    ]);
  });
});
