import { describe, expect, it } from "vitest";
import { configServeOptions, defineConfig, parseServeConfig } from "./config.js";

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
});
