import { describe, expect, it } from "vitest";
import { resolveServeOptions } from "./options.js";

describe("resolveServeOptions", () => {
  it("fills in documented defaults", () => {
    const options = resolveServeOptions({ port: 9000 });
    expect(options).toMatchObject({
      port: 9000,
      workers: 0,
      maxConcurrency: 1,
      predictTimeoutMs: 60_000,
      maxBodyBytes: 20 * 1024 * 1024,
      workerOldSpaceMb: 128,
    });
  });

  it("sizes concurrency to the worker pool", () => {
    expect(resolveServeOptions({ workers: 3 }).maxConcurrency).toBe(3);
  });

  it("reports every invalid option at once, saying what would be right", () => {
    expect(() => resolveServeOptions({ port: 70_000, workers: -1, maxBodyBytes: 0 })).toThrow(
      /`port` must be 0–65535, got 70000[\s\S]*`workers` must be[\s\S]*`maxBodyBytes`/,
    );
    expect(() => resolveServeOptions({ workerOldSpaceMb: -1 })).toThrow(
      /`workerOldSpaceMb` must be a whole number of MiB ≥ 0, got -1/,
    );
  });
});
