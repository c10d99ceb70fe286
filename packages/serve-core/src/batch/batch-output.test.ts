import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BatchOutput } from "./batch-output.js";

const dir = mkdtempSync(join(tmpdir(), "servekit-batch-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("BatchOutput", () => {
  it("knows the ids already written and whether each failed", async () => {
    const path = join(dir, "known.jsonl");
    writeFileSync(
      path,
      [
        JSON.stringify({ id: 1, output: {}, predict_time: 0.1 }),
        JSON.stringify({ id: "b", error: { code: "INVALID_INPUT", message: "no" } }),
        "hand-edited, not JSON",
        "",
      ].join("\n"),
    );
    const output = await BatchOutput.open(path);
    expect([...output.done]).toEqual([
      ["1", { failed: false }],
      ["b", { failed: true }],
    ]);
    expect(output.tornBytes).toBe(0);
    await output.close();
  });

  it("cuts off a torn last line, even one that parses, and appends after the last whole line", async () => {
    const path = join(dir, "torn.jsonl");
    const whole = `${JSON.stringify({ id: 1, output: 1, predict_time: 0 })}\n`;
    // A line without its newline was cut short, whatever it looks like.
    writeFileSync(path, `${whole}{"id":2,"output":2,"predict_time":0}`);
    const output = await BatchOutput.open(path);
    expect([...output.done.keys()]).toEqual(["1"]);
    expect(output.tornBytes).toBeGreaterThan(0);
    output.write({ id: 2, output: 22, predict_time: 0.5 });
    await output.close();
    expect(readFileSync(path, "utf8")).toBe(
      `${whole}${JSON.stringify({ id: 2, output: 22, predict_time: 0.5 })}\n`,
    );
  });

  it("creates the output and its folder when they do not exist", async () => {
    const path = join(dir, "new", "deeper", "out.jsonl");
    const output = await BatchOutput.open(path);
    expect(output.done.size).toBe(0);
    output.write({ id: "x", error: { code: "TIMEOUT", message: "slow" } });
    await output.close();
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({
      id: "x",
      error: { code: "TIMEOUT", message: "slow" },
    });
  });
});
