import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { policyTable } from "../policy-table.js";
import { printJson } from "../print-json.js";
import {
  type ModelPolicy,
  type ReleaseAction,
  type ReleaseActionFlags,
  releaseAction,
  trafficChangeFor,
} from "../release-change.js";
import { releaseClient } from "../release-client.js";

export interface ReleaseOptions {
  /** The running server, e.g. "http://127.0.0.1:8000". */
  url: string;
  /** The model whose traffic moves. */
  model: string;
  action: ReleaseAction;
  /** One of the server's admin keys; `--show` needs none. */
  apiKey?: string | undefined;
}

/**
 * Moves a model's traffic on a running server (or only reads it, `show`)
 * and returns the model's policy after the change. A refusal throws
 * CliError (exit 1) saying what to do.
 *
 * @example
 * const policy = await release({
 *   url: "http://127.0.0.1:8000",
 *   model: "yolov5",
 *   action: { kind: "set", weights: { fp32: 90, fp16: 10 } },
 *   apiKey: process.env.SERVEKIT_ADMIN_KEY,
 * });
 */
export async function release(options: ReleaseOptions): Promise<ModelPolicy> {
  const client = releaseClient({ url: options.url, apiKey: options.apiKey });
  const { action, model } = options;
  switch (action.kind) {
    case "show":
      return client.model(model);
    case "retire":
      await client.retire(model, action.version);
      return client.model(model);
    case "promote":
      // Promoting needs every version's name, to give the others 0.
      return client.setTraffic(model, trafficChangeFor(action, await client.model(model)));
    default:
      return client.setTraffic(model, trafficChangeFor(action, undefined));
  }
}

/** `serve-cli release`. */
export function registerReleaseCommand(program: Command): void {
  program
    .command("release")
    .description("Move a model's traffic between versions on a running server (--url)")
    .requiredOption("--url <url>", "the running server, e.g. http://127.0.0.1:8000")
    .requiredOption("--model <name>", "the model whose traffic moves")
    .option("--set <weights>", "weights per version: V1=90,V2=10 (relative shares)")
    .option("--promote <version>", "give one version all traffic (the others 0)")
    .option("--shadow <version=fraction>", "also run a fraction of requests on V2: V2=0.1, or off")
    .option("--retire <version>", "remove a version (without traffic) once its requests finish")
    .option("--show", "print the model's traffic policy; changes nothing, needs no key")
    .option("--api-key <key>", "an admin key of the server (default: $SERVEKIT_ADMIN_KEY)")
    .option("--json", "print the policy as JSON instead of a table")
    .addHelpText(
      "after",
      `
Examples:
  $ export SERVEKIT_ADMIN_KEY=...              # one of the server's SERVEKIT_ADMIN_KEYS
  $ serve-cli release --url http://127.0.0.1:8000 --model yolov5 --shadow fp16=0.1
  $ serve-cli release --url http://127.0.0.1:8000 --model yolov5 --set fp32=95,fp16=5
  $ serve-cli release --url http://127.0.0.1:8000 --model yolov5 --promote fp16
  $ serve-cli release --url http://127.0.0.1:8000 --model yolov5 --retire fp32
  $ serve-cli release --url http://127.0.0.1:8000 --model yolov5 --show --json`,
    )
    .action(
      async (
        flags: ReleaseActionFlags & { url: string; model: string; apiKey?: string; json?: boolean },
      ) => {
        const action = releaseAction(flags);
        const policy = await release({
          url: checkedUrl(flags.url),
          model: flags.model,
          action,
          apiKey: flags.apiKey ?? (process.env.SERVEKIT_ADMIN_KEY || undefined),
        });
        if (action.kind === "retire")
          process.stderr.write(`retired ${flags.model} ${action.version}: drained and closed\n`);
        if (flags.json) printJson(policy);
        else process.stdout.write(`${policyTable(policy)}\n`);
      },
    );
}

function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(
      `--url must be the server's address, e.g. http://127.0.0.1:8000, got "${text}"`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw usageError(`--url must start with http:// or https://, got "${text}"`);
  return text;
}
