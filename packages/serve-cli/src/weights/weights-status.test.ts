import { describe, expect, it } from "vitest";
import { weightsStatusTable } from "./weights-status.js";

describe("weightsStatusTable", () => {
  it("aligns one row per file, with the places searched for a missing one", () => {
    const common = { url: "http://x/m", sha256: "0".repeat(64), predictor: "tiny@1.0" };
    const table = weightsStatusTable([
      {
        ...common,
        name: "model",
        file: "model.bin",
        size: 77_824,
        source: "cache",
        path: "/c/ab/model.bin",
        searched: [],
      },
      {
        ...common,
        name: "labels",
        file: "labels.txt",
        source: "missing",
        searched: ["/p/weights/labels.txt", "/c"],
      },
    ]);
    expect(table.split("\n")).toEqual([
      "predictor  name    file           size  source   path",
      "tiny@1.0   model   model.bin   76.0 KB  cache    /c/ab/model.bin",
      "tiny@1.0   labels  labels.txt        ?  missing  (searched /p/weights/labels.txt, /c)",
    ]);
  });
});
