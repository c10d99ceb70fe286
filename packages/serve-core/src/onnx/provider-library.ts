import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** Providers that onnxruntime-node loads from a shared library beside its binary. */
const LIBRARY_PROVIDERS = new Set(["cuda", "tensorrt"]);

/**
 * The shared library an execution provider needs that is not installed, if
 * any: the npm package ships CPU binaries only, and creating a session with
 * `cuda` without its libraries fails after onnxruntime printed an ERROR
 * line of its own to stderr (which no session option silences: it comes
 * from the process-wide logger). Checking the files first keeps that line
 * out; the fallback is logged through our logger instead. Undefined for
 * providers that need no library, or when the binary's folder is not where
 * this version of onnxruntime-node keeps it (then the provider is tried).
 *
 * @example
 * missingProviderLibrary("cuda") // ".../bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so"
 */
export function missingProviderLibrary(provider: string): string | undefined {
  if (!LIBRARY_PROVIDERS.has(provider)) return undefined;
  const dir = bindingDir();
  if (dir === undefined) return undefined;
  const [prefix, suffix] =
    process.platform === "win32"
      ? ["", ".dll"]
      : process.platform === "darwin"
        ? ["lib", ".dylib"]
        : ["lib", ".so"];
  return ["shared", provider]
    .map((name) => join(dir, `${prefix}onnxruntime_providers_${name}${suffix}`))
    .find((file) => !existsSync(file));
}

function bindingDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
    const dir = join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
    return existsSync(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
