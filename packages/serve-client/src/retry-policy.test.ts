import { describe, expect, it } from "vitest";
import { ServekitError, ServekitNetworkError } from "./errors.js";
import { isRetryable, resolveRetry, retryDelayMs } from "./retry-policy.js";

const refused = (status: number, retryAfterMs?: number) =>
  new ServekitError({ status, code: "OVERLOADED", message: "full", retryAfterMs });
const broken = new ServekitNetworkError("reset", { url: "http://x" });

describe("retry policy", () => {
  it("retries refusals everywhere, broken connections only where repeating is safe", () => {
    expect(isRetryable(refused(503), "refused")).toBe(true);
    expect(isRetryable(refused(429), "safe")).toBe(true);
    expect(isRetryable(refused(500), "safe")).toBe(false);
    expect(isRetryable(refused(504), "safe")).toBe(false);
    expect(isRetryable(broken, "safe")).toBe(true);
    expect(isRetryable(broken, "refused")).toBe(false);
    expect(isRetryable(refused(503), "never")).toBe(false);
  });

  it("waits the server's Retry-After, never longer than maxDelayMs", () => {
    const policy = resolveRetry({ maxDelayMs: 5_000 });
    expect(retryDelayMs(refused(503, 2_000), 1, policy)).toBe(2_000);
    expect(retryDelayMs(refused(503, 60_000), 1, policy)).toBe(5_000);
  });

  it("otherwise waits a random time below a ceiling that doubles each retry", () => {
    const policy = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1_000 });
    for (let i = 0; i < 50; i++) {
      expect(retryDelayMs(broken, 1, policy)).toBeLessThan(100);
      expect(retryDelayMs(broken, 3, policy)).toBeLessThan(400);
      expect(retryDelayMs(broken, 10, policy)).toBeLessThan(1_000);
    }
  });

  it("refuses nonsense attempts with the fix in the message", () => {
    expect(() => resolveRetry({ attempts: 0 })).toThrow(/whole number ≥ 1/);
    expect(resolveRetry(false).attempts).toBe(1);
  });
});
