import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePredictor, type RunningServer, serve, z } from "@servekit/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { buildRequestTemplate } from "./request-template.js";

const API_KEY = "bench-test-key-123";

const greeter = (version: string, input: z.ZodObject) =>
  definePredictor({
    name: "greeter",
    version,
    input,
    output: z.object({ greeting: z.string() }),
    predict: () => ({ greeting: "hi" }),
  });

describe("buildRequestTemplate", () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    server = await serve(
      [
        greeter("1", z.object({ name: z.string() })),
        greeter("2", z.object({ who: z.string(), loud: z.boolean() })),
      ],
      {
        port: 0,
        host: "127.0.0.1",
        workers: 0,
        logLevel: "silent",
        handleSignals: false,
        apiKeys: [API_KEY],
      },
    );
    await server.ready;
    dir = await mkdtemp(join(tmpdir(), "bench-template-"));
  });
  afterAll(async () => {
    await server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("encodes -i inputs once, checked against the schema documented for --path", async () => {
    const template = await buildRequestTemplate(server.url, {
      inputs: ["who=Ada", "loud=true"],
      path: "/models/greeter/versions/2/predict",
      apiKey: API_KEY,
      headers: { "x-request-id": "bench" },
    });
    expect(JSON.parse(template.body.toString())).toEqual({ who: "Ada", loud: true });
    expect(template.headers).toEqual({
      "content-type": "application/json",
      authorization: `Bearer ${API_KEY}`,
      "x-request-id": "bench",
    });
    const res = await fetch(server.url + template.path, {
      method: "POST",
      headers: template.headers,
      body: template.body,
    });
    expect(res.status).toBe(200);
  });

  it("names the inputs of the route when one is unknown (exit 2)", async () => {
    const error = await buildRequestTemplate(server.url, {
      inputs: ["who=Ada"],
      apiKey: API_KEY,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as Error).message).toContain("unknown input field `who`; the inputs are: name");
  });

  it("sends a --body file as it is, without reading /openapi.json", async () => {
    const file = join(dir, "input.json");
    await writeFile(file, '{"name": "Ada"}');
    const template = await buildRequestTemplate("http://127.0.0.1:9", {
      inputs: [],
      bodyFile: file,
    });
    expect(template.body.toString()).toBe('{"name": "Ada"}');
    await writeFile(file, "not json");
    await expect(buildRequestTemplate(server.url, { inputs: [], bodyFile: file })).rejects.toThrow(
      /is not JSON/,
    );
  });

  it("says when the server cannot be reached (exit 1)", async () => {
    const error = await buildRequestTemplate("http://127.0.0.1:9", { inputs: ["name=Ada"] }).catch(
      (e: unknown) => e,
    );
    expect((error as CliError).exitCode).toBe(1);
    expect((error as Error).message).toMatch(
      /cannot reach http:\/\/127.0.0.1:9\/openapi.json: .*is the server running\?/,
    );
  });
});
