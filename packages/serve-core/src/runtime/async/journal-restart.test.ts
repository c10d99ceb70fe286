import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SpawnedServer, spawnServer, waitForReady } from "@servekit/test-kit";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../index.js";
import { fixturePredictor } from "../../test-support/fixture-predictor.js";
import { predictionRecord } from "../../test-support/prediction-record.js";
import { RESTARTED_ERROR } from "./async-predictions.js";
import type { Prediction } from "./prediction.js";
import { JOURNAL_FILE } from "./prediction-journal.js";

const fixture = fileURLToPath(new URL("../../test-support/serve-fixture.ts", import.meta.url));

async function waitFinished(url: string, id: string): Promise<Prediction> {
  for (let i = 0; i < 400; i++) {
    const res = await fetch(`${url}/predictions/${id}`).catch(() => undefined);
    if (res?.status === 200) {
      const prediction = (await res.json()) as Prediction;
      if (!["starting", "processing"].includes(prediction.status)) return prediction;
    } else if (res) {
      throw new Error(`GET /predictions/${id} answered ${res.status}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`prediction ${id} never finished`);
}

describe("prediction journal", () => {
  let server: SpawnedServer | undefined;
  let dir: string | undefined;
  afterEach(() => {
    server?.child.kill("SIGKILL");
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("loses no accepted prediction when the process is SIGKILLed and restarted", async () => {
    dir = mkdtempSync(join(tmpdir(), "servekit-journal-"));
    const env = { SERVEKIT_JOURNAL_DIR: dir, WORKERS: "0" };
    server = await spawnServer(["--import", "tsx", fixture], env);
    await waitForReady(server.url, { child: server.child });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/predictions`, {
        method: "POST",
        headers: { "content-type": "application/json", prefer: "respond-async" },
        body: JSON.stringify({ input: { text: `p${i}`, sleep_ms: 400 } }),
      });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as Prediction).id);
    }
    // One running, three queued: kill without a chance to clean up.
    await new Promise((r) => setTimeout(r, 100));
    server.child.kill("SIGKILL");
    await server.exited;

    server = await spawnServer(["--import", "tsx", fixture], env);
    for (const [i, id] of ids.entries()) {
      const done = await waitFinished(server.url, id);
      // Every input is in the journal, so every one is re-run rather than failed.
      expect(done).toMatchObject({ status: "succeeded", output: { text: `p${i}` } });
    }
    // Compacted on start: one line per prediction, then its updates.
    const lines = readFileSync(join(dir, JOURNAL_FILE), "utf8").trim().split("\n");
    expect(lines.filter((l) => l.includes('"op":"create"'))).toHaveLength(4);
  });

  it("serves finished predictions after a restart, and fails those it cannot re-run", async () => {
    dir = mkdtempSync(join(tmpdir(), "servekit-journal-"));
    const lines = [
      { op: "create", prediction: predictionRecord("done", "succeeded", { text: "done" }) },
      { op: "create", prediction: predictionRecord("stale", "starting", { count: 99 }) },
      { op: "update", id: "stale", changes: { status: "processing" } },
    ];
    writeFileSync(
      join(dir, JOURNAL_FILE),
      `${lines.map((l) => JSON.stringify(l)).join("\n")}\n{"op":"upd`, // a torn last line
    );
    const app = createApp(fixturePredictor, {
      logLevel: "silent",
      metrics: false,
      journalDir: dir,
    });
    try {
      await app.lifecycle.ready;
      expect(await (await app.request("/predictions/done")).json()).toMatchObject({
        status: "succeeded",
        output: { text: "done" },
      });
      let stale: Prediction | undefined;
      for (let i = 0; i < 100 && stale?.status !== "failed"; i++) {
        stale = (await (await app.request("/predictions/stale")).json()) as Prediction;
        await new Promise((r) => setTimeout(r, 10));
      }
      expect(stale?.error).toContain(RESTARTED_ERROR);
    } finally {
      await app.lifecycle.close();
    }
  });
});
