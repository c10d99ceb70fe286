import {
  configServeOptions,
  createLogger,
  type LogLevel,
  ModelRegistry,
  type ServeOptions,
  StreamConsumer,
  type StreamConsumerStats,
} from "@servekit/core";
import type { Command } from "commander";
import { CliError } from "../cli-error.js";
import { loadModels } from "../load-models.js";
import { optionFlag } from "../option-flag.js";
import { type ConsumeFlags, consumeFlag, consumeOptionsFrom } from "./consume-flags.js";

export interface ConsumeStreamOptions {
  /** Predictor targets (as `run` takes them); the first is the default model. */
  targets: string[];
  flags: ConsumeFlags;
  /** Flags that override the config's server options (`workers`, `logLevel`). */
  overrides?: ServeOptions;
  /** Resolves when consuming should stop (SIGTERM/SIGINT in the command). */
  until: Promise<unknown>;
  /** Where progress lines go. @default process.stderr */
  progress?: NodeJS.WritableStream;
  /** Every how many ms a progress line is printed (when something changed). @default 5000 */
  progressEveryMs?: number;
  cwd?: string;
}

/**
 * Runs the targets' predictors without HTTP and consumes a Redis stream
 * with them (a consumer group) until `until` resolves; then stops reading,
 * finishes and acknowledges what is in flight, and resolves with the counts.
 * Throws CliError when setup fails or Redis cannot be reached.
 *
 * @example
 * const stats = await consumeStream({
 *   targets: ["examples/yolov5"],
 *   flags: { redis: "redis://127.0.0.1:6379", stream: "images", group: "detectors" },
 *   until: once(process, "SIGTERM"),
 * });
 */
export async function consumeStream(options: ConsumeStreamOptions): Promise<StreamConsumerStats> {
  const progress = options.progress ?? process.stderr;
  const loaded = await loadModels(options.targets.length ? options.targets : ["."], options.cwd);
  const [first] = loaded.models;
  if (!first) throw new CliError(`${options.targets.join(" ")} names no predictor`);
  const { consume: fromConfig, ...config }: ServeOptions = {
    ...configServeOptions(loaded.config),
    ...first.serveOptions,
    ...withoutUndefined(options.overrides ?? {}),
  };
  const consumeOptions = consumeOptionsFrom(options.flags, fromConfig);
  const log =
    config.logger ?? createLogger({ level: config.logLevel ?? "info", name: first.predictor.name });
  const models = new ModelRegistry(
    loaded.models.map((m) => ({
      predictor: m.predictor,
      options: { ...m.options, predictorModule: m.predictorModule },
    })),
    { ...config, logger: log },
  );
  const consumer = new StreamConsumer(models, consumeOptions, { log });
  await models.ready;
  const failed = models.runtimes().filter((r) => r.health().status === "SETUP_FAILED");
  if (failed.length > 0) {
    await models.close();
    const { setup } = failed[0]!.health();
    throw new CliError(
      `setup of ${failed[0]!.predictor.name} failed: ${setup.error}${setup.logs ? `\nsetup logs:\n${setup.logs}` : ""}`,
    );
  }
  await consumer.start().catch(async (error: Error) => {
    await models.close();
    throw new CliError(error.message, 1, { cause: error });
  });
  const { stream, group, consumer: name, outputStream } = consumer.options;
  progress.write(
    `consuming ${stream} as ${name} in group ${group}; outputs go to ${outputStream}\n`,
  );
  let last = "";
  const timer = setInterval(() => {
    const line = progressLine(consumer.stats());
    if (line !== last) progress.write(`${line}\n`);
    last = line;
  }, options.progressEveryMs ?? 5_000);
  try {
    await options.until;
    progress.write("stopping: finishing the messages in flight\n");
    const graceMs = models.options.shutdownGraceMs;
    const drained = await consumer.stop(graceMs);
    await models.drain(graceMs);
    await models.close();
    const stats = consumer.stats();
    progress.write(`${progressLine(stats)}\n`);
    if (!drained)
      throw new CliError(
        `stopped after ${graceMs} ms with messages still in flight; they stay pending for other consumers`,
      );
    return stats;
  } finally {
    clearInterval(timer);
  }
}

/** "consumed 120 · succeeded 117 · failed 2 · dead-lettered 1 · in flight 3" */
function progressLine(stats: StreamConsumerStats): string {
  return `consumed ${stats.consumed} · succeeded ${stats.succeeded} · failed ${stats.failed} · dead-lettered ${stats.deadLettered} · in flight ${stats.inFlight}`;
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Resolves at the first SIGTERM or SIGINT. */
function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

/** `serve-cli consume`. */
export function registerConsumeCommand(program: Command): void {
  program
    .command("consume")
    .description("Consume a Redis stream with a predictor (a consumer group), without HTTP")
    .argument(
      "[targets...]",
      "predictor file, file:export, or directory with serve.config.ts (default .)",
    )
    .option(
      "--redis <url>",
      "Redis server, e.g. redis://127.0.0.1:6379 (default: $REDIS_URL)",
      consumeFlag("redis", "--redis"),
    )
    .option(
      "--stream <key>",
      "stream the input messages are added to",
      consumeFlag("stream", "--stream"),
    )
    .option(
      "--group <name>",
      "consumer group (created when missing)",
      consumeFlag("group", "--group"),
    )
    .option(
      "--consumer <name>",
      "this consumer's name in the group (default: <hostname>-<pid>)",
      consumeFlag("consumer", "--consumer"),
    )
    .option(
      "--output-stream <key>",
      "stream outputs go to (default: <stream>:out)",
      consumeFlag("outputStream", "--output-stream"),
    )
    .option(
      "--dead-letter-stream <key>",
      "stream failed messages go to (default: <stream>:dead)",
      consumeFlag("deadLetterStream", "--dead-letter-stream"),
    )
    .option(
      "--max-attempts <n>",
      "deliveries before a failing message is dead-lettered (default 3)",
      consumeFlag("maxAttempts", "--max-attempts"),
    )
    .option(
      "--claim-idle-ms <ms>",
      "claim messages pending this long from dead consumers (default 30000)",
      consumeFlag("claimIdleMs", "--claim-idle-ms"),
    )
    .option(
      "--model <name>",
      "model to predict with, with several targets (default: the first)",
      consumeFlag("model", "--model"),
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
    .addHelpText(
      "after",
      `
Input messages: a field \`input\` with the input as JSON, or one field per input field
(coerced like -i key=value); the field \`id\` (else the entry id) names the output.
Outputs: {id, output | error, model, version}. SIGTERM/SIGINT finish what is in flight, exit 0.

Examples:
  $ serve-cli consume examples/yolov5 --redis redis://127.0.0.1:6379 --stream images --group detectors -w 2
  $ redis-cli XADD images '*' id photo-1 input '{"image":"<base64>"}'
  $ redis-cli XRANGE images:out - +`,
    )
    .action(
      async (
        targets: string[],
        flags: ConsumeFlags & { workers?: number | "auto"; logLevel?: LogLevel },
      ) => {
        const { workers, logLevel, ...consumeFlags } = flags;
        await consumeStream({
          targets,
          flags: consumeFlags,
          overrides: { workers, logLevel },
          until: shutdownSignal(),
        });
      },
    );
}
