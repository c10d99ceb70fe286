import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import {
  parseConcurrencyList,
  parseDuration,
  parseHeader,
  parseRate,
  parseServerUrl,
} from "./load-flags.js";

function usageMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error("expected a usage error");
}

describe("bench flags", () => {
  it("reads durations in s, ms, m, or plain seconds", () => {
    expect(parseDuration("10s", "--duration")).toBe(10_000);
    expect(parseDuration("500ms", "--duration")).toBe(500);
    expect(parseDuration("2m", "--duration")).toBe(120_000);
    expect(parseDuration("1.5", "--duration")).toBe(1500);
    expect(usageMessage(() => parseDuration("ten", "--warmup"))).toMatch(
      /--warmup must be a duration like 10s/,
    );
  });

  it("reads rates as 50/s, 50 or per minute", () => {
    expect(parseRate("50/s")).toBe(50);
    expect(parseRate("50")).toBe(50);
    expect(parseRate("120/m")).toBe(2);
    expect(usageMessage(() => parseRate("0"))).toMatch(
      /--rate must be requests per second above 0/,
    );
    expect(usageMessage(() => parseRate("fast"))).toContain('got "fast"');
  });

  it("reads concurrency levels and refuses anything but whole numbers ≥ 1", () => {
    expect(parseConcurrencyList("1,4,16")).toEqual([1, 4, 16]);
    expect(usageMessage(() => parseConcurrencyList("1,0"))).toMatch(/whole numbers ≥ 1/);
    expect(usageMessage(() => parseConcurrencyList("4,,8"))).toMatch(/like 1,4,16/);
  });

  it("reads headers as Name: value", () => {
    expect(parseHeader("X-Model-Version: 2")).toEqual(["x-model-version", "2"]);
    expect(usageMessage(() => parseHeader("no colon"))).toMatch(/--header expects Name:value/);
  });

  it("takes http(s) server URLs, without a trailing slash", () => {
    expect(parseServerUrl("http://127.0.0.1:8000/", "--url")).toBe("http://127.0.0.1:8000");
    expect(usageMessage(() => parseServerUrl("ftp://x", "--compare"))).toMatch(
      /--compare must be an http/,
    );
    expect(usageMessage(() => parseServerUrl("localhost", "--url"))).toMatch(
      /--url must be a server URL/,
    );
  });
});
