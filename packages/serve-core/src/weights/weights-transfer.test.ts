import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WeightsError } from "./weights-error.js";
import type { ProgressReport } from "./weights-progress.js";
import { transferToPart } from "./weights-transfer.js";

const quiet: ProgressReport = { start() {}, advance() {}, retrying() {}, finish() {} };
const fast = { attempts: 2, minDelayMs: 10, maxDelayMs: 10 };

describe("transferToPart", () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-transfer-"));
  });
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/m.bin`;
  }

  it("starts over when the server ignores the Range header and answers 200", async () => {
    const ranges: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      ranges.push(req.headers.range);
      res.writeHead(200, { "content-length": 6 }).end("abcdef");
    });
    const partPath = join(dir, "m.bin.part");
    await writeFile(partPath, "xyz");
    const size = await transferToPart({
      name: "m",
      url,
      partPath,
      declaredSize: undefined,
      report: quiet,
    });
    expect(size).toBe(6);
    expect(ranges).toEqual(["bytes=3-"]);
    expect(await readFile(partPath, "utf8")).toBe("abcdef");
  });

  it("gives up on a server that stalls, saying how long it waited", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": 10 });
      res.write("abc"); // and never more
    });
    const failure = await transferToPart({
      name: "m",
      url,
      partPath: join(dir, "m.bin.part"),
      declaredSize: undefined,
      report: quiet,
      tuning: { ...fast, stallTimeoutMs: 200 },
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toMatch(/failed 2 times in a row \(last: no data for 200 ms\)/);
    expect(failure.message).toContain("are kept and resumed");
  });

  it("stops when its signal is aborted and keeps the part for later", async () => {
    const controller = new AbortController();
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": 10 });
      res.write("abc", () => controller.abort());
    });
    const partPath = join(dir, "m.bin.part");
    const failure = await transferToPart({
      name: "m",
      url,
      partPath,
      declaredSize: undefined,
      report: quiet,
      signal: controller.signal,
    }).catch((e) => e);
    expect(failure).toBeInstanceOf(WeightsError);
    expect(failure.message).toMatch(/was cancelled/);
  });
});
