import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { ServekitError, ServekitNetworkError } from "./errors.js";
import { gate, heldEcho, scriptedServer, startServer } from "./test-support/servers.js";

type Scripted = Awaited<ReturnType<typeof scriptedServer>>;
let scripted: Scripted | undefined;
afterEach(async () => {
  await scripted?.close();
  scripted = undefined;
});

const OK = JSON.stringify({ greeting: "hi" });
const overloaded = (retryAfter: string) => ({
  status: 503,
  headers: { "content-type": "application/json", "retry-after": retryAfter },
  body: JSON.stringify({ error: { code: "OVERLOADED", message: "queue full; retry later" } }),
});

describe("retries", () => {
  it("retries a 503 after its Retry-After and returns the next answer", async () => {
    let predicts = 0;
    scripted = await scriptedServer((request, response) => {
      // The client asks for /openapi.json once, to learn which fields are files.
      if (request.url === "/openapi.json") return response.writeHead(404).end();
      const answer = predicts++ === 0 ? overloaded("0") : { status: 200, headers: {}, body: OK };
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body);
    });
    const client = createClient({ baseUrl: scripted.url });
    expect(await client.predict({ name: "x" })).toEqual({ greeting: "hi" });
    expect(scripted.requests.filter((r) => r.url === "/predict")).toHaveLength(2);
  });

  it("gives up after `attempts` tries with the server's error", async () => {
    scripted = await scriptedServer((_, response) => {
      const answer = overloaded("0");
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
    const client = createClient({ baseUrl: scripted.url, retry: { attempts: 3 } });
    await expect(client.predict({ n: 1 })).rejects.toMatchObject({
      status: 503,
      code: "OVERLOADED",
    });
    expect(scripted.requests.filter((r) => r.url === "/predict")).toHaveLength(3);
  });

  it("does not wait out a Retry-After longer than the time budget", async () => {
    scripted = await scriptedServer((_, response) => {
      const answer = overloaded("3600");
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
    const client = createClient({ baseUrl: scripted.url, retry: { maxElapsedMs: 1_000 } });
    const error = await client.predict({ n: 1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "OVERLOADED", retryAfterMs: 3_600_000 });
    expect(scripted.requests.filter((r) => r.url === "/predict")).toHaveLength(1);
  });

  it("does not retry a 422", async () => {
    scripted = await scriptedServer((_, response) => {
      response.writeHead(422, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { code: "INVALID_INPUT", message: "bad" } }));
    });
    const client = createClient({ baseUrl: scripted.url });
    await expect(client.predict({ n: 1 })).rejects.toBeInstanceOf(ServekitError);
    expect(scripted.requests).toHaveLength(1);
  });

  it("retries an async create with the caller's id (PUT) after a broken connection, but not a POST", async () => {
    scripted = await scriptedServer((_, response) => response.socket?.destroy());
    const client = createClient({ baseUrl: scripted.url, retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(client.predictions.create({ n: 1 })).rejects.toBeInstanceOf(ServekitNetworkError);
    expect(scripted.requests.map((r) => r.method)).toEqual(["POST"]);
    await expect(client.predictions.create({ n: 1 }, { id: "mine" })).rejects.toBeInstanceOf(
      ServekitNetworkError,
    );
    expect(scripted.requests.map((r) => r.method)).toEqual(["POST", "PUT", "PUT"]);
  });

  it("gets through a real server's OVERLOADED (maxConcurrency 1, maxQueue 0) once a slot frees", async () => {
    const held = gate();
    const server = await startServer(heldEcho(held), { maxConcurrency: 1, maxQueue: 0 });
    try {
      let refusals = 0;
      const countingFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (response.status === 503) {
          refusals++;
          held.open(); // the slot frees once the client has been refused
        }
        return response;
      };
      const client = createClient({ baseUrl: server.url, fetch: countingFetch });
      const first = client.predict({ text: "hold" });
      // Only start the second once the first occupies the slot.
      while (server.models.list()[0]?.versions[0]?.inFlight !== 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const refused = await createClient({ baseUrl: server.url, retry: false })
        .predict({ text: "now" })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ status: 503, code: "OVERLOADED" });
      expect((refused as ServekitError).retryAfterMs).toBeGreaterThan(0);
      expect(await client.predict({ text: "later" })).toEqual({ text: "later", version: "1.0.0" });
      expect(refusals).toBeGreaterThanOrEqual(1);
      expect(await first).toEqual({ text: "hold", version: "1.0.0" });
    } finally {
      held.open();
      await server.close();
    }
  });
});
