import { describe, expect, it } from "vitest";
import { formatBytes } from "./format-bytes.js";

describe("formatBytes", () => {
  it("reads as bytes, KB, MB and GB in powers of 1024", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(77_824)).toBe("76.0 KB");
    expect(formatBytes(3_963_249)).toBe("3.8 MB");
    expect(formatBytes(1.25 * 1024 ** 3)).toBe("1.25 GB");
  });
});
