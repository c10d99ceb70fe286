import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { generateCompose } from "../container/compose.js";
import { type ComposeSpec, composeServiceName } from "../container/compose-spec.js";
import { generatedFilePath } from "../generated-file.js";
import { loadTarget, splitTarget } from "../load-target.js";

export interface ComposeOptions {
  /** Predictor file, file:export, or directory with serve.config.ts. @default "." */
  target?: string;
  /** Image the backend runs. @default "<predictor name>:latest", as `serve-cli build` tags it */
  image?: string;
  /** Port inside the container. @default the config's `port`, else 8000 */
  port?: number;
  /** Port published on the host. @default port */
  hostPort?: number;
  /** Extra environment of the backend. @default {} */
  env?: Record<string, string>;
  /** Adds the UI container. @default false */
  ui?: boolean;
  /** Host port of the UI. @default 8080 */
  uiPort?: number;
  /** Backend URL the UI's browser page calls. @default `http://localhost:<hostPort>` */
  uiApiUrl?: string;
  /** Seconds before failed health checks count while weights load. @default 120 */
  startPeriodSeconds?: number;
  /**
   * File to write (relative to `cwd`); "-" writes nothing (print the returned text).
   * @default docker-compose.yml in the target's directory (the project), not the current one
   */
  output?: string;
  /** Overwrite an existing output file. @default false */
  force?: boolean;
  cwd?: string;
}

/**
 * Writes a `docker-compose.yml` for a predictor's image; the service is named
 * after the predictor, and the port and stop grace period (`shutdownGraceMs`
 * + 5 s) come from its serve.config.ts. Returns the YAML and the path written
 * (undefined for `output: "-"`).
 *
 * @example
 * const { file } = await composeFile({ target: "examples/yolov5", image: "yolov5:latest", ui: true });
 */
export async function composeFile(
  options: ComposeOptions,
): Promise<{ yaml: string; file: string | undefined }> {
  const cwd = options.cwd ?? process.cwd();
  const output =
    options.output ?? resolve(projectDir(options.target ?? ".", cwd), "docker-compose.yml");
  // Checked before loading the predictor: a refusal should not wait on its imports.
  const file = generatedFilePath(output, cwd, options.force);
  const { predictor, config } = await loadTarget(options.target, cwd);
  const spec: ComposeSpec = {
    service: composeServiceName(predictor.name),
    image: options.image ?? `${predictor.name}:latest`,
    // Port 0 ("any free port") means nothing in a container: fall back to 8000.
    port: options.port ?? (config.port || 8000),
    hostPort: options.hostPort,
    env: options.env,
    startPeriodSeconds: options.startPeriodSeconds,
    // Docker's SIGKILL must come after the server's own drain deadline.
    stopGracePeriodSeconds:
      config.shutdownGraceMs === undefined
        ? undefined
        : Math.ceil(config.shutdownGraceMs / 1000) + 5,
    ui: options.ui ? { port: options.uiPort, apiUrl: options.uiApiUrl } : undefined,
  };
  const yaml = generateCompose(spec);
  if (file) await writeFile(file, yaml);
  return { yaml, file };
}

/** The folder a target's project lives in: the target itself when a directory, else its file's folder. */
function projectDir(target: string, cwd: string): string {
  const path = resolve(cwd, splitTarget(target).path);
  return existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
}

function parsePort(flag: string) {
  return (value: string): number => {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw usageError(`${flag} must be 1–65535, got ${value}`);
    }
    return port;
  };
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (value.trim() === "" || !Number.isFinite(seconds) || seconds < 0) {
    throw usageError(`--start-period must be a number of seconds ≥ 0, e.g. 300; got ${value}`);
  }
  return seconds;
}

function collectEnv(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw usageError(`--env takes NAME=value, e.g. --env LOG_LEVEL=debug; got ${value}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `serve-cli compose`. */
export function registerComposeCommand(program: Command): void {
  program
    .command("compose")
    .description("Write a docker-compose.yml for a predictor image (API, optionally the UI)")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .option(
      "-t, --image <name:tag>",
      "image to run, as `serve-cli build -t` tagged it (default: <predictor name>:latest)",
    )
    .option(
      "-p, --port <port>",
      "port inside the container (default: config, 8000)",
      parsePort("--port"),
    )
    .option(
      "--host-port <port>",
      "port published on the host (default: --port)",
      parsePort("--host-port"),
    )
    .option("--ui", "add a UI container (serve-cli ui) that waits for the API to be healthy")
    .option("--ui-port <port>", "host port of the UI (default 8080)", parsePort("--ui-port"))
    .option(
      "--ui-api-url <url>",
      "API URL the UI page calls from the browser (default http://localhost:<host-port>)",
    )
    .option(
      "--start-period <seconds>",
      "seconds for setup (loading weights) before failed health checks count (default 120)",
      parseSeconds,
    )
    .option(
      "-e, --env <NAME=value>",
      "environment of the API container (repeatable)",
      collectEnv,
      {},
    )
    .option(
      "-o, --output <file>",
      'file to write, or "-" for stdout (default: docker-compose.yml beside the target\'s serve.config.ts)',
    )
    .option("-f, --force", "overwrite the output file if it exists")
    .addHelpText(
      "after",
      `
The UI page runs in the browser, so it calls the API at a URL the browser can
reach (the published port), not at the compose hostname; the API is told to
allow the UI's origin with SERVEKIT_CORS_ORIGIN.

Examples:
  $ serve-cli build . -t yolov5:latest
  $ serve-cli compose . -t yolov5:latest --ui && docker compose up -d
  $ serve-cli compose examples/yolov5 -t yolov5:1.0 --host-port 9000 -e LOG_LEVEL=debug
  $ serve-cli compose . -t yolov5:latest -o - | less`,
    )
    .action(
      async (
        target: string,
        flags: {
          image?: string;
          port?: number;
          hostPort?: number;
          ui?: boolean;
          uiPort?: number;
          uiApiUrl?: string;
          startPeriod?: number;
          env?: Record<string, string>;
          output?: string;
          force?: boolean;
        },
      ) => {
        const { yaml, file } = await composeFile({
          target,
          ...flags,
          startPeriodSeconds: flags.startPeriod,
        });
        if (file) {
          const shown = relative(process.cwd(), file) || file;
          const where = dirname(shown) === "." ? "" : ` -f ${shown}`;
          process.stderr.write(`wrote ${shown}; start it with: docker compose${where} up -d\n`);
        } else process.stdout.write(yaml);
      },
    );
}
