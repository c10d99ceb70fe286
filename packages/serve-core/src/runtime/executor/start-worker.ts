import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type ResourceLimits, Worker, type WorkerOptions } from "node:worker_threads";
import { ServeError } from "../../errors.js";
import type { WorkerBoot } from "./worker-protocol.js";

/** The worker entry beside this module: built `.js` in dist, `.ts` when run from source. */
function workerEntry(): URL {
  const built = new URL("./worker-main.js", import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL("./worker-main.ts", import.meta.url);
}

const TYPESCRIPT = /\.(c|m)?tsx?$/;

// Registers tsx inside the worker before importing the entry: on Node 20 the
// tsx loader inherited through execArgv only registers on the main thread.
const TS_BOOTSTRAP = `
const { workerData } = await import("node:worker_threads");
const api = await import(workerData.tsxApi);
(api.register ?? api.default.register)();
await import(workerData.entry);
`;

/**
 * Starts a pool worker thread on the entry, through tsx when TypeScript must
 * be loaded. With `maxOldSpaceMb` > 0 its heap is capped there: a prediction
 * that outgrows it ends its worker (`ERR_WORKER_OUT_OF_MEMORY`), not the process.
 */
export function startWorker(boot: WorkerBoot, maxOldSpaceMb: number): Worker {
  const resourceLimits: ResourceLimits =
    maxOldSpaceMb > 0 ? { maxOldGenerationSizeMb: maxOldSpaceMb } : {};
  const entry = workerEntry();
  const needsTypeScript = TYPESCRIPT.test(entry.pathname) || TYPESCRIPT.test(boot.moduleUrl);
  if (!needsTypeScript) return newWorker(entry, { workerData: boot, resourceLimits });
  return newWorker(new URL(`data:text/javascript,${encodeURIComponent(TS_BOOTSTRAP)}`), {
    workerData: {
      ...boot,
      entry: entry.href,
      tsxApi: pathToFileURL(resolveTsxApi(boot.moduleUrl)).href,
    },
    resourceLimits,
  });
}

/**
 * Inside a worker, `@servekit/core` resolves to its worker entry (the
 * "servekit-worker" export condition): what predictor modules need, without
 * the HTTP server (see worker-entry.ts).
 */
const WORKER_CONDITION = "--conditions=servekit-worker";

/** The parent's flags a worker accepts, learnt from the first start. */
let inheritedFlags: string[] | undefined;

/**
 * A worker with the parent's Node flags plus {@link WORKER_CONDITION}. Given
 * explicitly, `execArgv` must hold no V8 or process-wide flags (the
 * `--initial-old-space-size` the docs advise, say), which Node names in its
 * error: those are left out, as Node does when a worker inherits them.
 */
function newWorker(url: URL, options: WorkerOptions): Worker {
  if (inheritedFlags !== undefined) {
    return new Worker(url, { ...options, execArgv: [...inheritedFlags, WORKER_CONDITION] });
  }
  try {
    const worker = new Worker(url, {
      ...options,
      execArgv: [...process.execArgv, WORKER_CONDITION],
    });
    inheritedFlags = process.execArgv;
    return worker;
  } catch (error) {
    if ((error as { code?: string }).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
    const refused = new Set(
      String((error as Error).message)
        .replace(/^[^:]*:\s*/, "")
        .split(/,\s*/),
    );
    inheritedFlags = process.execArgv.filter((flag) => !refused.has(flag));
    return new Worker(url, { ...options, execArgv: [...inheritedFlags, WORKER_CONDITION] });
  }
}

function resolveTsxApi(moduleUrl: string): string {
  // Set by serve-cli, which carries tsx itself.
  if (process.env.SERVEKIT_TSX_API) return process.env.SERVEKIT_TSX_API;
  for (const base of [import.meta.url, pathToFileURL(`${process.cwd()}/`).href]) {
    try {
      // The ESM build of tsx's register API, as its package.json exports map names it.
      const manifest = createRequire(base).resolve("tsx/package.json");
      const exportsMap = JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"];
      return join(dirname(manifest), exportsMap.import.default);
    } catch {
      // try the next place
    }
  }
  throw new ServeError(
    "INTERNAL",
    `worker threads need the "tsx" package to load TypeScript (${moduleUrl}); install it (npm i tsx) or point to built JavaScript`,
  );
}
