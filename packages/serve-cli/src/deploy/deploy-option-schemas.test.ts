import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { flagParser, positiveNumber, wholeNumber } from "./deploy-option-schemas.js";

describe("number flags", () => {
  it("parses a whole number in range, and says the range and an example when not", () => {
    expect(flagParser("--gpu", wholeNumber(0))(" 2 ")).toBe(2);
    expect(() => flagParser("--port", wholeNumber(1, undefined, "8000"))("0x10")).toThrow(
      "--port must be a whole number ≥ 1, e.g. 8000; got 0x10",
    );
    expect(() => flagParser("--timeout", wholeNumber(1, 86_400))("0")).toThrow(
      "--timeout must be a whole number 1–86400; got 0",
    );
  });

  it("parses a number > 0 and rejects the rest as a usage error", () => {
    expect(flagParser("--target-queue", positiveNumber("4"))("0.5")).toBe(0.5);
    for (const bad of ["0", "-1", "", "x"]) {
      const parse = () => flagParser("--target-queue", positiveNumber("4"))(bad);
      expect(parse).toThrow(CliError);
      expect(parse).toThrow(`--target-queue must be a number > 0, e.g. 4; got ${bad}`);
    }
  });
});
