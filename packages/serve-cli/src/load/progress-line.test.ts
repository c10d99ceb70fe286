import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LatencyRecorder } from "./latency-recorder.js";
import { progressLine } from "./progress-line.js";

function captured(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

describe("progressLine", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a plain line every 5 s when stderr is not a terminal", async () => {
    const out = captured(false);
    const recorder = new LatencyRecorder();
    recorder.begin(performance.now());
    const stop = progressLine(out.stream).start("concurrency 4", recorder);
    recorder.record({ kind: "response", status: 200, bytes: 2 }, { startedAt: 0, endedAt: 12 });
    vi.advanceTimersByTime(5000);
    stop();
    await new Promise(setImmediate);
    expect(out.text()).toMatch(
      /^\[concurrency 4\] 5s {2}1 requests {2}0\.2 req\/s {2}p50 12\.0 ms {2}0 failures\n$/,
    );
  });

  it("rewrites one line in place on a terminal, and clears it when done", async () => {
    const out = captured(true);
    const recorder = new LatencyRecorder();
    recorder.begin(performance.now() + 1000);
    const stop = progressLine(out.stream).start("rate 50/s", recorder);
    vi.advanceTimersByTime(500);
    stop();
    await new Promise(setImmediate);
    expect(out.text()).toBe("\r\x1b[2K[rate 50/s] warming up\r\x1b[2K");
  });
});
