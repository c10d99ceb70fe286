import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import { optionFlag } from "./option-flag.js";

function errorOf(parse: () => unknown): CliError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error("expected a usage error");
}

describe("optionFlag", () => {
  it("reads a flag's text as the server option would take it", () => {
    expect(optionFlag("port", "--port")("9000")).toBe(9000);
    expect(optionFlag("workers", "--workers")("auto")).toBe("auto");
    expect(optionFlag("workers", "--workers")("2")).toBe(2);
    expect(optionFlag("logLevel", "--log-level")("debug")).toBe("debug");
    expect(optionFlag("host", "--host")("127.0.0.1")).toBe("127.0.0.1");
  });

  it("turns a bad value into a usage error (exit 2) naming the flag, in the schema's words", () => {
    const port = errorOf(() => optionFlag("port", "--port")("70000"));
    expect(port.exitCode).toBe(2);
    expect(port.message).toBe("--port must be 0–65535, got 70000");
    expect(errorOf(() => optionFlag("port", "PORT")("80a")).message).toBe(
      'PORT must be 0–65535, got "80a"',
    );
    expect(errorOf(() => optionFlag("workers", "--workers")("1.5")).message).toBe(
      '--workers must be 0 (inline), a whole number or "auto", got 1.5',
    );
  });
});
