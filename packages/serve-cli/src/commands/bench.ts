import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { benchSummary } from "../load/bench-summary.js";
import { htmlReport } from "../load/html-report.js";
import type { LoadLevel } from "../load/level-result.js";
import {
  parseConcurrencyList,
  parseDuration,
  parseHeader,
  parseRate,
  parseRequestPath,
  parseServerUrl,
  parseWholeNumber,
} from "../load/load-flags.js";
import { progressLine } from "../load/progress-line.js";
import { bench } from "../load/run-bench.js";
import { printJson } from "../print-json.js";

interface BenchFlags {
  url: string;
  input: string[];
  body?: string;
  path: string;
  header: [string, string][];
  apiKey?: string;
  concurrency?: number[];
  rate?: number[];
  duration?: number;
  warmup?: number;
  requests?: number;
  maxInFlight?: number;
  timeout?: number;
  compare?: string;
  rounds?: number;
  json?: boolean;
  html?: string;
}

/** `serve-cli bench`. */
export function registerBenchCommand(program: Command): void {
  program
    .command("bench")
    .description("Load test a running server: closed loop at concurrencies, open loop at rates")
    .requiredOption("-u, --url <url>", "the server to load, e.g. http://127.0.0.1:8000", (v) =>
      parseServerUrl(v, "--url"),
    )
    .option(
      "-i, --input <key=value>",
      "an input field, as in `predict`; key=@path reads a file",
      collect,
      [],
    )
    .option("--body <file.json>", "send this JSON file as the body instead of -i inputs")
    .option("--path <path>", "the route to POST to", parseRequestPath, "/predict")
    .option(
      "-H, --header <name:value>",
      "an extra request header; repeat for more",
      collectHeader,
      [],
    )
    .option("--api-key <key>", "sent as a bearer token (default: $SERVEKIT_API_KEY)")
    .option(
      "-c, --concurrency <list>",
      "closed loop: virtual users per level, e.g. 1,4,16 (default 1 without --rate)",
      parseConcurrencyList,
    )
    .option(
      "-r, --rate <list>",
      "open loop: requests per second per level, e.g. 50/s or 20,50",
      parseRates,
    )
    .option("-d, --duration <time>", "measured time per level: 10s, 500ms, 2m (default 10s)", (v) =>
      parseDuration(v, "--duration"),
    )
    .option(
      "--warmup <time>",
      "load before each level's measurement, not recorded (default 2s)",
      (v) => parseDuration(v, "--warmup"),
    )
    .option("-n, --requests <n>", "at most this many measured requests per level", (v) =>
      parseWholeNumber(v, "--requests", 1),
    )
    .option(
      "--max-in-flight <n>",
      'open loop: outstanding requests before due ones fail as "client overloaded" (default 1000)',
      (v) => parseWholeNumber(v, "--max-in-flight", 1),
    )
    .option(
      "--timeout <time>",
      "a request unanswered this long fails as network ETIMEDOUT (default 30s)",
      (v) => parseDuration(v, "--timeout"),
    )
    .option(
      "--compare <url>",
      "a second server, measured in alternating rounds; prints B/A ratios",
      (v) => parseServerUrl(v, "--compare"),
    )
    .option("--rounds <n>", "with --compare: rounds per level (default 4)", (v) =>
      parseWholeNumber(v, "--rounds", 1),
    )
    .option("--json", "print the results as JSON (shape in docs/bench.md) instead of tables")
    .option("--html <file>", "also write a self-contained HTML report with plots")
    .addHelpText(
      "after",
      `
Examples:
  $ serve-cli bench --url http://127.0.0.1:8000 -i image=@bus.jpg --concurrency 1,4,16
  $ serve-cli bench --url http://127.0.0.1:8000 --body input.json --rate 50/s --duration 30s
  $ serve-cli bench --url http://127.0.0.1:8000 --path /models/yolov5/predict -i image=@bus.jpg -c 8
  $ serve-cli bench --url http://127.0.0.1:8000 --compare http://127.0.0.1:8001 -i text=hi -c 4
  $ serve-cli bench --url http://127.0.0.1:8000 -i text=hi -c 4 --json --html report.html`,
    )
    .action(async (flags: BenchFlags) => {
      if (flags.rounds !== undefined && !flags.compare)
        throw usageError("--rounds needs --compare <url>: rounds alternate between two servers");
      if (flags.duration === 0) throw usageError("--duration must be above 0, e.g. 10s");
      if (flags.timeout === 0) throw usageError("--timeout must be above 0, e.g. 30s");
      const levels: LoadLevel[] = [
        ...(flags.concurrency ?? (flags.rate ? [] : [1])).map((concurrency) => ({
          mode: "closed" as const,
          concurrency,
        })),
        ...(flags.rate ?? []).map((rate) => ({ mode: "open" as const, rate })),
      ];
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once("SIGINT", stop);
      try {
        const result = await bench({
          url: flags.url,
          compareUrl: flags.compare,
          request: {
            inputs: flags.input,
            bodyFile: flags.body,
            path: flags.path,
            headers: Object.fromEntries(flags.header),
            apiKey: flags.apiKey ?? (process.env.SERVEKIT_API_KEY || undefined),
          },
          levels,
          warmupMs: flags.warmup ?? 2000,
          durationMs: flags.duration ?? 10_000,
          maxRequests: flags.requests,
          maxInFlight: flags.maxInFlight,
          timeoutMs: flags.timeout,
          rounds: flags.rounds,
          progress: progressLine(process.stderr),
          signal: controller.signal,
        });
        if (flags.html) {
          const file = resolve(flags.html);
          await writeFile(file, htmlReport(result));
          process.stderr.write(`wrote ${file}\n`);
        }
        if (flags.json) return printJson(result);
        process.stdout.write(`${benchSummary(result)}\n`);
      } finally {
        process.off("SIGINT", stop);
      }
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function collectHeader(value: string, previous: [string, string][]): [string, string][] {
  return [...previous, parseHeader(value)];
}

function parseRates(text: string): number[] {
  return text.split(",").map((part) => parseRate(part));
}
