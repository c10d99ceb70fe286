import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { collectOutput } from "./child-output.js";

describe("collectOutput", () => {
  it("collects stdout, stderr and the exit code", async () => {
    const child = spawn(process.execPath, [
      "-e",
      "console.log('out'); console.error('err'); process.exitCode = 4",
    ]);
    expect(await collectOutput(child, 10_000)).toEqual({
      code: 4,
      stdout: "out\n",
      stderr: "err\n",
    });
  });

  it("kills a process that runs past the timeout, keeping what it printed", async () => {
    const child = spawn(process.execPath, [
      "-e",
      "console.log('started'); setInterval(() => {}, 1000)",
    ]);
    const result = await collectOutput(child, 2_000);
    expect(result).toEqual({ code: null, stdout: "started\n", stderr: "" });
    expect(child.signalCode).toBe("SIGKILL");
  });

  it("rejects when the program cannot be started", async () => {
    const child = spawn("/nonexistent/servekit-program", []);
    await expect(collectOutput(child, 1_000)).rejects.toThrow("ENOENT");
  });
});
