import type { RunningServer } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictor as hello } from "../../../examples/hello/src/predictor.js";
import { createClient } from "./client.js";
import { ServekitError, ServekitNetworkError, ServekitTimeoutError } from "./errors.js";
import { gate, heldEcho, scriptedServer, startServer } from "./test-support/servers.js";

describe("createClient against the hello example", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer(hello);
  });
  afterAll(() => server.close());

  it("predicts with typed input and output", async () => {
    const client = createClient<typeof hello>({ baseUrl: server.url });
    const output = await client.predict({ name: "Ada", excitement: 2, language: "fr" });
    expect(output.greeting).toBe("Bonjour, Ada!!");
  });

  it("reports the request id and the model-version that answered", async () => {
    const client = createClient<typeof hello>({ baseUrl: `${server.url}/` });
    const answer = await client.predictWithMetadata({ name: "Ada" }, { requestId: "req-42" });
    expect(answer).toMatchObject({
      output: { greeting: "Hello, Ada!" },
      requestId: "req-42",
      modelName: "hello",
      modelVersion: "1.0.0",
      status: 200,
    });
  });

  it("throws a ServekitError with the failing field on 422", async () => {
    const client = createClient({ baseUrl: server.url });
    const error = await client.predict({ name: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServekitError);
    expect(error).toMatchObject({ status: 422, code: "INVALID_INPUT" });
    expect((error as ServekitError).details).toEqual([expect.objectContaining({ path: ["name"] })]);
    expect((error as ServekitError).requestId).toMatch(/\S/);
  });

  it("reads the server's health", async () => {
    const client = createClient({ baseUrl: server.url });
    expect(await client.health()).toMatchObject({ status: "READY" });
  });

  it("works untyped, with any object in and unknown out", async () => {
    const client = createClient({ baseUrl: server.url });
    const output = await client.predict({ name: "Bo" });
    expect(output).toEqual({ greeting: "Hello, Bo!" });
  });
});

describe("createClient errors", () => {
  it("throws a ServekitNetworkError when nothing listens", async () => {
    const closed = await scriptedServer((_, response) => response.end());
    await closed.close();
    const client = createClient({ baseUrl: closed.url, retry: false });
    await expect(client.predict({})).rejects.toBeInstanceOf(ServekitNetworkError);
  });

  it("throws a ServekitTimeoutError when timeoutMs passes", async () => {
    const held = gate();
    const server = await startServer(heldEcho(held));
    try {
      const client = createClient({ baseUrl: server.url });
      const error = await client.predict({ text: "hold" }, { timeoutMs: 200 }).catch((e) => e);
      expect(error).toBeInstanceOf(ServekitTimeoutError);
      expect((error as ServekitTimeoutError).message).toContain("timeoutMs");
    } finally {
      held.open();
      await server.close();
    }
  });

  it("passes the caller's abort reason through", async () => {
    const held = gate();
    const server = await startServer(heldEcho(held));
    try {
      const client = createClient({ baseUrl: server.url });
      const controller = new AbortController();
      const pending = client.predict({ text: "hold" }, { signal: controller.signal });
      controller.abort(new Error("user went away"));
      await expect(pending).rejects.toThrow("user went away");
    } finally {
      held.open();
      await server.close();
    }
  });

  it("sends the API key as a bearer token", async () => {
    const server = await startServer(hello, { apiKeys: ["secret-key"] });
    try {
      const anonymous = createClient({ baseUrl: server.url });
      await expect(anonymous.predict({ name: "Ada" })).rejects.toMatchObject({
        status: 401,
        code: "UNAUTHORIZED",
      });
      const client = createClient<typeof hello>({ baseUrl: server.url, apiKey: "secret-key" });
      expect(await client.predict({ name: "Ada" })).toEqual({ greeting: "Hello, Ada!" });
    } finally {
      await server.close();
    }
  });

  it("refuses a base URL that is not http(s), saying what would be right", () => {
    expect(() => createClient({ baseUrl: "localhost:8000" })).toThrow(/http:\/\//);
  });
});
