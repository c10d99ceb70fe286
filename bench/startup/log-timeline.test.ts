import { describe, expect, it } from "vitest";
import { parseLogTimeline } from "./log-timeline.js";

const SPAWNED_AT = 1_000_000;

function pino(fields: Record<string, unknown>): string {
  return JSON.stringify({ level: 30, pid: 42, name: "yolov5", ...fields });
}

const OUTPUT = [
  "running the compiled build in .servekit/build (2026-12-03T01:26:27.013Z)",
  pino({ time: SPAWNED_AT + 310, msg: "model version added" }),
  pino({ time: SPAWNED_AT + 320, url: "http://127.0.0.1:8000", workers: 2, msg: "serving yolov5" }),
  "",
  "  servekit · yolov5",
  "  API      http://127.0.0.1:8000/predict",
  pino({
    time: SPAWNED_AT + 400,
    method: "GET",
    path: "/health/ready",
    status: 503,
    msg: "request",
  }),
  pino({
    time: SPAWNED_AT + 900,
    worker: 1,
    phase: "setup",
    msg: "loaded yolov5n, warm-up 200 ms",
  }),
  '{"level":30,"time": truncated',
  pino({
    time: SPAWNED_AT + 1100,
    worker: 0,
    phase: "setup",
    msg: "loaded yolov5n, warm-up 390 ms",
  }),
  pino({ time: SPAWNED_AT + 1102, ms: 780, msg: "predictor ready" }),
  "ready: yolov5 is accepting predictions",
].join("\n");

describe("parseLogTimeline", () => {
  it("places HTTP listening, each worker's setup and predictor ready in ms after spawn", () => {
    const timeline = parseLogTimeline(OUTPUT, SPAWNED_AT);
    expect(timeline.servingMs).toBe(320);
    expect(timeline.workerSetup).toEqual([
      { worker: 1, atMs: 900, msg: "loaded yolov5n, warm-up 200 ms" },
      { worker: 0, atMs: 1100, msg: "loaded yolov5n, warm-up 390 ms" },
    ]);
    expect(timeline.predictorReadyMs).toBe(1102);
    expect(timeline.predictorReadyReportedMs).toBe(780);
    expect(timeline.pid).toBe(42);
  });

  it("tells whether serve-cli ran the compiled build", () => {
    expect(parseLogTimeline(OUTPUT, SPAWNED_AT).compiledBuild).toBe(true);
    const fromSources = OUTPUT.split("\n").slice(1).join("\n");
    expect(parseLogTimeline(fromSources, SPAWNED_AT).compiledBuild).toBe(false);
  });

  it("keeps the CLI's notes and warnings, which say why a build was passed over", () => {
    const note =
      "note: src/predictor.ts imports x, which only tsx loads: running the sources through tsx";
    const timeline = parseLogTimeline(
      [note, "  API      http://127.0.0.1:8000/predict"].join("\n"),
      SPAWNED_AT,
    );
    expect(timeline.compiledBuild).toBe(false);
    expect(timeline.notices).toEqual([note]);
  });

  it("leaves milestones the server never logged undefined instead of guessing", () => {
    const timeline = parseLogTimeline(
      [
        "error: cannot find module",
        pino({ time: SPAWNED_AT + 50, msg: "model version added" }),
      ].join("\n"),
      SPAWNED_AT,
    );
    expect(timeline).toEqual({ workerSetup: [], compiledBuild: false, notices: [], pid: 42 });
  });
});
