import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { asCancellation, Cancellation } from "./cancellation.js";

describe("Cancellation", () => {
  it("calls each listener once with the first reason, and none that was removed", () => {
    const cancel = new Cancellation();
    const heard: unknown[] = [];
    cancel.onAbort((reason) => heard.push(["kept", reason]));
    const remove = cancel.onAbort((reason) => heard.push(["removed", reason]));
    remove();
    cancel.abort("timeout");
    cancel.abort("second");
    expect(heard).toEqual([["kept", "timeout"]]);
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBe("timeout");
  });

  it("calls a listener added after the abort at once", () => {
    const cancel = new Cancellation();
    cancel.abort("gone");
    const heard: unknown[] = [];
    cancel.onAbort((reason) => heard.push(reason));
    expect(heard).toEqual(["gone"]);
  });

  it("gives an AbortSignal that follows it, made before or after the abort", () => {
    const early = new Cancellation();
    const signal = early.signal;
    expect(signal.aborted).toBe(false);
    early.abort("stop");
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe("stop");

    const late = new Cancellation();
    late.abort("stop");
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe("stop");
  });
});

describe("asCancellation", () => {
  it("follows an AbortSignal until told to stop, leaving no listener on it", () => {
    const controller = new AbortController();
    const { cancel, unfollow } = asCancellation(controller.signal);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    unfollow();
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
    controller.abort("late");
    expect(cancel.aborted).toBe(false);

    const followed = new AbortController();
    const { cancel: following } = asCancellation(followed.signal);
    followed.abort("client left");
    expect(following.reason).toBe("client left");
  });

  it("takes a Cancellation as it is, and an aborted signal as aborted", () => {
    const own = new Cancellation();
    expect(asCancellation(own).cancel).toBe(own);
    expect(asCancellation(AbortSignal.abort("already")).cancel.reason).toBe("already");
    expect(asCancellation(undefined).cancel.aborted).toBe(false);
  });
});
