import { describe, expect, it } from "vitest";
import { consumeFlag, consumeOptionsFrom } from "./consume-flags.js";

describe("consumeOptionsFrom", () => {
  it("takes serve.config.ts's `consume`, then $REDIS_URL, then the flags", () => {
    const fromConfig = { redis: "redis://config:6379", stream: "in", group: "g", maxAttempts: 5 };
    expect(consumeOptionsFrom({ group: "flag-group" }, fromConfig, {})).toEqual({
      redis: "redis://config:6379",
      stream: "in",
      group: "flag-group",
      maxAttempts: 5,
    });
    expect(
      consumeOptionsFrom({ stream: "s", group: "g" }, {}, { REDIS_URL: "redis://env:6379" }).redis,
    ).toBe("redis://env:6379");
    expect(
      consumeOptionsFrom(
        { redis: "redis://flag:6379", stream: "s", group: "g" },
        {},
        { REDIS_URL: "redis://env:6379" },
      ).redis,
    ).toBe("redis://flag:6379");
  });

  it("names every flag still missing, as a usage error", () => {
    expect(() => consumeOptionsFrom({ stream: "s" }, {}, {})).toThrow(
      "missing `--redis redis://HOST:PORT`, `--group <name>` (or `consume` in serve.config.ts, or $REDIS_URL)",
    );
  });
});

describe("consumeFlag", () => {
  it("reads numbers and checks each value with the option's own rule", () => {
    expect(consumeFlag("maxAttempts", "--max-attempts")("4")).toBe(4);
    expect(() => consumeFlag("claimIdleMs", "--claim-idle-ms")("-1")).toThrow(
      "--claim-idle-ms must be > 0, got -1",
    );
  });
});
