import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, definePredictor, type ServekitApp, z } from "../../index.js";
import { postJson } from "../../test-support/post-json.js";
import { weightsPredictor } from "../../test-support/weights-predictor.js";

// Held-out style: a predictor declaring weights served over loopback HTTP.
const body = randomBytes(3 * 1024 * 1024);
const sha256 = createHash("sha256").update(body).digest("hex");

/** Serves `body` slowly (64 KiB every 40 ms), counting full downloads. */
function startFileServer(): Promise<{ server: Server; url: string; served: () => number }> {
  let served = 0;
  const server = createServer((req, res) => {
    res.writeHead(200, {
      "content-length": body.length,
      "content-type": "application/octet-stream",
    });
    let offset = 0;
    const timer = setInterval(() => {
      if (res.destroyed) {
        clearInterval(timer);
        return;
      }
      res.write(body.subarray(offset, offset + 65536));
      offset += 65536;
      if (offset >= body.length) {
        // Counted before the client can have the last byte, so no check runs ahead of it.
        served++;
        clearInterval(timer);
        res.end();
      }
    }, 40);
    req.on("close", () => clearInterval(timer));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        server,
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/model.bin`,
        served: () => served,
      }),
    ),
  );
}

async function health(app: ServekitApp) {
  return (await app.request("/health")).json() as Promise<{
    status: string;
    setup: { logs: string; error?: string; status: string };
  }>;
}

describe("ctx.weights in a server", () => {
  const keys = [
    "SERVEKIT_CACHE_DIR",
    "SERVEKIT_OFFLINE",
    "SERVEKIT_WEIGHTS_DIR",
    "FIXTURE_WEIGHTS_URL",
    "FIXTURE_WEIGHTS_SHA256",
  ];
  const saved = Object.fromEntries(keys.map((key) => [key, process.env[key]]));
  let cacheDir: string;
  let files: Awaited<ReturnType<typeof startFileServer>>;

  beforeAll(async () => {
    files = await startFileServer();
  });
  afterAll(() => files.server.close());
  beforeEach(() => {
    cacheDir = mkdtempSync(join(tmpdir(), "servekit-weights-cache-"));
    process.env.SERVEKIT_CACHE_DIR = cacheDir;
    process.env.FIXTURE_WEIGHTS_URL = files.url;
    process.env.FIXTURE_WEIGHTS_SHA256 = sha256;
    delete process.env.SERVEKIT_OFFLINE;
    delete process.env.SERVEKIT_WEIGHTS_DIR;
  });
  afterEach(() => {
    // Key by key: worker threads copy the real environment, which a replaced process.env object no longer is.
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    rmSync(cacheDir, { recursive: true, force: true });
  });

  it("downloads once for two workers, shows progress in /health while starting, then serves from the cache with the file server gone", async () => {
    const app = createApp(weightsPredictor, { workers: 2, logLevel: "silent" });
    const seen: string[] = [];
    while ((await health(app)).status === "STARTING") {
      seen.push((await health(app)).setup.logs);
      await new Promise((r) => setTimeout(r, 40));
    }
    await app.lifecycle.ready;
    const after = await health(app);
    expect(after.status, JSON.stringify(after)).toBe("READY");
    // Progress reached /health before setup finished, not only in the final report.
    expect(seen.some((logs) => /\d+%/.test(logs))).toBe(true);
    expect(files.served()).toBe(1);
    const answer = await (await postJson(app, "/predict", {})).json();
    expect(answer.bytes).toBe(body.length);
    expect(answer.path.startsWith(cacheDir)).toBe(true);
    await app.lifecycle.close();

    // Second start: the URL now refuses connections; the cache answers.
    process.env.FIXTURE_WEIGHTS_URL = "http://127.0.0.1:7/model.bin";
    // A worker imports the fixture afresh, so it reads the new URL.
    const again = createApp(weightsPredictor, { workers: 1, logLevel: "silent" });
    await again.lifecycle.ready;
    expect((await health(again)).status).toBe("READY");
    expect(files.served()).toBe(1);
    await again.lifecycle.close();
  });

  it("fails setup with a message naming both digests when the checksum is wrong", async () => {
    const before = files.served();
    process.env.FIXTURE_WEIGHTS_SHA256 = "a".repeat(64);
    const app = createApp(weightsPredictor, { workers: 1, logLevel: "silent" });
    await app.lifecycle.ready;
    const report = await health(app);
    expect(report.status).toBe("SETUP_FAILED");
    expect(report.setup.error, JSON.stringify(report)).toContain(sha256);
    expect(report.setup.error).toContain("a".repeat(64));
    expect(files.served()).toBe(before + 1);
    await app.lifecycle.close();
  });

  it("offline, names the missing file and where it looked", async () => {
    const before = files.served();
    process.env.SERVEKIT_OFFLINE = "1";
    const app = createApp(weightsPredictor, { workers: 0, logLevel: "silent" });
    await app.lifecycle.ready;
    const report = await health(app);
    expect(report.status).toBe("SETUP_FAILED");
    expect(report.setup.error).toContain("model.bin");
    expect(report.setup.error).toContain("SERVEKIT_OFFLINE");
    expect(report.setup.error).toContain(cacheDir);
    expect(files.served()).toBe(before);
    await app.lifecycle.close();
  });

  it("uses the weightsDir copy without downloading", async () => {
    const before = files.served();
    const dir = mkdtempSync(join(tmpdir(), "servekit-weights-dir-"));
    writeFileSync(join(dir, "model.bin"), body);
    const app = createApp(weightsPredictor, { workers: 0, logLevel: "silent", weightsDir: dir });
    await app.lifecycle.ready;
    const answer = await (await postJson(app, "/predict", {})).json();
    expect(answer.path).toBe(join(dir, "model.bin"));
    expect(files.served()).toBe(before);
    await app.lifecycle.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("weights.lock at start", () => {
  it("fails setup, saying to run `serve-cli weights lock`, when the declaration and the lock disagree", async () => {
    const project = mkdtempSync(join(tmpdir(), "servekit-lock-project-"));
    writeFileSync(join(project, "package.json"), '{"name":"p"}');
    mkdirSync(join(project, "src"));
    const entry = { url: "http://127.0.0.1:9/m.bin", sha256: "b".repeat(64), size: 4 };
    writeFileSync(
      join(project, "weights.lock"),
      JSON.stringify({ lockfileVersion: 1, predictors: { "locked@0.0.0": { model: entry } } }),
    );
    const locked = definePredictor({
      name: "locked",
      input: z.object({}),
      output: z.object({}),
      weights: { model: { ...entry, sha256: "c".repeat(64) } },
      predict: () => ({}),
    });
    const app = createApp(locked, {
      workers: 0,
      logLevel: "silent",
      predictorModule: pathToFileURL(join(project, "src", "predictor.js")).href,
    });
    await app.lifecycle.ready;
    const report = await health(app);
    expect(report.status).toBe("SETUP_FAILED");
    expect(report.setup.error).toContain("serve-cli weights lock");
    await app.lifecycle.close();
    rmSync(project, { recursive: true, force: true });
  });
});
