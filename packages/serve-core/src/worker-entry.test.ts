import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));

describe("the worker entry of @servekit/core", () => {
  it("exports every name the main entry exports, so any predictor module links in a worker", async () => {
    const main = await import("./index.js");
    const worker = await import("./worker-entry.js");
    expect(Object.keys(worker).sort()).toEqual(Object.keys(main).sort());
  });

  it("says where a server-only export can be used", async () => {
    const worker = await import("./worker-entry.js");
    expect(() => worker.createApp()).toThrow(/createApp is not available inside a pool worker/);
    expect(() => new worker.ModelRuntime()).toThrow(/ModelRuntime is not available/);
    const server = await worker.serve();
    await expect(server.ready).resolves.toBeUndefined();
  });

  // A real server from the built package: the predictor module imports
  // "@servekit/core" (from inside the package, which resolves to dist/); its
  // predict runs in a pool worker and reports what that import resolved to there.
  const dir = mkdtempSync(join(packageRoot, ".worker-entry-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is what @servekit/core resolves to inside pool workers, and the main entry elsewhere", async () => {
    const script = join(dir, "serve-entry.mjs");
    writeFileSync(
      script,
      `import { definePredictor, serve, z } from "@servekit/core";
export const predictor = definePredictor({
  name: "entry",
  input: z.object({}),
  output: z.object({ resolved: z.string() }),
  predict: () => ({ resolved: import.meta.resolve("@servekit/core") }),
});
if (process.argv[2] === "serve") {
  const server = await serve(predictor, { port: 0, host: "127.0.0.1", workers: 1, logLevel: "silent", handleSignals: false });
  await server.ready;
  const response = await fetch(server.url + "/predict", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  console.log(JSON.stringify({ main: import.meta.resolve("@servekit/core"), worker: (await response.json()).resolved }));
  await server.close();
}
`,
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--initial-old-space-size=64", script, "serve"],
      { cwd: dir, timeout: 60_000 },
    );
    const resolved = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, string>;
    expect(resolved.main).toMatch(/\/dist\/index\.js$/);
    expect(resolved.worker).toMatch(/\/dist\/worker-entry\.js$/);
  }, 90_000);
});
