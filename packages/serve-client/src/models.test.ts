import type { RunningServer } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor as hello } from "../../../examples/hello/src/predictor.js";
import { createClient } from "./client.js";
import { gate, heldEcho, startServer } from "./test-support/servers.js";

describe("client.model and client.oip on a server with two versions and two models", () => {
  const held = gate();
  const v1 = heldEcho(held, "1.0.0");
  const v2 = heldEcho(held, "2.0.0");
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer([v1, v2, hello]);
  });
  afterAll(async () => {
    held.open();
    await server.close();
  });

  it("reaches one version explicitly and says which answered", async () => {
    const client = createClient({ baseUrl: server.url });
    const pinned = client.model<typeof v2>("echo", { version: "2.0.0" });
    const answer = await pinned.predictWithMetadata({ text: "hi" });
    expect(answer.output).toEqual({ text: "hi", version: "2.0.0" });
    expect(answer.modelVersion).toBe("2.0.0");
  });

  it("goes through the traffic policy without a version", async () => {
    const client = createClient({ baseUrl: server.url });
    const answer = await client.model<typeof v1>("echo").predictWithMetadata({ text: "hi" });
    expect(answer).toMatchObject({ modelName: "echo", modelVersion: "1.0.0" });
  });

  it("types and calls another model by name", async () => {
    const client = createClient<typeof v1>({ baseUrl: server.url });
    const greeter = client.model<typeof hello>("hello");
    expect(await greeter.predict({ name: "Ada" })).toEqual({ greeting: "Hello, Ada!" });
  });

  it("runs async predictions under a model's path", async () => {
    const pinned = createClient({ baseUrl: server.url }).model<typeof v2>("echo", {
      version: "2.0.0",
    });
    const done = await pinned.predictions.run({ text: "later" }, { intervalMs: 10 });
    expect(done.output).toEqual({ text: "later", version: "2.0.0" });
  });

  it("answers 404 MODEL_NOT_FOUND for an unknown model", async () => {
    const client = createClient({ baseUrl: server.url });
    await expect(client.model("nope").predict({})).rejects.toMatchObject({
      status: 404,
      code: "MODEL_NOT_FOUND",
    });
  });

  it("speaks the Open Inference Protocol", async () => {
    const client = createClient({ baseUrl: server.url });
    expect(await client.oip.ready("hello")).toBe(true);
    const metadata = await client.oip.metadata("hello");
    expect(metadata).toMatchObject({ name: "hello" });
    const answer = await client.oip.infer(
      "echo",
      {
        id: "call-1",
        inputs: [{ name: "text", shape: [1], datatype: "BYTES", data: ["hi"] }],
      },
      { version: "2.0.0" },
    );
    expect(answer).toMatchObject({ model_name: "echo", model_version: "2.0.0", id: "call-1" });
    expect(answer.outputs.find((o) => o.name === "text")?.data).toEqual(["hi"]);
  });
});
