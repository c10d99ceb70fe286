import { describe, expect, it } from "vitest";
import { pullSummary } from "./pull-weights.js";

describe("pullSummary", () => {
  it("counts each outcome and lists each failure with what it says to do", () => {
    const base = { predictor: "tiny@1.0", name: "model", file: "model.bin" };
    const text = pullSummary([
      { ...base, outcome: "downloaded", source: "cache", path: "/c/x", size: 1 },
      { ...base, name: "labels", file: "labels.txt", outcome: "present", source: "project" },
      {
        ...base,
        name: "vocab",
        file: "vocab.json",
        outcome: "failed",
        error: "offline: unset SERVEKIT_OFFLINE",
      },
    ]);
    expect(text).toBe(
      "weights: 1 downloaded, 1 already local, 1 failed\n" +
        "  tiny@1.0 vocab (vocab.json): offline: unset SERVEKIT_OFFLINE",
    );
  });
});
