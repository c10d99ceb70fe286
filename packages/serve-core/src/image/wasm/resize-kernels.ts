import { RESIZE_KERNELS_WASM } from "./resize-kernels-binary.js";

// Node has the WebAssembly global, but TypeScript declares it only in the DOM lib,
// which this package leaves out: the little used here, declared locally (no emit).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}

/** The exports of resize-kernels.wat. */
export interface ResizeKernels {
  memory: WebAssembly.Memory;
  bilinear(
    src: number,
    srcWidth: number,
    columnOffsets: number,
    columnWeights: number,
    dstWidth: number,
    dstStride: number,
    rowTable: number,
    dstHeight: number,
    rowBuffers: number,
    out: number,
  ): void;
  halve(
    src: number,
    srcWidth: number,
    dstWidth: number,
    dstStride: number,
    dstHeight: number,
    out: number,
  ): void;
}

/** Memory kept between calls; an instance that grew past it (a huge image) is dropped after use. */
const KEEP_BYTES = 64 * 1024 * 1024;
const PAGE = 65536;

let compiled: WebAssembly.Module | undefined;
let cached: ResizeKernels | undefined;

/**
 * Runs `use` with the resize kernels and at least `bytes` of linear memory.
 * One instance per thread (module state), reused while its memory stays small.
 */
export function withResizeKernels<T>(bytes: number, use: (kernels: ResizeKernels) => T): T {
  compiled ??= new WebAssembly.Module(Buffer.from(RESIZE_KERNELS_WASM, "base64"));
  const kernels =
    cached ?? (new WebAssembly.Instance(compiled).exports as unknown as ResizeKernels);
  cached = undefined;
  const missing = bytes - kernels.memory.buffer.byteLength;
  if (missing > 0) kernels.memory.grow(Math.ceil(missing / PAGE));
  const result = use(kernels);
  if (kernels.memory.buffer.byteLength <= KEEP_BYTES) cached = kernels;
  return result;
}

/** Byte offsets of consecutive 16-byte-aligned regions of the given sizes, and the total. */
export function layout(sizes: readonly number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let end = 0;
  for (const size of sizes) {
    offsets.push(end);
    end = Math.ceil((end + size) / 16) * 16;
  }
  return { offsets, total: end };
}
