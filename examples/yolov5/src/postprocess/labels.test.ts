import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadLabels, parseLabels } from "./labels.js";

describe("parseLabels", () => {
  it("reads one name per line, ignoring CRLF, padding and trailing blank lines", () => {
    expect(parseLabels("person\r\n bicycle \ntraffic light\n\n")).toEqual([
      "person",
      "bicycle",
      "traffic light",
    ]);
  });

  it("refuses a blank line between names, which would shift class ids", () => {
    expect(() => parseLabels("person\n\nbicycle\n")).toThrow(/line 2 is blank/);
  });

  it("refuses an empty file", () => {
    expect(() => parseLabels("\n\n")).toThrow(/empty/);
  });
});

describe("loadLabels", () => {
  it("loads names from a file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "labels-"));
    const file = join(dir, "coco.names");
    await writeFile(file, "person\nbicycle\n");
    await expect(loadLabels(file)).resolves.toEqual(["person", "bicycle"]);
  });

  it("names the file it cannot read", async () => {
    await expect(loadLabels("/nonexistent/coco.names")).rejects.toThrow(
      "cannot read class names from /nonexistent/coco.names",
    );
  });
});
