import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type FileServer, serveBytes, startFileServer } from "@servekit/test-kit";

/** The bytes the loopback server serves as /model.bin, and their sha256. */
export const MODEL_BYTES = Buffer.from("tiny model weights ".repeat(4096));
export const MODEL_SHA256 = createHash("sha256").update(MODEL_BYTES).digest("hex");

/** This checkout's @servekit/core, linked into the project's node_modules. */
const CORE = fileURLToPath(new URL("../../../../serve-core", import.meta.url));

const PREDICTOR = `import { definePredictor, z } from "@servekit/core";

const env = process.env;
export const predictor = definePredictor({
  name: "tiny",
  version: "1.0",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  weights: {
    model: {
      url: \`\${env.TINY_WEIGHTS_URL}model.bin\`,
      sha256: env.TINY_SHA256 ?? "${MODEL_SHA256}",
      ...(env.TINY_SIZE ? { size: Number(env.TINY_SIZE) } : {}),
    },
  },
  predict: () => ({ ok: true }),
});

export const bare = definePredictor({
  name: "bare",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  predict: () => ({ ok: true }),
});
`;

/** A temp predictor project, a cache folder and the loopback server its weights come from. */
export interface WeightsProject {
  dir: string;
  cacheDir: string;
  server: FileServer;
  /** Environment for the CLI: the server's URL, the cache, no override folder. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Writes a project whose serve.config.ts serves `tiny` (declares
 * `model` → /model.bin on a loopback server) and `bare` (declares nothing),
 * with package.json and a lockfile as `serve-cli dockerfile` wants.
 *
 * @example
 * const project = await weightsProject();
 * await runCli(["weights", "pull", project.dir], { env: project.env });
 */
export async function weightsProject(): Promise<WeightsProject> {
  // Outside the workspace (a project of its own, as `build` sees it), with core linked in.
  const dir = mkdtempSync(join(tmpdir(), "servekit-weights-project-"));
  mkdirSync(join(dir, "node_modules", "@servekit"), { recursive: true });
  symlinkSync(CORE, join(dir, "node_modules", "@servekit", "core"), "dir");
  const cacheDir = join(dir, ".cache-dir");
  mkdirSync(cacheDir);
  const files: Record<string, string> = {
    "package.json": JSON.stringify({
      name: "tiny-weights",
      private: true,
      type: "module",
      dependencies: { "@servekit/cli": "*", "@servekit/core": "*" },
    }),
    "package-lock.json": JSON.stringify({ name: "tiny-weights", lockfileVersion: 3, packages: {} }),
    "predictor.ts": PREDICTOR,
    "serve.config.ts": `export default { models: [{ entry: "predictor.ts:predictor" }, { entry: "predictor.ts:bare" }] };\n`,
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  const server = await startFileServer({ "/model.bin": serveBytes(MODEL_BYTES, 8) });
  return {
    dir,
    cacheDir,
    server,
    env: {
      TINY_WEIGHTS_URL: server.url,
      SERVEKIT_CACHE_DIR: cacheDir,
      SERVEKIT_WEIGHTS_DIR: "",
      SERVEKIT_OFFLINE: "",
    },
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
