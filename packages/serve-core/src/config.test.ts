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
});
