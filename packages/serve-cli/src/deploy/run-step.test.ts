import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import { createCommandRunner } from "./command-runner.js";
import { runStep, tail } from "./run-step.js";

const node = process.execPath;
const printing = (text: string, code = 0) => [
  node,
  "-e",
  `process.stdout.write(${JSON.stringify(text)});process.exit(${code})`,
];

describe("runStep", () => {
  it("logs the step and its command, and shows the output unless the deploy reads it or it may hold secrets", async () => {
    const runner = createCommandRunner();
    const shown: string[] = [];
    await runStep(runner, { description: "Push", argv: printing("pushed\n") }, (l) =>
      shown.push(l),
    );
    expect(shown[0]).toBe("→ Push");
    expect(shown[1]).toMatch(/^ {2}\$ .*node/);
    expect(shown[2]).toBe("    pushed");

    const hidden: string[] = [];
    const read = await runStep(
      runner,
      { description: "Read the URL", argv: printing("https://x.run.app\n"), reads: "service-url" },
      (l) => hidden.push(l),
    );
    await runStep(
      runner,
      { description: "Set config vars", argv: printing("API_KEY: s3cret\n"), hideOutput: true },
      (l) => hidden.push(l),
    );
    expect(read.stdout).toBe("https://x.run.app\n");
    // Only the description and the command line: no output lines.
    expect(hidden.filter((l) => l.startsWith("    "))).toEqual([]);
    expect(hidden).toHaveLength(4);
  });

  it("fails with the command and the last lines of its output", async () => {
    const step = { description: "Deploy", argv: printing("quota exceeded\n", 3) };
    const error = await runStep(createCommandRunner(), step, () => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(
      /^step "Deploy" failed: `.*` exited 3:\nquota exceeded$/,
    );
  });
});

describe("tail", () => {
  it("keeps the last lines, marking what it cut", () => {
    expect(tail("a\nb\nc\n", 2)).toBe("…\nb\nc");
    expect(tail("")).toBe("(no output)");
  });
});
