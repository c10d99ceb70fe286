import { describe, expect, it } from "vitest";
import { downloadProgressReporter } from "./download-progress.js";

const url = "http://127.0.0.1:9/model.onnx";

describe("downloadProgressReporter without a terminal", () => {
  it("writes a start line, a line per 10%, and a done line", () => {
    const lines: string[] = [];
    const reporter = downloadProgressReporter({ onLine: (line) => lines.push(line) });
    const total = 10 * 1024 * 1024;
    for (const received of [0, 1024, total * 0.15, total * 0.18, total * 0.5, total]) {
      reporter.update({
        name: "model",
        url,
        receivedBytes: received,
        totalBytes: total,
        done: false,
      });
    }
    reporter.update({ name: "model", url, receivedBytes: total, totalBytes: total, done: true });
    expect(lines.slice(0, -1)).toEqual([
      `downloading model (10.0 MB) from ${url}`,
      "model: 10% (1.5 MB of 10.0 MB)",
      "model: 50% (5.0 MB of 10.0 MB)",
      "model: 100% (10.0 MB of 10.0 MB)",
    ]);
    expect(lines.at(-1)).toMatch(/^downloaded model: 10\.0 MB in \d+\.\d s$/);
  });

  it("says where a resumed download starts, and counts megabytes when the size is unknown", () => {
    const lines: string[] = [];
    const reporter = downloadProgressReporter({ onLine: (line) => lines.push(line) });
    const mb = 1024 * 1024;
    for (const received of [3 * mb, 9 * mb, 12 * mb, 25 * mb]) {
      reporter.update({ name: "labels", url, receivedBytes: received, done: false });
    }
    expect(lines).toEqual([
      `downloading labels from ${url}, resuming at 3.0 MB`,
      "labels: 12.0 MB",
      "labels: 25.0 MB",
    ]);
  });

  it("writes plain lines to a stream that is no terminal", () => {
    let written = "";
    const write = (text: string) => {
      written += text;
      return true;
    };
    const stream = { isTTY: false, write };
    const reporter = downloadProgressReporter({ stream: stream as unknown as NodeJS.WriteStream });
    reporter.update({ name: "model", url, receivedBytes: 0, totalBytes: 2048, done: false });
    reporter.note("a note");
    expect(written).toBe(`downloading model (2.0 KB) from ${url}\na note\n`);
  });
});

describe("downloadProgressReporter on a terminal", () => {
  it("draws a bar per download after its start line", () => {
    let written = "";
    const stream = {
      isTTY: true,
      columns: 120,
      write: (text: string) => {
        written += text;
        return true;
      },
      cursorTo: () => true,
      clearLine: () => true,
      moveCursor: () => true,
      on: () => stream,
      removeListener: () => stream,
    };
    const reporter = downloadProgressReporter({ stream: stream as unknown as NodeJS.WriteStream });
    reporter.update({ name: "model", url, receivedBytes: 0, totalBytes: 2048, done: false });
    reporter.update({ name: "model", url, receivedBytes: 2048, totalBytes: 2048, done: true });
    expect(written).toContain(`downloading model (2.0 KB) from ${url}\n`);
    expect(written).toContain("100% | 2.0 KB of 2.0 KB | model");
  });
});
