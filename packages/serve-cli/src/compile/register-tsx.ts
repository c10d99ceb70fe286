import { fileURLToPath } from "node:url";

let registered: Promise<void> | undefined;

/**
 * Registers tsx once in this process, so TypeScript imports load without a
 * build step; pool workers find the same tsx through SERVEKIT_TSX_API.
 * Commands that can run a compiled build call it only when they import
 * TypeScript.
 *
 * @example
 * await registerTsx();
 * await import("./predictor.ts");
 */
export function registerTsx(): Promise<void> {
  registered ??= (async () => {
    const { register } = await import("tsx/esm/api");
    register();
    process.env.SERVEKIT_TSX_API ??= fileURLToPath(import.meta.resolve("tsx/esm/api"));
  })();
  return registered;
}
