import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import {
  configServeOptions,
  type LogLevel,
  type RunningServer,
  type ServeOptions,
  serve,
} from "@servekit/core";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { loadTarget } from "../load-target.js";
import { optionFlag } from "../option-flag.js";

export interface RunOptions {
  target?: string;
  /** Flags that override the config file. */
  overrides?: ServeOptions;
  cwd?: string;
}

/**
 * Serves a predictor with its config, then the options the module passed to
 * its own `serve()` call (taken over, never served twice), then the flags, each
 * overriding the one before; waits for setup and throws CliError if setup
 * fails, after printing its logs.
 *
 * @example
 * const server = await runServer({ target: "examples/yolov5", overrides: { port: 9000 } });
 */
export async function runServer(options: RunOptions): Promise<RunningServer> {
  const loaded = await loadTarget(options.target, options.cwd);
  const server = await serve(loaded.predictor, {
    ...configServeOptions(loaded.config),
    ...loaded.serveOptions,
    ...withoutUndefined(options.overrides ?? {}),
    predictorModule: loaded.predictorModule,
  });
  printBanner(loaded.predictor.name, server.url, loaded.config.ui ?? options.overrides?.ui ?? true);
  await server.ready;
  const health = server.app.lifecycle.health();
  if (health.status === "SETUP_FAILED") {
    await server.close();
    throw new CliError(
      `setup of ${loaded.predictor.name} failed: ${health.setup.error}${health.setup.logs ? `\nsetup logs:\n${health.setup.logs}` : ""}`,
    );
  }
  process.stderr.write(`ready: ${loaded.predictor.name} is accepting predictions\n`);
  return server;
}

function printBanner(name: string, url: string, ui: boolean): void {
  process.stderr.write(
    [
      "",
      `  servekit · ${name}`,
      `  API      ${url}/predict`,
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
    .description("Serve a predictor over HTTP (flags override serve.config.ts)")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
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
    .option("--watch", "restart when the predictor's source files change")
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli run                          # ./serve.config.ts or ./predictor.ts
  $ serve-cli run examples/yolov5 --port 9000 --workers 2
  $ serve-cli run model.ts:detector --watch`,
    )
    .action(
      async (
        target: string,
        flags: {
          port?: number;
          host?: string;
          workers?: number | "auto";
          logLevel?: LogLevel;
          watch?: boolean;
        },
      ) => {
        if (flags.watch) {
          await runWatching(process.argv.slice(2).filter((arg) => arg !== "--watch"));
          return;
        }
        const envPort = process.env.PORT ? optionFlag("port", "PORT")(process.env.PORT) : undefined;
        await runServer({
          target,
          overrides: {
            port: flags.port ?? envPort,
            host: flags.host,
            workers: flags.workers,
            logLevel: flags.logLevel,
          },
        });
      },
    );
}
