import { writeFile } from "node:fs/promises";
import { createApp, createLogger, type ErrorBody, type LogLevel } from "@servekit/core";
import type { Command } from "commander";
import { CliError, usageError } from "../cli-error.js";
import {
  checkRequiredInputs,
  fieldsFromJsonSchema,
  fieldsFromPredictor,
  inputToJson,
  parseInputArgs,
} from "../input-args.js";
import { loadTarget } from "../load-target.js";
import { optionFlag } from "../option-flag.js";
import { printJson } from "../print-json.js";

export interface PredictOptions {
  /** File, file:export or directory; ignored with `url`. */
  target?: string;
  /** `key=value` pairs. */
  inputs: string[];
  /** A running server to send the prediction to, instead of running it here. */
  url?: string;
  logLevel?: LogLevel;
  cwd?: string;
}

/**
 * Runs one prediction: in-process (setup, then predict) or against a running
 * server with `url`. Returns the output; throws CliError (exit 2 for bad input).
 *
 * @example
 * const output = await predict({ target: "examples/yolov5", inputs: ["image=@bus.jpg"] });
 */
export async function predict(options: PredictOptions): Promise<unknown> {
  return options.url ? predictRemote(options.url, options) : predictLocal(options);
}

async function predictLocal(options: PredictOptions): Promise<unknown> {
  const { predictor, config, serveOptions } = await loadTarget(options.target, options.cwd);
  const fields = fieldsFromPredictor(predictor);
  const input = await parseInputArgs(options.inputs, fields, options.cwd);
  checkRequiredInputs(input, fields);
  const log = createLogger({
    level: options.logLevel ?? "warn",
    name: predictor.name,
    destination: "stderr",
  });
  // Only where setup finds its files carries over from the config: the rest is about serving.
  const weightsDir = serveOptions.weightsDir ?? config.weightsDir;
  const app = createApp(predictor, {
    workers: 0,
    logger: log,
    ...(weightsDir === undefined ? {} : { weightsDir }),
  });
  try {
    await app.lifecycle.ready;
    const health = app.lifecycle.health();
    if (health.status === "SETUP_FAILED") {
      throw new CliError(
        `setup of ${predictor.name} failed: ${health.setup.error}\n${health.setup.logs}`,
      );
    }
    const res = await app.request("/predict", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: inputToJson(input),
    });
    return await readOutput(res);
  } finally {
    await app.lifecycle.close();
  }
}

async function predictRemote(url: string, options: PredictOptions): Promise<unknown> {
  const base = url.replace(/\/+$/, "");
  const doc = await fetchJson(`${base}/openapi.json`);
  const schema = (doc as { components?: { schemas?: Record<string, object> } }).components?.schemas
    ?.Input;
  if (!schema)
    throw new CliError(`${base}/openapi.json has no Input schema; is ${base} a servekit server?`);
  const fields = fieldsFromJsonSchema(schema);
  const input = await parseInputArgs(options.inputs, fields, options.cwd);
  checkRequiredInputs(input, fields);
  const res = await fetch(`${base}/predict`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: inputToJson(input),
  }).catch((error: unknown) => {
    throw new CliError(`cannot reach ${base}: ${(error as Error).cause ?? error}`);
  });
  return readOutput(res);
}

async function fetchJson(url: string): Promise<unknown> {
  const res = await fetch(url).catch((error: unknown) => {
    throw new CliError(`cannot reach ${url}: ${(error as Error).cause ?? error}`);
  });
  if (!res.ok) throw new CliError(`${url} answered ${res.status}`);
  return res.json();
}

/** The output of a /predict response, or a CliError saying what went wrong (exit 2 for 4xx). */
async function readOutput(res: Response): Promise<unknown> {
  const body = (await res.json().catch(() => undefined)) as unknown;
  if (res.ok) return body;
  const error = (body as ErrorBody | undefined)?.error;
  const message = error?.message ?? `server answered ${res.status}`;
  throw res.status >= 400 && res.status < 500 && res.status !== 408
    ? usageError(message)
    : new CliError(message);
}

/** `serve-cli predict`. */
export function registerPredictCommand(program: Command): void {
  program
    .command("predict")
    .description("Run one prediction, in-process or against a running server (--url)")
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .option(
      "-i, --input <key=value>",
      "an input field; repeat for more; key=@path reads a file",
      collect,
      [],
    )
    .option("-u, --url <url>", "send the prediction to this server instead of running it here")
    .option("-o, --output <file>", "write the output JSON to a file instead of stdout")
    .option(
      "--log-level <level>",
      "log level of the in-process run (logs go to stderr)",
      optionFlag("logLevel", "--log-level"),
      "warn",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli predict examples/yolov5 -i image=@../shared/images/bus.jpg
  $ serve-cli predict predictor.ts -i text="hello world" -i count=3
  $ serve-cli predict --url http://127.0.0.1:8000 -i image=@photo.jpg -i confidence=0.5
  $ serve-cli predict model.ts:detector -i 'classes=["person","bus"]' -o out.json`,
    )
    .action(
      async (
        target: string,
        flags: { input: string[]; url?: string; output?: string; logLevel: LogLevel },
      ) => {
        const output = await predict({
          target,
          inputs: flags.input,
          ...(flags.url ? { url: flags.url } : {}),
          logLevel: flags.logLevel,
        });
        if (flags.output) await writeFile(flags.output, `${JSON.stringify(output, null, 2)}\n`);
        else printJson(output);
      },
    );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
