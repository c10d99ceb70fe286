import { z } from "@servekit/core";
import { usageError } from "../cli-error.js";
import { type ServerSizing, serverCapacity } from "./cloudrun-capacity.js";
import {
  artifactRegistrySchema,
  envPairsSchema,
  localImageSchema,
  matching,
  missingToDeploy,
  projectSchema,
  remoteImage,
  wholeNumber,
} from "./deploy-option-schemas.js";

/** What `serve-cli deploy cloudrun` deploys, and where. */
export interface CloudRunDeployOptions {
  /** Google Cloud project id, e.g. "my-project". */
  project: string;
  /** Cloud Run region. @default "us-central1" */
  region?: string;
  /** Service name: lowercase letters, digits and hyphens, at most 49 characters. */
  name: string;
  /** Port the server listens on in the container; Cloud Run sets `PORT` to it. @default 8000 */
  port?: number | string;
  /** Artifact Registry repository, `REGION-docker.pkg.dev/PROJECT/REPOSITORY`. Required unless `delete`. */
  registry?: string;
  /** The locally built image, `name:tag`. Required unless `delete`. */
  image?: string;
  /** vCPUs per instance ("1", "2", "4", "8", or "0.5"…). @default "2" */
  cpu?: string;
  /** Memory per instance ("512Mi", "4Gi"). @default "2Gi" */
  memory?: string;
  /** Instances kept warm. @default 0 */
  minInstances?: number | string;
  /** Most instances Cloud Run starts. @default 10 */
  maxInstances?: number | string;
  /** Requests one instance gets at once. @default the server's capacity, from `server` */
  concurrency?: number | string;
  /** GPUs per instance. @default 0 */
  gpu?: number | string;
  /** GPU model when `gpu` > 0. @default "nvidia-l4" */
  gpuType?: string;
  /** Keep CPU allocated outside requests even when the predictor does not batch. @default false */
  alwaysCpu?: boolean;
  /** Make the service public (`allUsers` may invoke it). @default false */
  allowUnauthenticated?: boolean;
  /** Environment: `KEY=VALUE` strings or a record. `PORT` is Cloud Run's to set. @default {} */
  env?: readonly string[] | Readonly<Record<string, string>>;
  /** Seconds the startup probe allows setup (model loading) before Cloud Run gives up. @default 240 */
  startupSeconds?: number | string;
  /** Seconds to wait for `/health/ready` after deploying. @default 300 */
  timeoutSeconds?: number | string;
  /** The server's options and predictor, for the default concurrency and CPU allocation. */
  server?: ServerSizing;
  /** Container tool. @default the first of docker, podman, buildah found */
  builder?: string;
  /** Print the commands instead of running them. @default false */
  dryRun?: boolean;
  /** Delete the service instead of deploying. @default false */
  delete?: boolean;
}

/** {@link CloudRunDeployOptions} checked, with defaults applied and derived values. */
export interface ResolvedCloudRunOptions {
  project: string;
  region: string;
  name: string;
  port: number;
  image: { local: string; remote: string } | undefined;
  cpu: string;
  memory: string;
  minInstances: number;
  maxInstances: number;
  concurrency: number;
  /** Where `concurrency` came from, for progress output and the dry run. */
  concurrencyReason: string;
  gpu: number;
  gpuType: string;
  /** `--no-cpu-throttling`: CPU stays allocated between requests. */
  cpuAlwaysAllocated: boolean;
  cpuReason: string;
  allowUnauthenticated: boolean;
  env: [key: string, value: string][];
  startupSeconds: number;
  timeoutSeconds: number;
  dryRun: boolean;
  delete: boolean;
}

// Cloud Run service names: RFC 1035, at most 49 characters.
const SERVICE = /^[a-z]([-a-z0-9]{0,47}[a-z0-9])?$/;
const REGION = /^[a-z]+-[a-z]+[0-9]+$/;
const CPU = /^(0\.[0-9]+|[0-9]+|[0-9]+m)$/;
const MEMORY = /^[0-9]+(Mi|Gi)$/;
// Cloud Run's limit on requests per instance.
const MAX_CONCURRENCY = 1000;

const FLAGS: Record<string, string> = {
  minInstances: "--min-instances",
  maxInstances: "--max-instances",
  gpuType: "--gpu-type",
  startupSeconds: "--startup-timeout",
  timeoutSeconds: "--timeout",
};

const schema = z.object({
  project: projectSchema,
  region: matching(REGION, "a Cloud Run region, e.g. us-central1").default("us-central1"),
  name: matching(
    SERVICE,
    "a service name: 1–49 lowercase letters, digits or hyphens, starting with a letter (e.g. yolov5)",
  ),
  port: wholeNumber(1, 65535).default(8000),
  registry: artifactRegistrySchema.optional(),
  image: localImageSchema.optional(),
  cpu: matching(CPU, 'a CPU count, e.g. "2" or "0.5"').default("2"),
  memory: matching(MEMORY, 'a memory size, e.g. "2Gi" or "512Mi"').default("2Gi"),
  minInstances: wholeNumber(0, 1000).default(0),
  maxInstances: wholeNumber(1, 1000).default(10),
  concurrency: wholeNumber(1, MAX_CONCURRENCY).optional(),
  gpu: wholeNumber(0, 8).default(0),
  gpuType: matching(/^[a-z0-9-]+$/, "a GPU type, e.g. nvidia-l4").default("nvidia-l4"),
  alwaysCpu: z.boolean().default(false),
  allowUnauthenticated: z.boolean().default(false),
  env: envPairsSchema({
    reserved: { PORT: "Cloud Run sets it from --port (and rejects it in the env)" },
  }).default([]),
  // Cloud Run caps a startup probe at failureThreshold × periodSeconds ≤ 240 s (1800 s with a GPU).
  startupSeconds: wholeNumber(10, 1800).default(240),
  timeoutSeconds: wholeNumber(1, 86_400).default(300),
  builder: z.string().optional(),
  dryRun: z.boolean().default(false),
  delete: z.boolean().default(false),
});

/**
 * Checks {@link CloudRunDeployOptions}, applies the defaults, and derives the
 * registry image, the concurrency (the server's capacity unless given) and
 * whether CPU stays allocated. Every problem is reported at once (exit 2).
 *
 * @example
 * const o = resolveCloudRunOptions({ project: "my-project", name: "yolov5", delete: true });
 * o.region; // "us-central1"
 */
export function resolveCloudRunOptions(options: CloudRunDeployOptions): ResolvedCloudRunOptions {
  const { server, ...flags } = options;
  const parsed = schema.safeParse(flags);
  const problems = [...(parsed.success ? [] : parsed.error.issues), ...crossFieldIssues(flags)].map(
    (issue) => {
      const key = String(issue.path[0] ?? "");
      const flag = FLAGS[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return `- \`${flag}\` ${issue.message}`;
    },
  );
  if (!parsed.success || problems.length > 0)
    throw usageError(`invalid \`deploy cloudrun\` options:\n${problems.join("\n")}`);
  const { registry, image, concurrency, alwaysCpu, builder: _builder, ...rest } = parsed.data;
  const capacity = server ? serverCapacity(server, Number.parseFloat(rest.cpu)) : undefined;
  let concurrencyReason = "set with --concurrency";
  if (concurrency === undefined && capacity)
    concurrencyReason = `the server's capacity: ${capacity.explanation}`;
  if (concurrency === undefined && !capacity)
    concurrencyReason = "no predictor loaded: one request at a time (pass --concurrency)";
  const batches = (server?.batchSize ?? 1) > 1;
  const cpuAlwaysAllocated = alwaysCpu || batches || rest.gpu > 0;
  return {
    ...rest,
    image:
      registry !== undefined && image !== undefined
        ? { local: image, remote: remoteImage(registry, image) }
        : undefined,
    concurrency: concurrency ?? Math.min(capacity?.requests ?? 1, MAX_CONCURRENCY),
    concurrencyReason,
    cpuAlwaysAllocated,
    cpuReason: alwaysCpu
      ? "asked for with --always-cpu"
      : batches
        ? "the predictor batches: a batch fills while its first requests wait and is flushed by a timer, and worker threads hand results back, work Cloud Run would throttle outside requests"
        : rest.gpu > 0
          ? "Cloud Run requires it with a GPU"
          : "CPU only during requests (request-based billing); pass --always-cpu for async predictions and webhooks, which run after the response",
  };
}

/**
 * Problems that involve several options, checked on the raw input so they are
 * reported together with any other (zod skips object refinements once a field fails).
 */
function crossFieldIssues(o: Omit<CloudRunDeployOptions, "server">) {
  const issues: { path: string[]; message: string }[] = [];
  const [min, max] = [Number(o.minInstances ?? 0), Number(o.maxInstances ?? 10)];
  const [startup, gpu] = [Number(o.startupSeconds ?? 240), Number(o.gpu ?? 0)];
  if (startup > 240 && !(gpu > 0))
    issues.push({
      path: ["startupSeconds"],
      // Cloud Run's limit on a startup probe (failureThreshold × periodSeconds).
      message: `must be at most 240 without a GPU (Cloud Run's limit on a startup probe); got ${startup}`,
    });
  if (min > max)
    issues.push({
      path: ["minInstances"],
      message: `(${min}) must not exceed --max-instances (${max})`,
    });
  issues.push(...missingToDeploy(o, ["registry", "image"]));
  return issues;
}
