import { describe, expect, it } from "vitest";
import { commandLine, shellQuote } from "./shell-quote.js";

describe("shellQuote", () => {
  it("leaves plain arguments alone and single-quotes the rest", () => {
    expect(shellQuote("--zone=us-central1-a")).toBe("--zone=us-central1-a");
    expect(shellQuote("--container-env=A=1,B=2")).toBe("--container-env=A=1,B=2");
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("^;^A=1;B=2")).toBe("'^;^A=1;B=2'");
    expect(shellQuote("it's $HOME")).toBe("'it'\\''s $HOME'");
    expect(shellQuote("")).toBe("''");
  });

  it("joins an argv into one pasteable line", () => {
    expect(commandLine(["gcloud", "--description=a b"])).toBe("gcloud '--description=a b'");
  });
});
