import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectOutput } from "@servekit/test-kit";
import { afterAll, describe, expect, it } from "vitest";
import { expectMatches } from "./match-detections.js";
import { type ReferenceDetection, referenceFor, sharedImagePath } from "./reference.js";

const CLI = fileURLToPath(
  new URL("../node_modules/@servekit/cli/bin/serve-cli.js", import.meta.url),
);
const EXAMPLE = fileURLToPath(new URL("..", import.meta.url));

interface Line {
  id: string;
  output?: { detections: ReferenceDetection[]; image: { width: number; height: number } };
  error?: { code: string; message: string };
  predict_time?: number;
}

/** `serve-cli batch examples/yolov5 …` as a user runs it, with a pool of one worker. */
function batch(args: string[]) {
  const child = spawn(process.execPath, [CLI, "batch", EXAMPLE, "--workers", "1", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child, 120_000);
}

describe("serve-cli batch over a folder of images with the YOLOv5 example", () => {
  // Links to the shared photos (never copies), and one file that is no image.
  const dir = mkdtempSync(join(tmpdir(), "servekit-yolov5-batch-"));
  const folder = join(dir, "photos");
  const more = sharedImagePath("more");
  const photos = readdirSync(more).filter((name) => name.endsWith(".jpg"));
  mkdirSync(folder);
  for (const name of photos) symlinkSync(join(more, name), join(folder, name));
  writeFileSync(join(folder, "notes.jpg"), "these are not pixels");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes each photo's detections (as the reference pipeline finds them) and an error line for the file that is no image", async () => {
    const output = join(dir, "detections.jsonl");
    const result = await batch(["--input", folder, "-o", output]);
    expect(result.code).toBe(1);
    const lines = readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Line);
    expect(lines.map((line) => line.id).sort()).toEqual([...photos, "notes.jpg"].sort());
    for (const name of photos) {
      const line = lines.find((l) => l.id === name)!;
      expect(line.predict_time).toBeGreaterThan(0);
      expectMatches(line.output!.detections, referenceFor(`more/${name}`, "yolov5n").detections, {
        px: 1,
        confidence: 0.005,
      });
    }
    const bad = lines.find((line) => line.id === "notes.jpg");
    expect(bad?.error?.code).toBe("INVALID_INPUT");
    expect(bad?.error?.message).toContain("not an image");

    // A rerun finds every file done: nothing runs, nothing is written twice.
    const again = await batch(["--input", folder, "-o", output]);
    expect(again.stderr).toContain(`batch: 0 of ${photos.length + 1} rows to run`);
    expect(readFileSync(output, "utf8").trim().split("\n")).toHaveLength(photos.length + 1);
  });
});
