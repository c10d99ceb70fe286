import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { FixedDeadlines } from "./fixed-deadlines.js";

/** Timers of this process that are waiting now. */
const pendingTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("FixedDeadlines", () => {
  it("expires each deadline it was not cleared of, oldest first, and no earlier than its time", async () => {
    const deadlines = new FixedDeadlines(40);
    const expired: { name: string; afterMs: number }[] = [];
    const set = (name: string) => {
      const setAt = performance.now();
      return deadlines.set(() => expired.push({ name, afterMs: performance.now() - setAt }));
    };
    set("first");
    const second = set("second");
    await sleep(15);
    set("third");
    second.clear();
    await sleep(100);
    expect(expired.map((e) => e.name)).toEqual(["first", "third"]);
    for (const { afterMs } of expired) expect(afterMs).toBeGreaterThanOrEqual(39);
  });

  it("holds the process open only while a deadline is set", async () => {
    const before = pendingTimers();
    const deadlines = new FixedDeadlines(60_000);
    const all = [1, 2, 3].map(() => deadlines.set(() => {}));
    expect(pendingTimers()).toBe(before + 1);
    for (const deadline of all) deadline.clear();
    all[0]?.clear();
    expect(pendingTimers()).toBe(before);
  });

  it("keeps a deadline set while expiring another", async () => {
    const before = pendingTimers();
    const deadlines = new FixedDeadlines(20);
    const expired: string[] = [];
    deadlines.set(() => {
      expired.push("first");
      deadlines.set(() => expired.push("set by first"));
    });
    await sleep(70);
    expect(expired).toEqual(["first", "set by first"]);
    expect(pendingTimers()).toBe(before);
  });

  it("waits out a length longer than setTimeout allows instead of firing at once", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    const expired: string[] = [];
    const deadline = new FixedDeadlines(30 * 24 * 3600 * 1000).set(() => expired.push("30 days"));
    await sleep(20);
    deadline.clear();
    process.off("warning", onWarning);
    expect(expired).toEqual([]);
    expect(warnings.map((w) => w.name)).not.toContain("TimeoutOverflowWarning");
  });
});
