import { serveOptionsSchema, z } from "@servekit/core";
import { usageError } from "../cli-error.js";
import type { ContainerToolName } from "../container/container-tool.js";
import { DEFAULT_STOP_TIMEOUT_SECONDS } from "./cloud-init.js";
import {
  artifactRegistrySchema,
  envPairsSchema,
  localImageSchema,
  matching,
  missingToDeploy,
  projectSchema,
  remoteImage,
  required,
  wholeNumber,
} from "./deploy-option-schemas.js";
import {
  autoscaleSchema,
  DEFAULT_INITIAL_DELAY_SECONDS,
  DEFAULT_TARGET_CPU,
  type GceGroupFlags,
  type GceGroupSettings,
  requireAutoscaleForGroupFlags,
  targetCpuSchema,
} from "./gce-group-options.js";

/** What `serve-cli deploy gce` deploys, and where. */
export interface GceDeployOptions extends GceGroupFlags {
  /** Google Cloud project id, e.g. "my-project". */
  project: string;
  /** Compute Engine zone of the VM. @default "us-central1-a" */
  zone?: string;
  /** Machine type of the VM. @default "e2-standard-2" */
  machineType?: string;
  /** VM name: lowercase letters, digits and hyphens (RFC 1035), e.g. "yolov5". */
  name: string;
  /** Port the server listens on in the VM, opened in the firewall; a number or its text. @default 8000 */
  port?: number | string;
  /**
   * Artifact Registry repository to push to, `REGION-docker.pkg.dev/PROJECT/REPOSITORY`.
   * Required unless `delete`.
   */
  registry?: string;
  /** The locally built image to deploy, `name:tag` (e.g. "yolov5:latest"). Required unless `delete`. */
  image?: string;
  /**
   * Environment of the container: `KEY=VALUE` strings (as from `--env`) or a record.
   * `PORT` is set from `port`.
   * @default {}
   */
  env?: readonly string[] | Readonly<Record<string, string>>;
  /** Network tag of the VM, the firewall rule's target. @default `servekit-<port>` */
  networkTag?: string;
  /** Seconds to wait for `/health/ready` to answer 200; a number or its text. @default 300 */
  timeoutSeconds?: number | string;
  /** Container tool to tag and push with. @default the first of docker, podman, buildah on PATH */
  builder?: string;
  /** Print the commands instead of running them (runs nothing, not even `gcloud … describe`). @default false */
  dryRun?: boolean;
  /** Delete what deploy made (VM or group, rules, load balancer) instead of deploying. @default false */
  delete?: boolean;
}

/** {@link GceDeployOptions} checked, with defaults applied and names derived. */
export interface ResolvedGceDeployOptions {
  project: string;
  zone: string;
  machineType: string;
  name: string;
  port: number;
  /** The local image and its name in the registry; set unless `delete`. */
  image: { local: string; remote: string } | undefined;
  /** Container environment in order, `PORT` first. */
  env: [key: string, value: string][];
  networkTag: string;
  /** `servekit-allow-<port>`. */
  firewallRule: string;
  timeoutSeconds: number;
  builder: ContainerToolName | undefined;
  dryRun: boolean;
  delete: boolean;
  /** Set with `autoscale`: deploy a managed instance group, not one VM. */
  group: GceGroupSettings | undefined;
  /** Seconds `docker stop` gives the server to drain: its shutdown grace and a margin. */
  stopTimeoutSeconds: number;
}

const TOOLS = ["docker", "podman", "buildah"] as const;
const RFC1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;
const MACHINE_TYPE = /^[a-z0-9][a-z0-9-]*$/;
// The VM runs the server on its `port` option (the same range and default),
// less 0 ("any free port"), which no firewall rule or health check can use.
const serverPort = serveOptionsSchema.shape.port;
const PORT_RANGE = [
  Math.max(1, serverPort.unwrap().minValue!),
  serverPort.unwrap().maxValue!,
] as const;

/** Flag names, so messages speak the CLI's language. */
const FLAGS: Record<string, string> = {
  project: "--project",
  zone: "--zone",
  machineType: "--machine-type",
  name: "--name",
  port: "--port",
  registry: "--registry",
  image: "--image",
  env: "--env",
  networkTag: "--tag",
  timeoutSeconds: "--timeout",
  builder: "--builder",
  autoscale: "--autoscale",
  targetCpu: "--target-cpu",
  initialDelaySeconds: "--initial-delay",
  loadBalancer: "--load-balancer",
};

const schema = z
  .object({
    project: projectSchema,
    zone: matching(ZONE, "a Compute Engine zone, e.g. us-central1-a").default("us-central1-a"),
    machineType: matching(MACHINE_TYPE, "a machine type, e.g. e2-standard-2").default(
      "e2-standard-2",
    ),
    name: z
      .string(required("--name yolov5"))
      .pipe(
        matching(
          RFC1035,
          "a VM name: 1–63 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen (e.g. yolov5-demo)",
        ),
      ),
    port: wholeNumber(...PORT_RANGE).default(serverPort.def.defaultValue),
    registry: artifactRegistrySchema.optional(),
    image: localImageSchema.optional(),
    // PORT may be given, if it agrees with --port (checked below).
    env: envPairsSchema({ oneLine: true }).default([]),
    networkTag: matching(
      RFC1035,
      "a network tag (lowercase RFC 1035, e.g. servekit-8000)",
    ).optional(),
    timeoutSeconds: wholeNumber(1, 86_400).default(300),
    builder: z
      .string()
      .superRefine((value, ctx) => {
        if (!(TOOLS as readonly string[]).includes(value))
          ctx.addIssue({
            code: "custom",
            message: `must be one of ${TOOLS.join(", ")}; got "${value}"`,
          });
      })
      .transform((value) => value as ContainerToolName)
      .optional(),
    dryRun: z.boolean().default(false),
    delete: z.boolean().default(false),
    autoscale: autoscaleSchema.optional(),
    targetCpu: targetCpuSchema.optional(),
    initialDelaySeconds: wholeNumber(0, 3600).optional(),
    loadBalancer: z.boolean().default(false),
  })
  .superRefine((options, ctx) => {
    requireAutoscaleForGroupFlags(options, ctx);
    if (options.delete) return;
    for (const issue of missingToDeploy(options, ["registry", "image"]))
      ctx.addIssue({ code: "custom", ...issue });
    const port = options.env.find(([key]) => key === "PORT")?.[1];
    if (port !== undefined && port !== String(options.port))
      ctx.addIssue({
        code: "custom",
        path: ["env"],
        message: `PORT=${port} disagrees with --port ${options.port}: the server would listen on ${port} while the firewall and the readiness check use ${options.port}; pass --port ${port} instead`,
      });
  });

/**
 * Checks {@link GceDeployOptions}, applies the defaults and derives the
 * registry image name and firewall rule. Every problem is reported at once,
 * as a usage error (exit 2).
 *
 * @example
 * const resolved = resolveGceDeployOptions({ project: "my-project", name: "yolov5", delete: true });
 * resolved.firewallRule; // "servekit-allow-8000"
 */
export function resolveGceDeployOptions(options: GceDeployOptions): ResolvedGceDeployOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      return `- \`${FLAGS[key] ?? key}\` ${issue.message}`;
    });
    throw usageError(`invalid \`deploy gce\` options:\n${problems.join("\n")}`);
  }
  const {
    registry,
    image,
    env,
    networkTag,
    autoscale,
    targetCpu,
    loadBalancer,
    initialDelaySeconds,
    ...rest
  } = parsed.data;
  return {
    ...rest,
    group: autoscale && {
      minReplicas: autoscale.min,
      maxReplicas: autoscale.max,
      targetCpu: targetCpu ?? DEFAULT_TARGET_CPU,
      initialDelaySeconds: initialDelaySeconds ?? DEFAULT_INITIAL_DELAY_SECONDS,
      loadBalancer,
    },
    stopTimeoutSeconds: DEFAULT_STOP_TIMEOUT_SECONDS,
    builder: rest.builder,
    image:
      registry !== undefined && image !== undefined
        ? { local: image, remote: remoteImage(registry, image) }
        : undefined,
    env: [["PORT", String(rest.port)], ...env.filter(([key]) => key !== "PORT")],
    networkTag: networkTag ?? `servekit-${rest.port}`,
    firewallRule: `servekit-allow-${rest.port}`,
  };
}
