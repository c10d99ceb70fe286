import { describe, expect, it } from "vitest";
import { compileResizeKernels } from "./compile-resize-kernels.js";
import { layout } from "./resize-kernels.js";
import { RESIZE_KERNELS_WASM } from "./resize-kernels-binary.js";

describe("resize kernels", () => {
  it("embeds the binary that resize-kernels.wat assembles to (regenerate after editing the .wat)", async () => {
    const wasm = await compileResizeKernels();
    expect(Buffer.from(wasm).toString("base64")).toBe(RESIZE_KERNELS_WASM);
  });

  it("lays buffers out on 16-byte boundaries", () => {
    expect(layout([5, 0, 16, 1])).toEqual({ offsets: [0, 16, 16, 32], total: 48 });
  });
});
