import { afterEach, describe, expect, it, vi } from "vitest";
import { findProgram, programMissingReason, startProgram } from "./local-service.js";

const ABSENT = {
  name: "servekit-no-such-program",
  envVar: "SERVEKIT_NO_SUCH_PROGRAM",
  install: "apt-get install servekit-no-such-program",
  neededBy: "the imaginary tests",
};

describe("programMissingReason", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("says why the tests are skipped, and how to install the program", () => {
    vi.stubEnv("CI", "");
    expect(programMissingReason(ABSENT)).toBe(
      "servekit-no-such-program is not installed (Debian: apt-get install servekit-no-such-program, or set SERVEKIT_NO_SUCH_PROGRAM): skipping the imaginary tests",
    );
  });

  it("fails instead of skipping where CI=true", () => {
    vi.stubEnv("CI", "true");
    expect(() => programMissingReason(ABSENT)).toThrow("and CI=true requires the imaginary tests");
  });

  it("finds the program its environment variable names", () => {
    vi.stubEnv(ABSENT.envVar, process.execPath);
    expect(findProgram(ABSENT)).toBe(process.execPath);
    expect(programMissingReason(ABSENT)).toBeUndefined();
  });
});

describe("startProgram", () => {
  it("rejects with what the program wrote when it exits before answering", async () => {
    const started = startProgram({
      binary: process.execPath,
      args: ["-e", "console.error('bad config line 3'); process.exit(1)"],
      answers: async () => false,
    });
    await expect(started).rejects.toThrow(/exited before answering:\nbad config line 3/);
  });

  it("rejects when the program cannot be started at all", async () => {
    const started = startProgram({
      binary: "/nonexistent/servekit-no-such-program",
      args: [],
      answers: async () => false,
    });
    await expect(started).rejects.toThrow(/could not be started: .*ENOENT/);
  });

  it("resolves once the program answers, and stops it by its PID", async () => {
    let polls = 0;
    const service = await startProgram({
      binary: process.execPath,
      args: ["-e", "setInterval(() => {}, 1000)"],
      answers: async () => ++polls >= 3,
    });
    expect(() => process.kill(service.pid, 0)).not.toThrow();
    await service.stop();
    expect(() => process.kill(service.pid, 0)).toThrow(/ESRCH/);
  });
});
