import { ConfigError } from "@servekit/core";
import { describe, expect, it } from "vitest";
import { FIXTURES, runCli } from "../../test/run-cli.js";
import { loadTarget } from "../load-target.js";
import { parseBuildSettings } from "./build-settings.js";

describe("parseBuildSettings", () => {
  it("defaults weights and env, and keeps a weights function for build to call", () => {
    expect(parseBuildSettings({}, "serve.config.ts")).toEqual({ weights: [], env: {} });
    const weights = () => ["model.onnx"];
    expect(parseBuildSettings({ weights, baseImage: "node:20" })).toEqual({
      weights,
      env: {},
      baseImage: "node:20",
    });
    expect(parseBuildSettings(undefined)).toBeUndefined();
  });

  it("reports every problem as a ConfigError with the build.* path and the file", () => {
    let error: unknown;
    try {
      parseBuildSettings(
        { weights: "model.onnx", env: { MODEL_DIR: 1 }, baseImag: "node:20" },
        "app/serve.config.ts",
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/^app\/serve.config.ts is invalid:\n/);
    expect(message).toContain(
      '- `build.weights`: got "model.onnx"; must be a list of files, or a function returning one',
    );
    expect(message).toContain("- `build.env.MODEL_DIR`:");
    expect(message).toContain("- `build.baseImag`: is not an option; did you mean `baseImage`?");
  });
});

describe("loadTarget with a build section", () => {
  it("checks build with serve-cli's schema, naming the config file", async () => {
    await expect(loadTarget("bad-build", FIXTURES)).rejects.toThrow(
      /bad-build\/serve.config.ts is invalid:\n- `build.weights`: .*list of files/,
    );
  });

  it("makes serve-cli exit 2 with the problems and no stack hint", async () => {
    const result = await runCli(["dockerfile", "bad-build"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("- `build.weights`:");
    expect(result.stderr).not.toContain("--debug");
  });
});
