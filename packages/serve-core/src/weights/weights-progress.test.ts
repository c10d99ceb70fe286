import { describe, expect, it } from "vitest";
import { progressReport, type WeightsProgress } from "./weights-progress.js";

function recorder() {
  const lines: string[] = [];
  const progress: WeightsProgress[] = [];
  let clock = 0;
  const report = progressReport({
    name: "model",
    url: "https://e.com/m.onnx",
    fileName: "m.onnx",
    log: { debug() {}, info: (m: string | object) => lines.push(String(m)), warn() {}, error() {} },
    onProgress: (p) => progress.push(p),
    now: () => clock,
  });
  return { lines, progress, report, tick: (ms: number) => (clock += ms) };
}

describe("progressReport", () => {
  it("logs a start line, about every 10% at most once a second, and a done line", () => {
    const { lines, report, tick } = recorder();
    report.start({ totalBytes: 10_000_000, resumedFrom: 0 });
    for (let received = 500_000; received <= 10_000_000; received += 500_000) {
      tick(600);
      report.advance(received);
    }
    report.finish({ path: "/cache/m.onnx" });
    expect(lines[0]).toBe(
      'downloading weights "model" (m.onnx) from https://e.com/m.onnx (10.0 MB)',
    );
    expect(lines[1]).toBe('downloading weights "model" (m.onnx): 10% (1.0 of 10.0 MB)');
    expect(lines.at(-1)).toBe(
      'downloaded weights "model" (m.onnx): 100% (10.0 MB) in 12.0 s, verified, saved to /cache/m.onnx',
    );
    expect(lines.length).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBeLessThanOrEqual(11);
  });

  it("stays quiet when the steps come faster than once a second", () => {
    const { lines, progress, report } = recorder();
    report.start({ totalBytes: 10_000_000, resumedFrom: 0 });
    for (let received = 1_000_000; received <= 10_000_000; received += 1_000_000)
      report.advance(received);
    report.finish({ path: "/cache/m.onnx" });
    expect(lines).toHaveLength(2);
    expect(progress.map((p) => p.done)).toEqual([false, true]);
    expect(progress.at(-1)).toMatchObject({ receivedBytes: 10_000_000, totalBytes: 10_000_000 });
  });

  it("says where a resumed download starts, and counts in MB when the size is unknown", () => {
    const { lines, report, tick } = recorder();
    report.start({ totalBytes: undefined, resumedFrom: 2_500_000 });
    tick(2_000);
    report.advance(12_500_000);
    expect(lines).toEqual([
      'downloading weights "model" (m.onnx) from https://e.com/m.onnx (size unknown, resuming at 2.5 MB)',
      'downloading weights "model" (m.onnx): 12.5 MB',
    ]);
  });
});
