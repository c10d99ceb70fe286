import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import {
  configServeOptions,
  type LogLevel,
  type ModelInfo,
  type ModelRuntime,
  type RunningServer,
  type ServeOptions,
  serve,
} from "@servekit/core";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { NO_COMPILED_BUILD_ENV, takeCompiledBuildNotes } from "../compile/compiled-build.js";
import { loadModels } from "../load-models.js";
import { optionFlag } from "../option-flag.js";

export interface RunOptions {
  /** One target: a file, `file:export`, or a directory with serve.config.ts. */
  target?: string;
  /** Several targets served by one server, the first the default model (instead of `target`). */
  targets?: string[];
  /** Flags that override the config file. */
  overrides?: ServeOptions;
  cwd?: string;
}

/**
 * Serves the predictors the targets name (one, or several in one server:
 * the first is the default model) with the first target's config, then the
 * options its module passed to its own `serve()` call (taken over, never
 * served twice), then the flags, each overriding the one before; a model's
 * own `options` in the config's `models` override all three. Waits for
 * setup and throws CliError if any model's setup fails, after printing its logs.
 *
 * @example
 * const server = await runServer({ target: "examples/yolov5", overrides: { port: 9000 } });
 * const both = await runServer({ targets: ["fp32.ts", "fp16.ts"] });
 */
export async function runServer(options: RunOptions): Promise<RunningServer> {
  const targets = options.targets?.length ? options.targets : [options.target ?? "."];
  const loaded = await loadModels(targets, options.cwd);
  // Stack traces of a compiled build point at its .ts sources; only after the
  // imports, as definePredictor reads its module's URL from the stack.
  process.setSourceMapsEnabled(true);
  for (const note of takeCompiledBuildNotes()) process.stderr.write(`${note}\n`);
  const [first, ...others] = loaded.models;
  if (!first) throw new CliError(`${targets.join(" ")} names no predictor`);
  for (const file of loaded.unusedConfigFiles)
    process.stderr.write(
      `note: the server options in ${file} are not used: one server takes them from the first target${loaded.configFile ? ` (${loaded.configFile})` : ""} and the flags\n`,
    );
  const { predictorModule: _module, ...serverOptions }: ServeOptions = {
    ...configServeOptions(loaded.config),
    ...first.serveOptions,
    ...withoutUndefined(options.overrides ?? {}),
  };
  // Each model's pool workers import its own module.
  const server =
    others.length === 0 && Object.keys(first.options).length === 0
      ? await serve(first.predictor, { ...serverOptions, predictorModule: first.predictorModule })
      : await serve(
          loaded.models.map((m) => ({
            predictor: m.predictor,
            options: { ...m.options, predictorModule: m.predictorModule },
          })),
          serverOptions,
        );
  const ui = loaded.config.ui ?? options.overrides?.ui ?? true;
  printBanner(server, ui);
  await server.ready;
  const failed = server.models.runtimes().filter((r) => r.health().status === "SETUP_FAILED");
  if (failed.length > 0) {
    await server.close();
    const several = server.models.runtimes().length > 1;
    throw new CliError(failed.map((runtime) => setupFailure(runtime, several)).join("\n"));
  }
  process.stderr.write(`ready: ${servedModels(server)} accepting predictions\n`);
  return server;
}

function setupFailure(runtime: ModelRuntime, several: boolean): string {
  const { setup } = runtime.health();
  const { name, version } = runtime.predictor;
  return `setup of ${name}${several ? ` ${version}` : ""} failed: ${setup.error}${setup.logs ? `\nsetup logs:\n${setup.logs}` : ""}`;
}

/** "echo is" for one model; "yolov5 (fp32, fp16), echo (1.0.0) are" for several. */
function servedModels(server: RunningServer): string {
  const models = server.models.list();
  if (models.length === 1 && models[0]!.versions.length === 1) return `${models[0]!.name} is`;
  const named = models.map((m) => `${m.name} (${versionList(m)})`);
  return `${named.join(", ")} are`;
}

function versionList(model: ModelInfo): string {
  return model.versions.map((v) => v.version).join(", ");
}

function printBanner(server: RunningServer, ui: boolean): void {
  const { url } = server;
  const models = server.models.list();
  const several = models.length > 1;
  const only = models[0]!;
  const title = several
    ? `${models.length} models`
    : `${only.name}${only.versions.length > 1 ? ` (${versionList(only)})` : ""}`;
  const width = Math.max(8, ...models.map((m) => m.name.length));
  const perModel = several
    ? models.map(
        (m) =>
          `  ${m.name.padEnd(width)} ${url}/models/${encodeURIComponent(m.name)}/predict (${versionList(m)})`,
      )
    : [];
  process.stderr.write(
    [
      "",
      `  servekit · ${title}`,
      `  API      ${url}/predict${several ? ` (default: ${server.models.defaultModel})` : ""}`,
      ...perModel,
      ...(several || only.versions.length > 1 ? [`  Models   ${url}/models`] : []),
      `  Docs     ${url}/docs`,
      `  OpenAPI  ${url}/openapi.json`,
      `  Health   ${url}/health`,
      ...(ui ? [`  UI       ${url}/ui`] : []),
      "",
      "",
    ].join("\n"),
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Re-runs this command under `tsx watch`, which restarts it when an imported
 * file changes; resolves when the watcher stops.
 */
function runWatching(args: string[]): Promise<void> {
  const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
  const child = spawn(
    process.execPath,
    [tsxCli, "watch", "--clear-screen=false", process.argv[1]!, ...args],
    {
      stdio: "inherit",
      // The watcher reloads the sources: a compiled build must not stand in for them.
      env: { ...process.env, [NO_COMPILED_BUILD_ENV]: "1" },
    },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.once("SIGTERM", forward);
  return new Promise((resolve, reject) => {
    child.on("exit", (code, signal) => {
      process.off("SIGTERM", forward);
      if (code === 0 || signal) resolve();
      else reject(new CliError(`the watched server exited with code ${code}`));
    });
  });
}

/** `serve-cli run`. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("Serve one predictor or several over HTTP (flags override serve.config.ts)")
    .argument(
      "[targets...]",
      "predictor file, file:export, or directory with serve.config.ts (default .); several: one server, the first the default model",
    )
    .option(
      "-p, --port <port>",
      "port to listen on (default: config, $PORT, 8000)",
      optionFlag("port", "--port"),
    )
    .option(
      "-H, --host <host>",
      "interface to bind (default 0.0.0.0)",
      optionFlag("host", "--host"),
    )
    .option(
      "-w, --workers <n>",
      'worker threads for predictions: 0 (inline), n, or "auto"',
      optionFlag("workers", "--workers"),
    )
    .option(
      "--log-level <level>",
      "trace, debug, info, warn, error, fatal or silent",
      optionFlag("logLevel", "--log-level"),
    )
    .option(
      "--store <url>",
      'where async predictions live: "memory", or redis://HOST:PORT shared by replicas (default: config, $SERVEKIT_STORE, memory)',
      optionFlag("store", "--store"),
    )
    .option("--watch", "restart when the predictor's source files change")
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli run                          # ./serve.config.ts or ./predictor.ts
  $ serve-cli run examples/yolov5 --port 9000 --workers 2
  $ serve-cli run model.ts:detector --watch
  $ serve-cli run fp32.ts fp16.ts             # two versions (or models) in one server
  $ serve-cli run --store redis://redis:6379  # replicas share async predictions`,
    )
    .action(
      async (
        targets: string[],
        flags: {
          port?: number;
          host?: string;
          workers?: number | "auto";
          logLevel?: LogLevel;
          store?: string;
          watch?: boolean;
        },
      ) => {
        if (flags.watch) {
          await runWatching(process.argv.slice(2).filter((arg) => arg !== "--watch"));
          return;
        }
        const envPort = process.env.PORT ? optionFlag("port", "PORT")(process.env.PORT) : undefined;
        await runServer({
          targets,
          overrides: {
            port: flags.port ?? envPort,
            host: flags.host,
            workers: flags.workers,
            logLevel: flags.logLevel,
            store: flags.store,
          },
        });
      },
    );
}
