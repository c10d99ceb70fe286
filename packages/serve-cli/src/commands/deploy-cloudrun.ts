import { configServeOptions, type ServeOptions } from "@servekit/core";
import type { Command } from "commander";
import { CliError, usageError } from "../cli-error.js";
import type { ServerSizing } from "../deploy/cloudrun-capacity.js";
import { deployCloudRun } from "../deploy/deploy-cloudrun.js";
import { loadModels } from "../load-models.js";
import { addEnvFlag, addImageFlags, addRunFlags, type DeployFlags } from "./deploy-flags.js";
import { cliDeployDeps, printDeleted, printReady } from "./deploy-output.js";

interface CloudRunFlags extends DeployFlags {
  project: string;
  region: string;
  name: string;
  port: string;
  cpu: string;
  memory: string;
  minInstances: string;
  maxInstances: string;
  concurrency?: string;
  gpu: string;
  gpuType: string;
  alwaysCpu?: boolean;
  allowUnauthenticated?: boolean;
  startupTimeout: string;
}

/**
 * `serve-cli deploy cloudrun [target]`: push the image and deploy it as a Cloud Run service.
 *
 * @example
 * registerDeployCloudRun(program.command("deploy"));
 */
export function registerDeployCloudRun(deploy: Command): void {
  const cloudrun = deploy
    .command("cloudrun")
    .argument(
      "[target]",
      "the predictor project the image was built from, read for the default --concurrency",
      ".",
    )
    .description(
      "Push an image to Artifact Registry and deploy it as a Cloud Run service (concurrency = the server's capacity)",
    )
    .requiredOption("--project <id>", "Google Cloud project id")
    .requiredOption("--name <service>", "service name (lowercase letters, digits, hyphens)");
  addImageFlags(cloudrun, { registry: true })
    .option("--region <region>", "Cloud Run region", "us-central1")
    .option("-p, --port <port>", "port the server listens on; Cloud Run sets PORT to it", "8000")
    .option("--cpu <count>", "vCPUs per instance", "2")
    .option("--memory <size>", "memory per instance", "2Gi")
    .option("--min-instances <n>", "instances kept warm (0 scales to zero)", "0")
    .option("--max-instances <n>", "most instances Cloud Run starts", "10")
    .option(
      "--concurrency <n>",
      "requests per instance (default: the server's capacity, from the target's predictor and config)",
    )
    .option("--gpu <n>", "GPUs per instance", "0")
    .option("--gpu-type <type>", "GPU model when --gpu > 0", "nvidia-l4")
    .option(
      "--always-cpu",
      "keep CPU allocated between requests (on by itself when the predictor batches or with a GPU)",
    )
    .option("--allow-unauthenticated", "make the service public (default: callers need IAM)");
  addEnvFlag(cloudrun).option(
    "--startup-timeout <seconds>",
    "time the startup probe gives setup",
    "240",
  );
  addRunFlags(cloudrun, "delete the service instead of deploying")
    .addHelpText(
      "after",
      `
Runs gcloud (https://cloud.google.com/sdk/docs/install; gcloud auth login first) and
your container tool. Re-running rolls out a new revision. Progress goes to stderr;
the service's URL (or the --dry-run commands) to stdout.

Examples:
  $ serve-cli deploy cloudrun --project my-project --name yolov5 --image yolov5:latest \\
      --registry us-central1-docker.pkg.dev/my-project/servekit --allow-unauthenticated --dry-run
  $ serve-cli deploy cloudrun --project my-project --name yolov5 --delete`,
    )
    .action(async (target: string, flags: CloudRunFlags) => {
      const needsSizing = !flags.delete && flags.concurrency === undefined;
      const result = await deployCloudRun(
        {
          project: flags.project,
          region: flags.region,
          name: flags.name,
          port: flags.port,
          registry: flags.registry,
          image: flags.image,
          cpu: flags.cpu,
          memory: flags.memory,
          minInstances: flags.minInstances,
          maxInstances: flags.maxInstances,
          concurrency: flags.concurrency,
          gpu: flags.gpu,
          gpuType: flags.gpuType,
          alwaysCpu: flags.alwaysCpu ?? false,
          allowUnauthenticated: flags.allowUnauthenticated ?? false,
          env: flags.env ?? [],
          startupSeconds: flags.startupTimeout,
          timeoutSeconds: flags.timeout,
          server: needsSizing ? await serverSizing(target) : undefined,
          dryRun: flags.dryRun ?? false,
          delete: flags.delete ?? false,
        },
        cliDeployDeps(flags.builder),
      );
      switch (result.kind) {
        case "dry-run":
          process.stdout.write(result.script);
          break;
        case "deployed":
          printReady(`${flags.name} is ready (concurrency ${result.concurrency})`, result.url);
          break;
        case "deleted":
          printDeleted(result.removed);
          break;
        default: {
          const unexpected: never = result;
          throw new TypeError(`unexpected deploy result ${JSON.stringify(unexpected)}`);
        }
      }
    });
}

/**
 * The first model's workers, processes, maxConcurrency and batch size, as
 * `serve-cli run` would resolve them (config, then the module's own serve()
 * options, then the model's own). Imports the predictor; runs no setup.
 */
async function serverSizing(target: string): Promise<ServerSizing> {
  let loaded: Awaited<ReturnType<typeof loadModels>>;
  try {
    loaded = await loadModels([target]);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === 2) throw error;
    throw usageError(
      `could not load the predictor from ${target} to size --concurrency (${error instanceof Error ? error.message : String(error)}); run from the project the image was built from, name it (serve-cli deploy cloudrun path/to/project …), or pass --concurrency`,
    );
  }
  const first = loaded.models[0]!;
  const options: ServeOptions = {
    ...configServeOptions(loaded.config),
    ...first.serveOptions,
    ...first.options,
  };
  return {
    workers: options.workers ?? 0,
    processes: options.processes ?? 1,
    maxConcurrency: options.maxConcurrency,
    batchSize: first.predictor.batch?.maxSize ?? 1,
  };
}
