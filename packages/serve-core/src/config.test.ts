import { describe, expect, it } from "vitest";
import { configServeOptions, defineConfig, parseServeConfig } from "./config.js";
import { ConfigError } from "./config-error.js";

describe("parseServeConfig", () => {
  it("defaults the entry and passes server options through", () => {
    const config = parseServeConfig(defineConfig({ port: 9000, workers: "auto" }));
    expect(config.entry).toBe("predictor.ts");
    expect(configServeOptions(config)).toEqual({ port: 9000, workers: "auto" });
  });

  it("reports every problem at once with its field path, unknown keys included", () => {
    expect(() =>
      parseServeConfig({ port: 70_000, workers: -1, prot: 1 }, "app/serve.config.ts"),
    ).toThrow(/app\/serve.config.ts is invalid:\n- `port`: .*65535\n- `workers`: .*\n- .*prot/);
  });

  it("accepts the hardening options a config file can set, and passes them through", () => {
    const hardening = {
      maxBodyBytesInFlight: 64 * 1024 * 1024,
      bodyReadTimeoutMs: 10_000,
      asyncRetainedInputBytes: 32 * 1024 * 1024,
      webhookAllowHosts: ["hooks.example.com"],
      webhookDenyHosts: ["10.0.0.0/8"],
      workerMaxOldSpaceMb: 512,
      workerRestart: { attempts: 3, initialDelayMs: 500, maxDelayMs: 5_000 },
      exposeSetupDetails: false,
    };
    expect(configServeOptions(parseServeConfig(defineConfig(hardening)))).toEqual(hardening);
  });

  it("uses the server options' rules, messages and cross-field checks, applying no defaults", () => {
    expect(() => parseServeConfig({ logLevel: "loud", apiKeys: ["short"] })).toThrow(
      /serve.config.ts is invalid:\n- `logLevel`: got "loud"; must be one of trace, .*\n- `apiKeys.0`: must be at least 8 characters/,
    );
    expect(() =>
      parseServeConfig({ workerRestart: { initialDelayMs: 10, maxDelayMs: 1 } }),
    ).toThrow("`workerRestart`: delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs, got 10 and 1");
    expect(configServeOptions(parseServeConfig({ workerRestart: { attempts: 2 } }))).toEqual({
      workerRestart: { attempts: 2 },
    });
  });

  it("throws a ConfigError naming the file", () => {
    try {
      parseServeConfig({ port: "8000" }, "serve.config.ts");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).source).toBe("serve.config.ts");
      expect((error as ConfigError).problems).toEqual([
        { path: "port", message: "must be 0–65535", received: '"8000"' },
      ]);
    }
  });

  it("accepts a build section without checking it (serve-cli does), and keeps it out of the server options", () => {
    const build = { weights: () => ["model.onnx"], env: { A: "1" }, anything: true };
    const config = parseServeConfig({ port: 9000, build });
    expect(config.build).toBe(build);
    expect(configServeOptions(config)).toEqual({ port: 9000 });
  });
});

describe("parseServeConfig with a models list", () => {
  it("reads each item as { entry, options? }, the first as the entry one-predictor commands take", () => {
    const config = parseServeConfig(
      defineConfig({
        models: [
          "fp32.ts",
          "versions.ts:fp16",
          { entry: "int8.ts:int8", options: { workers: 1, maxQueue: 8, predictTimeoutMs: 5_000 } },
        ],
        port: 9000,
        traffic: { yolov5: { weights: { fp32: 90, fp16: 10 } } },
      }),
    );
    expect(config.models).toEqual([
      { entry: "fp32.ts" },
      { entry: "versions.ts:fp16" },
      { entry: "int8.ts:int8", options: { workers: 1, maxQueue: 8, predictTimeoutMs: 5_000 } },
    ]);
    expect(config.entry).toBe("fp32.ts");
    // The traffic policy is a server option: passed through, models kept out.
    expect(configServeOptions(config)).toEqual({
      port: 9000,
      traffic: { yolov5: { weights: { fp32: 90, fp16: 10 } } },
    });
  });

  it("refuses entry and models together, saying which to keep", () => {
    expect(() => parseServeConfig({ entry: "a.ts", models: ["b.ts"] })).toThrow(
      'serve.config.ts is invalid:\n- `entry`: cannot be set with `models`: serve one predictor with `entry`, or several with `models` (move "a.ts" into `models`, first to make it the default)',
    );
  });

  it("names the item and field that is wrong, with what would be right", () => {
    expect(() =>
      parseServeConfig({
        models: [
          3,
          { entry: "b.ts", options: { workers: -1, maxQueu: 1 } },
          { entry: "" },
          { entry: "c.ts", option: {} },
        ],
      }),
    ).toThrow(
      [
        "serve.config.ts is invalid:",
        '- `models.0`: got 3; must be "file.ts", "file.ts:export" or { entry: "file.ts:export", options? }',
        '- `models.1.options.workers`: got -1; must be 0 (inline), a whole number or "auto"',
        "- `models.1.options.maxQueu`: is not an option; did you mean `maxQueue`?",
        '- `models.2.entry`: got ""; must name the predictor module, e.g. "detector.ts" or "models.ts:detector"',
        "- `models.3.option`: is not an option; did you mean `options`?",
      ].join("\n"),
    );
    expect(() => parseServeConfig({ models: [] })).toThrow(
      '- `models`: got []; must list at least one model, e.g. ["a.ts", "b.ts:detector"]',
    );
  });

  it("says that a server option under a model's options belongs at the top level", () => {
    expect(() => parseServeConfig({ models: [{ entry: "a.ts", options: { port: 1 } }] })).toThrow(
      "- `models.0.options.port`: is a server option, not a model's: set it at the top level of the config (a model's options: workers, maxConcurrency,",
    );
  });

  it("checks a model's options by the server options' cross-field rules", () => {
    expect(() =>
      parseServeConfig({
        models: [
          { entry: "a.ts", options: { workerRestart: { initialDelayMs: 10, maxDelayMs: 1 } } },
        ],
      }),
    ).toThrow("`models.0.options.workerRestart`: delays must satisfy");
  });
});
