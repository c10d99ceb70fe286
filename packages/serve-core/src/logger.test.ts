import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { logFormatFor } from "./logger.js";

describe("logFormatFor", () => {
  const dir = mkdtempSync(join(tmpdir(), "servekit-log-"));
  const file = join(dir, "server.log");
  const fd = openSync(file, "w");
  afterAll(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes JSON lines where the output is not a terminal (files, pipes, containers)", () => {
    expect(logFormatFor(fd, {})).toBe("json");
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("follows SERVEKIT_LOG_FORMAT when it is json or pretty, and ignores other values", () => {
    expect(logFormatFor(fd, { SERVEKIT_LOG_FORMAT: "pretty" })).toBe("pretty");
    expect(logFormatFor(fd, { SERVEKIT_LOG_FORMAT: "json" })).toBe("json");
    expect(logFormatFor(fd, { SERVEKIT_LOG_FORMAT: "fancy" })).toBe("json");
  });
});
