import { describe, expect, it } from "vitest";
import {
  createProgressReporter,
  type DownloadProgress,
  formatDownloadProgress,
} from "./download-progress.js";

const base = { url: "http://127.0.0.1/yolov5n.onnx", dest: "/cache/yolov5n.onnx" };

describe("createProgressReporter", () => {
  it("calls onProgress about every 10%, then once when done", () => {
    const seen: DownloadProgress[] = [];
    const reporter = createProgressReporter({
      ...base,
      totalBytes: 1000,
      progressBar: false,
      onProgress: (p) => seen.push(p),
    });
    for (let i = 0; i < 100; i++) reporter.advance(10);
    reporter.finish();
    expect(seen.map((p) => p.receivedBytes)).toEqual([
      100, 200, 300, 400, 500, 600, 700, 800, 900, 1000,
    ]);
    expect(seen.map((p) => p.done)).toEqual([...Array(9).fill(false), true]);
  });

  it("reports every MiB when the size is unknown", () => {
    const seen: number[] = [];
    const reporter = createProgressReporter({
      ...base,
      totalBytes: undefined,
      onProgress: (p) => seen.push(p.receivedBytes),
    });
    for (let i = 0; i < 10; i++) reporter.advance(512 * 1024);
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => n * 1024 * 1024));
  });
});

describe("formatDownloadProgress", () => {
  it("says how far along the download is", () => {
    const mib = 1024 * 1024;
    expect(
      formatDownloadProgress({ ...base, receivedBytes: 2 * mib, totalBytes: 4 * mib, done: false }),
    ).toBe("downloading yolov5n.onnx: 50% (2.0 of 4.0 MiB)");
    expect(
      formatDownloadProgress({
        ...base,
        receivedBytes: 3 * mib,
        totalBytes: undefined,
        done: false,
      }),
    ).toBe("downloading yolov5n.onnx: 3.0 MiB");
    expect(
      formatDownloadProgress({ ...base, receivedBytes: 4 * mib, totalBytes: 4 * mib, done: true }),
    ).toBe("downloaded yolov5n.onnx (4.0 MiB)");
  });
});
