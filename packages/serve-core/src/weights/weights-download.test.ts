import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWeightsServer, type WeightsServer } from "./test-support/weights-server.js";
import type { WeightsFile } from "./weights-declaration.js";
import { downloadWeights } from "./weights-download.js";
import { WeightsError } from "./weights-error.js";
import { cachePath } from "./weights-location.js";
import type { WeightsSettings } from "./weights-settings.js";

/** A worker thread on a TypeScript file: Node 20 workers do not inherit tsx's loader, so register it inside. */
function startTsWorker(relative: string, data: unknown): Worker {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const api = join(
    dirname(manifest),
    JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"].import.default,
  );
  const boot = `const { workerData } = await import("node:worker_threads");
const api = await import(workerData.api); (api.register ?? api.default.register)();
await import(workerData.entry);`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
    workerData: {
      ...(data as object),
      api: pathToFileURL(api).href,
      entry: new URL(relative, import.meta.url).href,
    },
  });
}

const body = randomBytes(256 * 1024);
const sha256 = createHash("sha256").update(body).digest("hex");
const fast = { attempts: 3, minDelayMs: 10, maxDelayMs: 20, stallTimeoutMs: 5_000 };

describe("downloadWeights", () => {
  let dir: string;
  let server: WeightsServer | undefined;
  let settings: WeightsSettings;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-weights-"));
    settings = { cacheDir: join(dir, "cache"), offline: false };
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  function file(overrides: Partial<WeightsFile> = {}): WeightsFile {
    return { url: server!.url("/models/tiny.onnx"), sha256, ...overrides };
  }

  it("downloads into the content-addressed cache, with start and done lines in the log", async () => {
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body } });
    const lines: string[] = [];
    const log = {
      debug() {},
      info: (m: string | object) => lines.push(String(m)),
      warn() {},
      error() {},
    };
    const path = await downloadWeights("model", file({ size: body.length }), settings, { log });
    expect(path).toBe(join(settings.cacheDir, "weights", "sha256", sha256, "tiny.onnx"));
    expect((await readFile(path)).equals(body)).toBe(true);
    expect(lines[0]).toMatch(
      /^downloading weights "model" \(tiny\.onnx\) from http.* \(0\.3 MB\)$/,
    );
    expect(lines.at(-1)).toContain(`saved to ${path}`);
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it("resumes with a Range request after the server cuts the connection mid-body", async () => {
    server = await startWeightsServer({
      files: { "/models/tiny.onnx": body },
      cutFirstAfter: 100_000,
    });
    const warnings: string[] = [];
    const log = {
      debug() {},
      info() {},
      warn: (m: string | object) => warnings.push(String(m)),
      error() {},
    };
    const path = await downloadWeights("model", file(), settings, { tuning: fast, log });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]?.range).toBeUndefined();
    expect(server.requests[1]?.range).toBe("bytes=100000-");
    // The log says what happened, so a slow start is explained.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^download of weights "model" \(tiny\.onnx\) interrupted at \d+% .*retrying in/,
    );
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it("resumes a part left behind by an earlier, crashed run", async () => {
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body } });
    const target = cachePath(file(), settings);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(`${target}.part`, body.subarray(0, 5_000));
    const path = await downloadWeights("model", file(), settings);
    expect(server.requests.map((r) => r.range)).toEqual(["bytes=5000-"]);
    expect((await readFile(path)).equals(body)).toBe(true);
  });

  it("refuses a file whose sha256 differs, naming both digests, and leaves nothing in the cache", async () => {
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body } });
    const wrong = "a".repeat(64);
    const failure = await downloadWeights("model", file({ sha256: wrong }), settings).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toContain(`has sha256 ${sha256}`);
    expect(failure.message).toContain(`declares sha256 ${wrong}`);
    expect(failure.message).toMatch(/Fix the declaration/);
    const entry = dirname(cachePath(file({ sha256: wrong }), settings));
    expect(await readdir(entry)).toEqual([]);
  });

  it("gives up at once on a 404, naming the status and the URL", async () => {
    server = await startWeightsServer({ files: {} });
    const failure = await downloadWeights("model", file(), settings, { tuning: fast }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toContain(`from ${file().url} failed: HTTP 404`);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 503 and reports the last failure after the last attempt", async () => {
    server = await startWeightsServer({ files: {}, status: 503 });
    const failure = await downloadWeights("model", file(), settings, { tuning: fast }).catch(
      (e) => e,
    );
    expect(failure.message).toMatch(/failed 3 times in a row \(last: HTTP 503/);
    expect(server.requests).toHaveLength(3);
  });

  it("says to set SERVEKIT_CACHE_DIR when the cache cannot be written", async () => {
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body } });
    await writeFile(join(dir, "not-a-folder"), "");
    const failure = await downloadWeights("model", file(), {
      ...settings,
      cacheDir: join(dir, "not-a-folder"),
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toMatch(
      /cannot write the weights cache at .*not-a-folder .*set SERVEKIT_CACHE_DIR/,
    );
  });

  it("never downloads when offline, and says where it looked", async () => {
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body } });
    const failure = await downloadWeights("model", file(), { ...settings, offline: true }).catch(
      (e) => e,
    );
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toContain(cachePath(file(), settings));
    expect(failure.message).toContain("SERVEKIT_OFFLINE");
    expect(server.requests).toHaveLength(0);
  });

  it("downloads once when two worker threads ask for the same file at the same time", async () => {
    let bothStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      bothStarted = resolve;
    });
    // Keeps the first download in flight until both workers have asked, then a little longer.
    const hold = () => started.then(() => new Promise<void>((r) => setTimeout(r, 500)));
    server = await startWeightsServer({ files: { "/models/tiny.onnx": body }, hold });
    const workerData = { name: "model", file: file(), settings };
    let startedCount = 0;
    const results = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<{ path?: string; error?: string }>((resolve, reject) => {
            const worker = startTsWorker("./test-support/download-worker.ts", workerData);
            worker.on("message", (message) => {
              if (message.started) {
                if (++startedCount === 2) bothStarted();
                return;
              }
              resolve(message);
              void worker.terminate();
            });
            worker.on("error", reject);
          }),
      ),
    );
    const target = cachePath(file(), settings);
    expect(results).toEqual([{ path: target }, { path: target }]);
    expect(server.fullBodies).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect((await readFile(target)).equals(body)).toBe(true);
  });
});
