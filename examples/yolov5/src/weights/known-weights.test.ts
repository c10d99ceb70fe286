import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWN_WEIGHTS, type WeightsFileName } from "./known-weights.js";
import { resolveLocations } from "./weights-options.js";

const sharedModels = resolveLocations().locations.find((l) => l.source === "shared")?.dir;

describe("KNOWN_WEIGHTS", () => {
  it.skipIf(sharedModels === undefined || !existsSync(join(sharedModels, "yolov5n.onnx")))(
    "matches the team's shared copies byte for byte",
    () => {
      for (const [name, known] of Object.entries(KNOWN_WEIGHTS)) {
        const bytes = readFileSync(join(sharedModels!, name as WeightsFileName));
        expect(bytes.length, name).toBe(known.bytes);
        expect(createHash("sha256").update(bytes).digest("hex"), name).toBe(known.sha256);
      }
    },
  );
});
