import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { COCO_LABELS } from "./coco-labels.js";
import { parseLabels } from "./labels.js";

// sha256 of Darknet's coco.names (https://raw.githubusercontent.com/pjreddie/darknet/master/data/coco.names).
const COCO_NAMES_SHA256 = "634a1132eb33f8091d60f2c346ababe8b905ae08387037aed883953b7329af84";

describe("COCO_LABELS", () => {
  it("is exactly the pinned coco.names, one name a line", () => {
    const text = `${COCO_LABELS.join("\n")}\n`;
    expect(createHash("sha256").update(text).digest("hex")).toBe(COCO_NAMES_SHA256);
    expect(parseLabels(text)).toEqual(COCO_LABELS);
  });
});
