import type { ContainerTool } from "../container/container-tool.js";
import {
  type CloudRunDeployOptions,
  type ResolvedCloudRunOptions,
  resolveCloudRunOptions,
} from "./cloudrun-options.js";
import type { PlannedStep } from "./planned-step.js";

/** One command of a Cloud Run plan; `reads` marks the service's URL and the identity token. */
export type CloudRunStep = PlannedStep<"service-url" | "identity-token">;

// The startup probe polls every PERIOD s; the failure threshold stretches it to `startupSeconds`.
const PROBE_PERIOD_SECONDS = 10;
const PROBE_TIMEOUT_SECONDS = 5;

/**
 * The commands that deploy an image to Cloud Run: tag and push it to
 * Artifact Registry, `gcloud run deploy` (which creates the service or rolls
 * out a new revision, and returns once the revision's startup probe on
 * `/health/ready` passed), then read the service's URL and, for a private
 * service, an identity token to call it with. Pure: it runs nothing.
 *
 * @example
 * const steps = planCloudRunDeploy(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit",
 *     server: { workers: 2, batchSize: 4 } },
 *   await detectContainerTool(),
 * );
 */
export function planCloudRunDeploy(
  options: CloudRunDeployOptions,
  tool: Pick<ContainerTool, "commandLine">,
): CloudRunStep[] {
  const o = resolveCloudRunOptions({ ...options, delete: false });
  const image = o.image!;
  return [
    {
      description: `Tag ${image.local} for Artifact Registry`,
      argv: tool.commandLine("tag", image.local, image.remote),
    },
    { description: `Push ${image.remote}`, argv: tool.commandLine("push", image.remote) },
    {
      description: `Deploy ${image.remote} to Cloud Run service ${o.name}`,
      argv: runDeployArgv(o),
    },
    {
      description: `Read the URL of service ${o.name}`,
      argv: [
        "gcloud",
        "run",
        "services",
        "describe",
        o.name,
        ...where(o),
        "--format=value(status.url)",
      ],
      reads: "service-url",
    },
    ...(o.allowUnauthenticated
      ? []
      : [
          {
            description: "Get an identity token to call the private service with",
            argv: ["gcloud", "auth", "print-identity-token"],
            reads: "identity-token" as const,
          },
        ]),
  ];
}

/**
 * `gcloud run services describe`: exit 0 when the service exists, non-zero
 * and "could not be found" when not.
 *
 * @example
 * cloudRunServiceCheck({ project: "my-project", name: "yolov5", delete: true });
 */
export function cloudRunServiceCheck(options: CloudRunDeployOptions): string[] {
  const o = resolveCloudRunOptions(options);
  return ["gcloud", "run", "services", "describe", o.name, ...where(o), "--format=json"];
}

/**
 * The command that deletes the service (its revisions go with it; the image
 * stays in Artifact Registry). Pure.
 *
 * @example
 * planCloudRunDelete({ project: "my-project", name: "yolov5" });
 */
export function planCloudRunDelete(options: CloudRunDeployOptions): CloudRunStep[] {
  const o = resolveCloudRunOptions({ ...options, delete: true });
  return [
    {
      description: `Delete Cloud Run service ${o.name} and its revisions`,
      argv: ["gcloud", "run", "services", "delete", o.name, ...where(o), "--quiet"],
    },
  ];
}

function where(o: ResolvedCloudRunOptions): string[] {
  return [`--project=${o.project}`, `--region=${o.region}`];
}

function runDeployArgv(o: ResolvedCloudRunOptions): string[] {
  const failureThreshold = Math.ceil(o.startupSeconds / PROBE_PERIOD_SECONDS);
  return [
    "gcloud",
    "run",
    "deploy",
    o.name,
    ...where(o),
    `--image=${o.image!.remote}`,
    `--port=${o.port}`,
    `--concurrency=${o.concurrency}`,
    `--min-instances=${o.minInstances}`,
    `--max-instances=${o.maxInstances}`,
    `--cpu=${o.cpu}`,
    `--memory=${o.memory}`,
    ...(o.gpu > 0 ? [`--gpu=${o.gpu}`, `--gpu-type=${o.gpuType}`] : []),
    o.cpuAlwaysAllocated ? "--no-cpu-throttling" : "--cpu-throttling",
    // Traffic reaches a new instance only once setup is done: /health/ready answers 503 until then.
    `--startup-probe=httpGet.path=/health/ready,httpGet.port=${o.port},periodSeconds=${PROBE_PERIOD_SECONDS},timeoutSeconds=${PROBE_TIMEOUT_SECONDS},failureThreshold=${failureThreshold}`,
    ...(o.env.length > 0 ? [setEnvVarsFlag(o.env)] : []),
    o.allowUnauthenticated ? "--allow-unauthenticated" : "--no-allow-unauthenticated",
  ];
}

/** `--set-env-vars=K=V,…`, switching to gcloud's alternate delimiter when a value has a comma. */
function setEnvVarsFlag(env: readonly [string, string][]): string {
  const pairs = env.map(([key, value]) => `${key}=${value}`);
  if (!pairs.some((pair) => pair.includes(","))) return `--set-env-vars=${pairs.join(",")}`;
  const unused = (d: string) => pairs.every((pair) => !pair.includes(d));
  let delimiter = [";", "|", "#", "~"].find(unused) ?? ";;";
  while (!unused(delimiter)) delimiter += ";";
  return `--set-env-vars=^${delimiter}^${pairs.join(delimiter)}`;
}
