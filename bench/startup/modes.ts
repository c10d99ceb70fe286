// The three ways the YOLOv5 demo starts, as the bench runs them: serve-cli
// run of the compiled build, serve-cli run of the sources through tsx, and
// serve() from code through tsx.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedPath } from "@servekit/test-kit";
import { DEMO_ENV, DEMO_NODE_FLAGS } from "../demo-process.js";
import type { StartCommand } from "./measure-start.js";

/** The demo's folder (examples/yolov5), next to bench/. */
export const EXAMPLE_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "examples",
  "yolov5",
);
const CLI = join(EXAMPLE_DIR, "node_modules", "@servekit", "cli", "bin", "serve-cli.js");
/** One prediction of bus.jpg per worker, sent the moment READY comes. */
const FIRST_PREDICTIONS: StartCommand["firstPredictions"] = {
  path: "/predict",
  body: Buffer.from(
    JSON.stringify({
      model: "yolov5n",
      image: readFileSync(sharedPath("images", "bus.jpg")).toString("base64"),
    }),
  ),
  count: 2,
};

/** serve-cli's switch that makes `run` pass over a compiled build. */
const NO_COMPILED_BUILD_ENV = "SERVEKIT_NO_COMPILED_BUILD";

export type ModeName = "compiled" | "tsx" | "code";
export const MODE_NAMES: readonly ModeName[] = ["compiled", "tsx", "code"];

/** A mode ready to measure, or why it cannot be. */
export type PreparedMode =
  | { name: ModeName; target: StartCommand; expectCompiledBuild?: boolean }
  | { name: ModeName; unavailable: string };

/**
 * Prepares `name`: `compiled` runs `serve-cli compile .` first (once per bench run).
 *
 * @example
 * const mode = prepareMode("compiled");
 * if (!("unavailable" in mode)) await measureStart(mode.target, 60_000);
 */
export function prepareMode(name: ModeName): PreparedMode {
  switch (name) {
    case "compiled": {
      const failed = compile();
      if (failed) return { name, unavailable: failed };
      return {
        name,
        target: cliRun({ [NO_COMPILED_BUILD_ENV]: "" }),
        expectCompiledBuild: true,
      };
    }
    case "tsx":
      return { name, target: cliRun({ [NO_COMPILED_BUILD_ENV]: "1" }), expectCompiledBuild: false };
    case "code":
      return {
        name,
        target: {
          command: process.execPath,
          args: [...DEMO_NODE_FLAGS, "--import", "tsx", "src/main.ts"],
          cwd: EXAMPLE_DIR,
          env: serverEnv({ [NO_COMPILED_BUILD_ENV]: "" }),
          firstPredictions: FIRST_PREDICTIONS,
        },
      };
    default: {
      const unknown: never = name;
      throw new Error(
        `unknown start-up mode ${String(unknown)}: use one of ${MODE_NAMES.join(", ")}`,
      );
    }
  }
}

function cliRun(extra: NodeJS.ProcessEnv): StartCommand {
  return {
    command: process.execPath,
    args: [...DEMO_NODE_FLAGS, CLI, "run", "."],
    cwd: EXAMPLE_DIR,
    env: serverEnv(extra),
    firstPredictions: FIRST_PREDICTIONS,
  };
}

/** `serve-cli compile .`; the reason the mode is unavailable when it fails. */
function compile(): string | undefined {
  try {
    execFileSync(process.execPath, [CLI, "compile", "."], {
      cwd: EXAMPLE_DIR,
      env: serverEnv({}),
      stdio: ["ignore", "pipe", "pipe"],
    });
    return undefined;
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "");
    if (/unknown command/i.test(stderr)) return "unavailable: serve-cli compile missing";
    return `unavailable: serve-cli compile failed: ${stderr.trim().split("\n")[0] ?? String(error)}`;
  }
}

/**
 * The server's environment: this one, with the demo's two workers, the shared
 * weights when SERVEKIT_SHARED_DIR is set, and nothing that would make the
 * process differ from a plain `node` start (this bench's own tsx loader in
 * NODE_OPTIONS, pnpm's lifecycle variables, which serve-cli reads).
 */
function serverEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...DEMO_ENV, WORKERS: "2", ...extra };
  if (env.NODE_OPTIONS?.includes("tsx")) delete env.NODE_OPTIONS;
  delete env.npm_lifecycle_event;
  delete env.INIT_CWD;
  const shared = process.env.SERVEKIT_SHARED_DIR;
  if (shared) env.SERVEKIT_WEIGHTS_DIR = join(shared, "models");
  return env;
}
