import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { KNOWN_WEIGHTS } from "../weights/known-weights.js";
import { COCO_LABELS } from "./coco-labels.js";
import { parseLabels } from "./labels.js";

describe("COCO_LABELS", () => {
  it("is exactly the pinned coco.names, one name a line", () => {
    const text = `${COCO_LABELS.join("\n")}\n`;
    expect(createHash("sha256").update(text).digest("hex")).toBe(
      KNOWN_WEIGHTS["coco.names"].sha256,
    );
    expect(parseLabels(text)).toEqual(COCO_LABELS);
  });
});
