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
