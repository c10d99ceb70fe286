import { describe, expect, it } from "vitest";
import { ModelSet } from "./model-set.js";

describe("ModelSet", () => {
  it("loads a model on its first use only, sharing one load between concurrent first uses", async () => {
    const loads: string[] = [];
    const set = new ModelSet(["a", "b"], async (name) => {
      loads.push(name);
      return { name };
    });
    await set.load(["a"]);
    expect(loads).toEqual(["a"]);
    expect(set.loaded()).toEqual(["a"]);
    const [first, second] = await Promise.all([set.get("b"), set.get("b")]);
    expect(first).toBe(second);
    expect(loads).toEqual(["a", "b"]);
  });

  it("tries a failed load again on the next use", async () => {
    let attempts = 0;
    const set = new ModelSet(["a"], async () => {
      attempts++;
      if (attempts === 1) throw new Error("disk busy");
      return "model";
    });
    await expect(set.get("a")).rejects.toThrow("disk busy");
    await expect(set.get("a")).resolves.toBe("model");
    expect(attempts).toBe(2);
  });

  it("refuses a model it does not serve, naming the ones it does", async () => {
    const set = new ModelSet(["a", "b"], async () => "model");
    await expect(set.get("c" as "a")).rejects.toThrow("unknown model c; one of a, b");
  });
});
