import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import initWabt from "wabt";

const WAT = new URL("./resize-kernels.wat", import.meta.url);
const BINARY_MODULE = new URL("./resize-kernels-binary.ts", import.meta.url);

/**
 * Assembles resize-kernels.wat (dev-time only: wabt is a devDependency).
 *
 * @example
 * const wasm = await compileResizeKernels(); // the bytes embedded in resize-kernels-binary.ts
 */
export async function compileResizeKernels(): Promise<Uint8Array> {
  const wabt = await initWabt();
  const module = wabt.parseWat("resize-kernels.wat", await readFile(WAT, "utf8"), { simd: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

/** The TypeScript module that embeds `wasm`, as base64. */
export function binaryModuleSource(wasm: Uint8Array): string {
  return [
    "// Generated from resize-kernels.wat by compile-resize-kernels.ts: do not edit.",
    `export const RESIZE_KERNELS_WASM = "${Buffer.from(wasm).toString("base64")}";`,
    "",
  ].join("\n");
}

// `npx tsx packages/serve-core/src/image/wasm/compile-resize-kernels.ts` rewrites the embedded binary.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const wasm = await compileResizeKernels();
  await writeFile(BINARY_MODULE, binaryModuleSource(wasm));
  process.stdout.write(`wrote ${fileURLToPath(BINARY_MODULE)} (${wasm.length} bytes of wasm)\n`);
}
