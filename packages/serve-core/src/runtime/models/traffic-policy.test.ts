import { describe, expect, it } from "vitest";
import type { ServeError } from "../../errors.js";
import {
  changedPolicy,
  chooseVersion,
  firstVersionPolicy,
  inShadowSample,
} from "./traffic-policy.js";

const canary = { weights: { "1.0.0": 80, "2.0.0": 20 }, shadow: null };

describe("traffic policy", () => {
  it("splits keys by weight: 80/20 over 10 000 keys within 4 standard deviations", () => {
    const counts = { "1.0.0": 0, "2.0.0": 0 };
    for (let i = 0; i < 10_000; i++)
      counts[chooseVersion(canary, `request-${i}`) as keyof typeof counts]++;
    // Binomial(10 000, 0.2): sd = 40.
    expect(Math.abs(counts["2.0.0"] - 2_000)).toBeLessThan(160);
    expect(counts["1.0.0"] + counts["2.0.0"]).toBe(10_000);
  });

  it("keeps a key on its version, and moving 10% of the weight moves only those keys", () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `user-${i}`);
    const before = keys.map((k) => chooseVersion(canary, k));
    expect(keys.map((k) => chooseVersion(canary, k))).toEqual(before);
    const after = keys.map((k) =>
      chooseVersion({ ...canary, weights: { "1.0.0": 70, "2.0.0": 30 } }, k),
    );
    // Nobody on 2.0.0 goes back; about 10% of all keys move from 1.0.0 to 2.0.0.
    const moved = keys.flatMap((_, i) => (before[i] === after[i] ? [] : [[before[i], after[i]]]));
    expect(new Set(moved.map(([from, to]) => `${from}→${to}`))).toEqual(new Set(["1.0.0→2.0.0"]));
    expect(moved.length / keys.length).toBeGreaterThan(0.07);
    expect(moved.length / keys.length).toBeLessThan(0.13);
  });

  it("does blue/green: 100/0 sends everything to one, 0/100 to the other", () => {
    const blue = { weights: { blue: 100, green: 0 }, shadow: null };
    const green = { weights: { blue: 0, green: 100 }, shadow: null };
    for (let i = 0; i < 200; i++) {
      expect(chooseVersion(blue, `k${i}`)).toBe("blue");
      expect(chooseVersion(green, `k${i}`)).toBe("green");
    }
    expect(firstVersionPolicy(["a", "b"]).weights).toEqual({ a: 100, b: 0 });
  });

  it("samples the shadow fraction of keys, independently of the version chosen", () => {
    let sampled = 0;
    for (let i = 0; i < 10_000; i++) if (inShadowSample(0.1, `r${i}`)) sampled++;
    expect(Math.abs(sampled - 1_000)).toBeLessThan(120); // sd = 30
    expect(inShadowSample(0, "r1")).toBe(false);
  });

  it("refuses a policy naming unknown versions, all-zero weights or a bad fraction, naming each field", () => {
    const attempt = (change: Parameters<typeof changedPolicy>[1]) => {
      try {
        changedPolicy(canary, change, ["1.0.0", "2.0.0"]);
      } catch (error) {
        return error as ServeError;
      }
      throw new Error("expected a refusal");
    };
    const unknown = attempt({ weights: { "3.0.0": 10 } });
    expect(unknown.status).toBe(422);
    expect(unknown.details).toEqual([
      { path: ["weights", "3.0.0"], message: "no version 3.0.0; the versions are 1.0.0, 2.0.0" },
      expect.objectContaining({ path: ["weights"] }),
    ]);
    expect(attempt({ weights: { "1.0.0": 0, "2.0.0": 0 } }).message).toMatch(
      /at least one version/,
    );
    const shadow = attempt({ shadow: { version: "9", fraction: 2 } });
    expect((shadow.details as { path: string[] }[]).map((d) => d.path.join("."))).toEqual([
      "shadow.version",
      "shadow.fraction",
    ]);
  });

  it("lays a change over the policy: weights given replace all weights, the shadow stays unless given", () => {
    const withShadow = changedPolicy(canary, { shadow: { version: "2.0.0", fraction: 0.1 } }, [
      "1.0.0",
      "2.0.0",
    ]);
    const promoted = changedPolicy(withShadow, { weights: { "2.0.0": 1 } }, ["1.0.0", "2.0.0"]);
    expect(promoted).toEqual({
      weights: { "1.0.0": 0, "2.0.0": 1 },
      shadow: { version: "2.0.0", fraction: 0.1 },
    });
  });
});
