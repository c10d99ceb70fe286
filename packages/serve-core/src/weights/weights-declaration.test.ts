import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error.js";
import { checkWeightsDeclarations, weightsFileName } from "./weights-declaration.js";

const sha = "AB".repeat(32);

function problemsOf(declarations: unknown): string[] {
  try {
    checkWeightsDeclarations(declarations, "yolo");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^predictor "yolo" is invalid:/);
    return (error as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error("expected a ConfigError");
}

describe("checkWeightsDeclarations", () => {
  it("accepts good entries and lower-cases the sha256", () => {
    const checked = checkWeightsDeclarations(
      {
        model: { url: "https://example.com/m/yolov5n.onnx", sha256: sha, size: 10 },
        "coco.names": { url: "http://example.com/labels?id=1", sha256: sha, file: "coco.names" },
      },
      "yolo",
    );
    expect(checked.model).toEqual({
      url: "https://example.com/m/yolov5n.onnx",
      sha256: "ab".repeat(32),
      size: 10,
    });
    expect(checked["coco.names"]?.file).toBe("coco.names");
  });

  it("names each bad field and shows a right value", () => {
    const problems = problemsOf({
      model: { url: "ftp://example.com/m.onnx", sha256: "abc", size: -1, file: "a/b.onnx" },
    });
    expect(problems).toEqual([
      'weights.model.url: must be an http(s) URL, e.g. "https://example.com/model.onnx"',
      expect.stringMatching(
        /^weights\.model\.sha256: must be the file's sha256 as 64 hex digits, e\.g\. "[0-9a-f]{64}"$/,
      ),
      "weights.model.size: must be the file's size in bytes, a positive integer, e.g. 3963249",
      'weights.model.file: must be a plain file name without slashes, e.g. "yolov5n.onnx"',
    ]);
  });

  it("rejects bad names, unknown keys, a URL without a file name and two entries with one file name", () => {
    const problems = problemsOf({
      "-model": { url: "https://example.com/a.onnx", sha256: sha },
      extra: { url: "https://example.com/b.onnx", sha256: sha, sha265: "x" },
      dir: { url: "https://example.com/models/", sha256: sha },
      a: { url: "https://example.com/x/m.onnx", sha256: sha },
      b: { url: "https://example.com/y/m.onnx", sha256: sha },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^weights\.-model: name must start with a letter or digit/),
      "weights.extra.sha265: is not an option; did you mean `sha256`?",
      'weights.dir.file: is needed: the URL does not end in a file name; add e.g. file: "dir.bin"',
      'weights.b: has the file name "m.onnx" of `weights.a`; give one of them another `file`',
    ]);
  });

  it("rejects a weights value that is not an object", () => {
    expect(problemsOf([])).toEqual([
      expect.stringMatching(/^weights: must be an object of named files/),
    ]);
  });
});

describe("weightsFileName", () => {
  it("is `file`, else the URL's last path segment, decoded", () => {
    expect(weightsFileName({ url: "https://e.com/a/my%20model.onnx?dl=1", sha256: sha })).toBe(
      "my model.onnx",
    );
    expect(weightsFileName({ url: "https://e.com/a/x", sha256: sha, file: "x.onnx" })).toBe(
      "x.onnx",
    );
  });
});
