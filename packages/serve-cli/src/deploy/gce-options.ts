import { serveOptionsSchema, z } from "@servekit/core";
import { usageError } from "../cli-error.js";
import type { ContainerToolName } from "../container/container-tool.js";

/** What `serve-cli deploy gce` deploys, and where. */
export interface GceDeployOptions {
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
  /** Delete the VM and its firewall rule instead of deploying. @default false */
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
}

const TOOLS = ["docker", "podman", "buildah"] as const;
const RFC1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
// Project ids: 6–30 characters, optionally domain-scoped ("example.com:my-project").
const PROJECT = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;
const MACHINE_TYPE = /^[a-z0-9][a-z0-9-]*$/;
const REGISTRY =
  /^[a-z][a-z0-9-]*[a-z0-9]-docker\.pkg\.dev\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
// A local image reference without a digest; any registry/namespace prefix is dropped when pushing.
const IMAGE =
  /^(?:[^\s@:/]+(?::[0-9]+)?\/)*([a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?$/;
const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
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
};

const required = (example: string) => ({
  error: (issue: { input: unknown }) =>
    issue.input === undefined ? `is required, e.g. ${example}` : "must be text",
});

function matching(pattern: RegExp, expected: string) {
  return z.string().superRefine((value, ctx) => {
    if (!pattern.test(value))
      ctx.addIssue({ code: "custom", message: `must be ${expected}; got "${value}"` });
  });
}

function wholeNumber(min: number, max: number) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const n = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    ctx.addIssue({ code: "custom", message: `must be a whole number ${min}–${max}; got ${value}` });
    return z.NEVER;
  });
}

const envSchema = z
  .union([z.array(z.string()), z.record(z.string(), z.string())])
  .transform((env, ctx) => {
    const pairs: [string, string][] = [];
    const entries = Array.isArray(env)
      ? env.map((item) => {
          const at = item.indexOf("=");
          return at > 0 ? [item.slice(0, at), item.slice(at + 1)] : [item, undefined];
        })
      : Object.entries(env);
    for (const [key, value] of entries as [string, string | undefined][]) {
      if (value === undefined || !ENV_KEY.test(key)) {
        ctx.addIssue({
          code: "custom",
          message: `must be KEY=VALUE with KEY a letter or _ then letters, digits or _, e.g. --env LOG_LEVEL=debug; got "${value === undefined ? key : `${key}=${value}`}"`,
        });
        continue;
      }
      const existing = pairs.findIndex(([k]) => k === key);
      if (existing >= 0) pairs.splice(existing, 1); // the last value wins, as in gcloud
      pairs.push([key, value]);
    }
    return pairs;
  });

const schema = z
  .object({
    project: z
      .string(required("--project my-project"))
      .pipe(
        matching(PROJECT, "a Google Cloud project id (6–30 lowercase letters, digits, hyphens)"),
      ),
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
    registry: z
      .string()
      .transform((value) => value.replace(/\/+$/, ""))
      .pipe(
        matching(
          REGISTRY,
          "an Artifact Registry repository REGION-docker.pkg.dev/PROJECT/REPOSITORY, e.g. us-central1-docker.pkg.dev/my-project/servekit",
        ),
      )
      .optional(),
    image: matching(
      IMAGE,
      "a local image name:tag without a digest, e.g. yolov5:latest",
    ).optional(),
    env: envSchema.default([]),
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
  })
  .superRefine((options, ctx) => {
    if (options.delete) return;
    if (options.registry === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["registry"],
        message:
          "is required to deploy, e.g. --registry us-central1-docker.pkg.dev/my-project/servekit",
      });
    if (options.image === undefined)
      ctx.addIssue({
        code: "custom",
        path: ["image"],
        message:
          "is required to deploy: the image `serve-cli build` made, e.g. --image yolov5:latest",
      });
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
  const { registry, image, env, networkTag, ...rest } = parsed.data;
  return {
    ...rest,
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

/** `<registry>/<name>:<tag>` for a local `[prefix/]name[:tag]` (tag "latest" when absent). */
function remoteImage(registry: string, image: string): string {
  const [, name, tag] = IMAGE.exec(image) ?? [];
  return `${registry}/${name}:${tag ?? "latest"}`;
}
