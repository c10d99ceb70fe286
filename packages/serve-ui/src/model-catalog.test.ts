import { describe, expect, it } from "vitest";
import { hasChoices, type ModelCatalog, predictPath, versionLabel } from "./model-catalog.js";

const version = (name: string, share: number) => ({
  version: name,
  status: "READY",
  ready: true,
  share,
});
const catalog = (...models: { name: string; versions: string[] }[]): ModelCatalog => ({
  default: models[0]!.name,
  models: models.map((m, i) => ({
    name: m.name,
    default: i === 0,
    versions: m.versions.map((v, j) => version(v, j === 0 ? 1 : 0)),
  })),
});

describe("hasChoices", () => {
  it("shows the picker only for several models or several versions", () => {
    expect(hasChoices(undefined)).toBe(false);
    expect(hasChoices(catalog({ name: "yolov5", versions: ["7.0.0"] }))).toBe(false);
    expect(hasChoices(catalog({ name: "yolov5", versions: ["fp32", "fp16"] }))).toBe(true);
    expect(
      hasChoices(catalog({ name: "a", versions: ["1"] }, { name: "b", versions: ["1"] })),
    ).toBe(true);
  });
});

describe("predictPath", () => {
  it("posts auto to the model's route and a picked version to its own", () => {
    expect(predictPath({ model: "yolov5" })).toBe("/models/yolov5/predict");
    expect(predictPath({ model: "yolov5", version: "fp16" })).toBe(
      "/models/yolov5/versions/fp16/predict",
    );
  });

  it("keeps the literal path for the OpenAPI lookup and encodes the URL to post to", () => {
    const target = { model: "m", version: "1.0+build" };
    expect(predictPath(target)).toBe("/models/m/versions/1.0+build/predict");
    expect(predictPath(target, encodeURIComponent)).toBe("/models/m/versions/1.0%2Bbuild/predict");
  });
});

describe("versionLabel", () => {
  it("names the version with its status and share", () => {
    expect(versionLabel(version("fp16", 0.05))).toBe("fp16 · ready · 5%");
    expect(versionLabel({ ...version("v2", 1 / 3), status: "SETUP_FAILED" })).toBe(
      "v2 · setup failed · 33.3%",
    );
  });
});
