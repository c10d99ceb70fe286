import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { missingProviderLibrary } from "./provider-library.js";

const LOAD_SESSION = fileURLToPath(new URL("./load-session.ts", import.meta.url));
const TINY_MODEL = fileURLToPath(new URL("../test-support/tiny-onnx-model.ts", import.meta.url));

/** Runs a script in a fresh node (onnxruntime's native logger writes to fd 2, out of vitest's reach). */
function runNode(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

// The npm package ships CPU binaries only; where CUDA's libraries are installed there is nothing to skip.
describe.skipIf(missingProviderLibrary("cuda") === undefined)(
  "loadSession without CUDA's libraries",
  () => {
    it("falls back to the CPU through our logger, with no ERROR line from onnxruntime on stderr", async () => {
      const { code, stdout, stderr } = await runNode(`
      const { loadSession } = await import(${JSON.stringify(LOAD_SESSION)});
      const { buildTinyModel } = await import(${JSON.stringify(TINY_MODEL)});
      const loaded = await loadSession(buildTinyModel().bytes, {
        executionProviders: ["cuda", "cpu"],
        intraOpNumThreads: 1,
        log: { warn: (_fields, message) => console.log("warn:", message) },
      });
      console.log("providers:", loaded.executionProviders.join());
    `);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(
        /warn: execution provider cuda is not installed .*falling back to cpu/,
      );
      expect(stdout).toContain("providers: cpu");
      expect(stderr).not.toMatch(/onnxruntime/i);
    });
  },
);
