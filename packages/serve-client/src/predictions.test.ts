import type { RunningServer } from "@servekit/core";
import { afterEach, describe, expect, it } from "vitest";
import { createClient } from "./client.js";
import { ServekitError } from "./errors.js";
import { gate, heldEcho, startServer } from "./test-support/servers.js";

let server: RunningServer | undefined;
let held = gate();
afterEach(async () => {
  held.open();
  await server?.close();
  server = undefined;
  held = gate();
});

async function client() {
  const echo = heldEcho(held);
  server = await startServer(echo);
  return createClient<typeof echo>({ baseUrl: server.url });
}

describe("client.predictions", () => {
  it("creates an async prediction, reads it back and waits for its output", async () => {
    const echo = await client();
    const created = await echo.predictions.create({ text: "hi" });
    expect(created.id).toMatch(/\S/);
    expect(["starting", "processing", "succeeded"]).toContain(created.status);
    const done = await echo.predictions.wait(created.id, { intervalMs: 10 });
    expect(done).toMatchObject({ id: created.id, status: "succeeded", output: { text: "hi" } });
    expect(await echo.predictions.get(created.id)).toMatchObject({ status: "succeeded" });
  });

  it("cancels a running prediction", async () => {
    const echo = await client();
    const created = await echo.predictions.create({ text: "hold on" });
    const canceled = await echo.predictions.cancel(created.id);
    const done = await echo.predictions.wait(canceled, { intervalMs: 10 });
    expect(done.status).toBe("canceled");
  });

  it("creates with the caller's id idempotently, and refuses another input for it", async () => {
    const echo = await client();
    const first = await echo.predictions.create({ text: "once" }, { id: "my-id-1" });
    const again = await echo.predictions.create({ text: "once" }, { id: "my-id-1" });
    expect(first.id).toBe("my-id-1");
    expect(again.id).toBe("my-id-1");
    await expect(
      echo.predictions.create({ text: "other" }, { id: "my-id-1" }),
    ).rejects.toMatchObject({ status: 409, code: "CONFLICT" });
  });

  it("runs a prediction to the end with run()", async () => {
    const echo = await client();
    const done = await echo.predictions.run({ text: "all the way" }, { intervalMs: 10 });
    expect(done.output).toEqual({ text: "all the way", version: "1.0.0" });
  });

  it("gives a 404 ServekitError for an unknown id", async () => {
    const echo = await client();
    const error = await echo.predictions.get("no-such-id").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServekitError);
    expect(error).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("stops waiting at timeoutMs while the prediction goes on", async () => {
    const echo = await client();
    const created = await echo.predictions.create({ text: "hold" });
    await expect(
      echo.predictions.wait(created, { intervalMs: 10, timeoutMs: 100 }),
    ).rejects.toMatchObject({ name: "ServekitTimeoutError" });
    expect((await echo.predictions.get(created.id)).status).not.toBe("succeeded");
  });
});
