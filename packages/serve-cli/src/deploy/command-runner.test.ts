import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { createCommandRunner } from "./command-runner.js";

const node = process.execPath;

describe("createCommandRunner", () => {
  it("runs a program without a shell and returns its exit code and output", async () => {
    const lines: string[] = [];
    const result = await createCommandRunner().run(
      [
        node,
        "-e",
        "console.log('out $HOME');console.error('err');process.stdout.write('tail');process.exit(3)",
      ],
      { onOutput: (line) => lines.push(line) },
    );
    expect(result).toEqual({ code: 3, stdout: "out $HOME\ntail", stderr: "err\n" });
    expect(lines.sort()).toEqual(["err", "out $HOME", "tail"]);
  });

  it("passes the environment it was given", async () => {
    const runner = createCommandRunner({ env: { ...process.env, SERVEKIT_PROBE: "42" } });
    const result = await runner.run([
      node,
      "-e",
      "process.stdout.write(process.env.SERVEKIT_PROBE)",
    ]);
    expect(result.stdout).toBe("42");
  });

  it("turns a program missing from PATH into a CliError with an install hint", async () => {
    const runner = createCommandRunner({ env: { PATH: "/nonexistent" } });
    const error = await runner.run(["gcloud", "--version"]).catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      "`gcloud` was not found on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install), then run `gcloud auth login`",
    );
  });
});
