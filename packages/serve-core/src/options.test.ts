import { afterEach, describe, expect, it, vi } from "vitest";
import { ConfigError } from "./config-error.js";
import { resolveServeOptions, type ServeOptions } from "./options.js";

function problemsOf(options: ServeOptions): string {
  try {
    resolveServeOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error("expected a ConfigError");
}

describe("resolveServeOptions", () => {
  it("fills in documented defaults", () => {
    const options = resolveServeOptions({ port: 9000 });
    expect(options).toMatchObject({
      port: 9000,
      workers: 0,
      maxConcurrency: 1,
      predictTimeoutMs: 60_000,
      maxBodyBytes: 20 * 1024 * 1024,
      workerOldSpaceMb: 128,
    });
  });

  it("sizes concurrency to the worker pool", () => {
    expect(resolveServeOptions({ workers: 3 }).maxConcurrency).toBe(3);
  });

  it("reports every invalid option at once, saying what would be right", () => {
    expect(() => resolveServeOptions({ port: 70_000, workers: -1, maxBodyBytes: 0 })).toThrow(
      /`port` must be 0–65535, got 70000[\s\S]*`workers` must be[\s\S]*`maxBodyBytes`/,
    );
    expect(() => resolveServeOptions({ workerOldSpaceMb: -1 })).toThrow(
      /`workerOldSpaceMb` must be a whole number of MiB ≥ 0, got -1/,
    );
  });

  it("throws a ConfigError whose problems carry each field path", () => {
    const error = (() => {
      try {
        resolveServeOptions({ webhookRetry: { timeoutMs: 0 } });
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.name).toBe("ConfigError");
    expect(error?.problems).toEqual([
      { path: "webhookRetry.timeoutMs", message: "must be > 0", received: "0" },
    ]);
  });

  it("checks the log level and API key length it used to pass through", () => {
    const message = problemsOf({ logLevel: "verbose" as never, apiKeys: ["short"] });
    expect(message).toContain(
      '`logLevel` must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    );
    expect(message).toContain("`apiKeys.0` must be at least 8 characters");
    // The key itself is a secret: only its length is shown.
    expect(message).not.toContain('"short"');
  });

  it("reports the rules between options along with invalid fields", () => {
    const message = problemsOf({
      port: -1,
      processes: 2,
      journalDir: "/tmp/journal",
      maxBodyBytes: 2_000,
      maxBodyBytesInFlight: 1_000,
      workerRestart: { initialDelayMs: 5_000, maxDelayMs: 1_000 },
      webhookRetry: { initialDelayMs: 10, maxDelayMs: 1 },
    });
    expect(message).toContain("`port` must be 0–65535, got -1");
    expect(message).toContain(
      "`journalDir` takes one process per directory; unset it (or SERVEKIT_JOURNAL_DIR) or set `processes` to 1, got 2 processes",
    );
    expect(message).toContain(
      "`maxBodyBytesInFlight` must be a whole number of bytes ≥ `maxBodyBytes` (2000), got 1000",
    );
    expect(message).toContain(
      "`workerRestart` delays must satisfy 0 ≤ initialDelayMs ≤ maxDelayMs, got 5000 and 1000",
    );
    expect(message).toContain("`webhookRetry` delays must satisfy");
  });

  it("rejects webhook host patterns that are not names, addresses or CIDR ranges", () => {
    expect(
      resolveServeOptions({ webhookAllowHosts: ["*.example.com", "10.0.0.0/8", "::1"] })
        .webhookAllowHosts,
    ).toEqual(["*.example.com", "10.0.0.0/8", "::1"]);
    expect(problemsOf({ webhookDenyHosts: ["10.0.0.0/33", "bad host"] })).toMatch(
      /`webhookDenyHosts.0` must be a host name, address or CIDR range .*got "10.0.0.0\/33"\n- `webhookDenyHosts.1` .*got "bad host"/,
    );
  });

  it("names an unknown option and the one it was probably meant to be", () => {
    expect(problemsOf({ prot: 1 } as never)).toContain(
      "`prot` is not an option; did you mean `port`?",
    );
  });

  it("derives the values that depend on other options", () => {
    const options = resolveServeOptions({ workers: 2, maxBodyBytes: 300 * 1024 * 1024 });
    expect(options).toMatchObject({
      maxConcurrency: 2,
      maxBodyBytesInFlight: 300 * 1024 * 1024,
      workerRestart: { attempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000 },
      webhookRetry: { attempts: 5, initialDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 10_000 },
    });
    expect(resolveServeOptions({}).maxBodyBytesInFlight).toBe(256 * 1024 * 1024);
    expect(
      resolveServeOptions({ predictorModule: new URL("file:///a/b.js") }).predictorModule,
    ).toBe("file:///a/b.js");
  });
});

describe("resolveServeOptions with the environment", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("takes unset options from the environment, and what is set wins", () => {
    vi.stubEnv("PORT", "9100");
    vi.stubEnv("LOG_LEVEL", "warn");
    vi.stubEnv("SERVEKIT_API_KEYS", "key-one-123, key-two-456");
    vi.stubEnv("SERVEKIT_CORS_ORIGIN", "http://a.example,http://b.example");
    vi.stubEnv("SERVEKIT_JOURNAL_DIR", "/var/journal");
    expect(resolveServeOptions({})).toMatchObject({
      port: 9100,
      logLevel: "warn",
      apiKeys: ["key-one-123", "key-two-456"],
      cors: { origin: ["http://a.example", "http://b.example"] },
      journalDir: "/var/journal",
    });
    expect(resolveServeOptions({ port: 1234, logLevel: "error" })).toMatchObject({
      port: 1234,
      logLevel: "error",
    });
    vi.stubEnv("SERVEKIT_CORS_ORIGIN", "*");
    expect(resolveServeOptions({}).cors).toBe(true);
  });

  it("says which variable held an invalid value", () => {
    vi.stubEnv("LOG_LEVEL", "loud");
    vi.stubEnv("SERVEKIT_API_KEYS", "abc");
    const message = problemsOf({});
    expect(message).toContain(
      '`logLevel` must be one of trace, debug, info, warn, error, fatal, silent, got "loud" (from LOG_LEVEL)',
    );
    expect(message).toContain("(from SERVEKIT_API_KEYS)");
  });
});
