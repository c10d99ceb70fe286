import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import type { Command } from "commander";
import { usageError } from "../cli-error.js";
import { flagParser, positiveNumber, wholeNumber } from "../deploy/deploy-option-schemas.js";
import { generatedFilePath } from "../generated-file.js";
import { type K8sAutoscale, type K8sOptions, k8sName } from "../k8s/k8s-options.js";
import { k8sManifestsYaml } from "../k8s/manifests.js";
import { existingPath, loadTarget, loadTargetConfig, splitTarget } from "../load-target.js";

/** What `serve-cli k8s` takes: the manifests' options, less what the target tells. */
export type K8sFileOptions = Omit<
  K8sOptions,
  "name" | "version" | "shutdownGraceMs" | "metrics"
> & {
  /** Predictor file, file:export, or directory with serve.config.ts. @default "." */
  target?: string;
  /** Name of the objects. @default the predictor's name, as a DNS label */
  name?: string;
  /** File to write (relative to `cwd`); "-" or none: write nothing (print the returned text). */
  output?: string;
  /** Overwrite an existing output file. @default false */
  force?: boolean;
  cwd?: string;
};

/**
 * Kubernetes manifests for a predictor's image: the name, version, port,
 * shutdown grace and `metrics` come from the target (its serve.config.ts and
 * predictor), flags override them. With `name` given and a directory target,
 * only the config is read, not the predictor's module.
 *
 * @example
 * const { yaml } = await k8sFile({ target: "examples/hello", image: "hello:1.0" });
 */
export async function k8sFile(
  options: K8sFileOptions,
): Promise<{ yaml: string; file: string | undefined }> {
  const cwd = options.cwd ?? process.cwd();
  const file = generatedFilePath(options.output ?? "-", cwd, options.force);
  const { target = ".", output: _output, force: _force, cwd: _cwd, ...flags } = options;
  const found = await readTarget(target, cwd, options.name);
  const yaml = k8sManifestsYaml({
    ...flags,
    name: options.name ?? k8sName(found.name ?? "model"),
    version: found.version,
    // Port 0 ("any free port") means nothing in a container: fall back to 8000.
    port: options.port ?? (found.config.port || 8000),
    shutdownGraceMs: found.serveOptions.shutdownGraceMs ?? found.config.shutdownGraceMs,
    metrics: found.serveOptions.metrics ?? found.config.metrics,
  });
  if (file) await writeFile(file, yaml);
  return { yaml, file };
}

interface FoundTarget {
  name: string | undefined;
  version: string | undefined;
  config: { port?: number; shutdownGraceMs?: number; metrics?: boolean };
  serveOptions: { shutdownGraceMs?: number; metrics?: boolean };
}

/** The predictor's name and version and the server options the manifests depend on. */
async function readTarget(target: string, cwd: string, name?: string): Promise<FoundTarget> {
  const path = existingPath(splitTarget(target).path, cwd);
  // With a name, a directory's config is enough: no need to import the model's code.
  if (name !== undefined && statSync(path).isDirectory()) {
    const { config } = await loadTargetConfig(path, cwd);
    return { name, version: undefined, config, serveOptions: {} };
  }
  if (name !== undefined) return { name, version: undefined, config: {}, serveOptions: {} };
  const loaded = await loadTarget(target, cwd);
  return {
    name: loaded.predictor.name,
    version: loaded.predictor.version,
    config: loaded.config,
    serveOptions: loaded.serveOptions,
  };
}

function wholeNumberFlag(flag: string, min: number, example: string) {
  return flagParser(flag, wholeNumber(min, undefined, example));
}

function parseAutoscale(value: string): K8sAutoscale {
  if (value === "cpu" || value === "queue" || value === "none") return value;
  throw usageError(
    `--autoscale must be cpu (an HPA), queue (KEDA on the queue depth) or none; got ${value}`,
  );
}

function collectEnv(
  value: string,
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const at = value.indexOf("=");
  if (at <= 0) throw usageError(`--env takes NAME=value, e.g. --env LOG_LEVEL=debug; got ${value}`);
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

/** `serve-cli k8s`. */
export function registerK8sCommand(program: Command): void {
  program
    .command("k8s")
    .description(
      "Write Kubernetes manifests for a predictor image (Deployment, Service, PDB, autoscaler)",
    )
    .argument("[target]", "predictor file, file:export, or directory with serve.config.ts", ".")
    .requiredOption(
      "-t, --image <ref>",
      "image the pods run, e.g. REGION-docker.pkg.dev/P/R/yolov5:1.0",
    )
    .option("-o, --output <file>", 'file to write, or "-" for stdout (default: stdout)')
    .option("-f, --force", "overwrite the output file if it exists")
    .option("--name <name>", "name of every object (default: the predictor's name)")
    .option("-n, --namespace <namespace>", "namespace of every object (default: default)")
    .option(
      "-p, --port <port>",
      "port in the container (default: config, 8000)",
      wholeNumberFlag("--port", 1, "8000"),
    )
    .option("-e, --env <NAME=value>", "container environment (repeatable)", collectEnv)
    .option("--cpu <quantity>", "CPU request and limit per pod (default: 1)")
    .option("--memory <quantity>", "memory request and limit per pod (default: 1Gi)")
    .option(
      "--gpu <count>",
      "nvidia.com/gpu per pod (default: 0)",
      wholeNumberFlag("--gpu", 0, "1"),
    )
    .option(
      "--autoscale <kind>",
      "cpu (HPA), queue (KEDA on queue depth) or none (default: cpu)",
      parseAutoscale,
    )
    .option(
      "--replicas <count>",
      "fixed replicas, with --autoscale none (default: 2)",
      wholeNumberFlag("--replicas", 1, "3"),
    )
    .option(
      "--min <count>",
      "fewest replicas the autoscaler keeps (default: 2)",
      wholeNumberFlag("--min", 1, "2"),
    )
    .option(
      "--max <count>",
      "most replicas the autoscaler starts (default: 10)",
      wholeNumberFlag("--max", 1, "10"),
    )
    .option(
      "--target-cpu <percent>",
      "HPA: average CPU, % of the request (default: 70)",
      wholeNumberFlag("--target-cpu", 1, "70"),
    )
    .option(
      "--target-queue <n>",
      "KEDA: predictions waiting per replica (default: 4)",
      flagParser("--target-queue", positiveNumber("4")),
    )
    .option(
      "--prometheus-url <url>",
      "KEDA: the Prometheus that scrapes the pods (needed with --autoscale queue)",
    )
    .option(
      "--setup-timeout <seconds>",
      "seconds setup may take before a restart (default: 600)",
      wholeNumberFlag("--setup-timeout", 1, "900"),
    )
    .option(
      "--pre-stop <seconds>",
      "seconds a deleted pod keeps serving before SIGTERM (default: 5)",
      wholeNumberFlag("--pre-stop", 1, "10"),
    )
    .option(
      "--run-as-user <uid>",
      "numeric user the image runs as (default: 1000, node)",
      wholeNumberFlag("--run-as-user", 1, "1000"),
    )
    .addHelpText(
      "after",
      `
The image is one \`serve-cli build\` made and pushed. Port, shutdown grace and
metrics come from the target's serve.config.ts. See docs/kubernetes.md.

Examples:
  $ serve-cli k8s examples/hello --image ghcr.io/me/hello:1.0 -o k8s.yaml && kubectl apply -f k8s.yaml
  $ serve-cli k8s . -t REGION-docker.pkg.dev/P/R/yolov5:1.0 --gpu 1 --memory 4Gi --max 4
  $ serve-cli k8s . -t yolov5:1.0 --autoscale queue --prometheus-url http://prometheus-server.monitoring.svc`,
    )
    .action(
      async (
        target: string,
        flags: Omit<K8sFileOptions, "minReplicas" | "maxReplicas"> & {
          min?: number;
          max?: number;
          targetCpu?: number;
          preStop?: number;
          setupTimeout?: number;
        },
      ) => {
        const { min, max, targetCpu, preStop, setupTimeout, ...rest } = flags;
        if (rest.replicas !== undefined && rest.autoscale !== "none") {
          throw usageError(
            "--replicas sets a fixed count, which an autoscaler would override: add --autoscale none, or use --min/--max",
          );
        }
        const { yaml, file } = await k8sFile({
          ...rest,
          target,
          minReplicas: min,
          maxReplicas: max,
          targetCpuPercent: targetCpu,
          preStopSeconds: preStop,
          setupTimeoutSeconds: setupTimeout,
        });
        if (file) {
          const shown = relative(process.cwd(), file) || file;
          process.stderr.write(`wrote ${shown}; apply it with: kubectl apply -f ${shown}\n`);
        } else process.stdout.write(yaml);
      },
    );
}
