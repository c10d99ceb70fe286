import type { ContainerTool } from "../container/container-tool.js";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";

/** What exists in the project already, as the `describe` commands of {@link gceStateChecks} found. */
export interface GceState {
  vmExists: boolean;
  firewallRuleExists: boolean;
}

/** One command of a plan. */
export interface PlannedStep {
  /** What the step does, for progress output and error messages. */
  description: string;
  /** The program and its arguments, run without a shell. */
  argv: string[];
  /** Set on the `describe` whose JSON output gives the VM's external IP. */
  reads?: "external-ip";
}

/**
 * The `gcloud … describe` commands that tell whether the VM and the firewall
 * rule exist: exit 0 and JSON when they do, non-zero and "was not found" when not.
 *
 * @example
 * const { vm, firewallRule } = gceStateChecks({ project: "my-project", name: "yolov5", delete: true });
 */
export function gceStateChecks(options: GceDeployOptions): {
  vm: string[];
  firewallRule: string[];
} {
  const o = resolveGceDeployOptions(options);
  return {
    vm: describeVm(o),
    firewallRule: [
      "gcloud",
      "compute",
      "firewall-rules",
      "describe",
      o.firewallRule,
      `--project=${o.project}`,
      "--format=json",
    ],
  };
}

/**
 * The commands that deploy an image to a GCE VM: tag and push it to
 * Artifact Registry, create the VM on Container-Optimized OS (or point the
 * existing one at the new image), open the port for the VM's network tag
 * when no rule does yet, and read the VM's external IP. Pure: it runs nothing.
 *
 * @example
 * const steps = planGceDeploy(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit" },
 *   { vmExists: false, firewallRuleExists: false },
 *   tool,
 * );
 * steps.map((s) => s.argv.join(" "));
 */
export function planGceDeploy(
  options: GceDeployOptions,
  state: GceState,
  tool: Pick<ContainerTool, "commandLine">,
): PlannedStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: false });
  // resolveGceDeployOptions requires registry and image unless deleting.
  const image = o.image!;
  const where = [`--project=${o.project}`, `--zone=${o.zone}`];
  const imageFlag = `--container-image=${image.remote}`;
  const envFlag = containerEnvFlag(o.env);
  const steps: PlannedStep[] = [
    {
      description: `Tag ${image.local} for Artifact Registry`,
      argv: tool.commandLine("tag", image.local, image.remote),
    },
    { description: `Push ${image.remote}`, argv: tool.commandLine("push", image.remote) },
    state.vmExists
      ? {
          description: `Point VM ${o.name} at the new image (its container restarts)`,
          argv: [
            "gcloud",
            "compute",
            "instances",
            "update-container",
            o.name,
            ...where,
            imageFlag,
            envFlag,
          ],
        }
      : {
          description: `Create VM ${o.name} (${o.machineType}, Container-Optimized OS) running the image`,
          argv: [
            "gcloud",
            "compute",
            "instances",
            "create-with-container",
            o.name,
            ...where,
            `--machine-type=${o.machineType}`,
            imageFlag,
            "--container-restart-policy=always",
            envFlag,
            `--tags=${o.networkTag}`,
            "--image-family=cos-stable",
            "--image-project=cos-cloud",
          ],
        },
  ];
  if (!state.firewallRuleExists) {
    steps.push({
      description: `Allow tcp:${o.port} from anywhere to VMs tagged ${o.networkTag}`,
      argv: [
        "gcloud",
        "compute",
        "firewall-rules",
        "create",
        o.firewallRule,
        `--project=${o.project}`,
        `--allow=tcp:${o.port}`,
        `--target-tags=${o.networkTag}`,
        "--source-ranges=0.0.0.0/0",
        `--description=servekit: HTTP on port ${o.port} for VMs tagged ${o.networkTag}`,
      ],
    });
  }
  steps.push({
    description: `Read the external IP of VM ${o.name}`,
    argv: describeVm(o),
    reads: "external-ip",
  });
  return steps;
}

/**
 * The commands that remove what {@link planGceDeploy} made: the VM (and its
 * boot disk) and the firewall rule, each only if it exists. The pushed image
 * stays in Artifact Registry. Pure: it runs nothing.
 *
 * @example
 * planGceDelete({ project: "my-project", name: "yolov5" }, { vmExists: true, firewallRuleExists: true });
 */
export function planGceDelete(options: GceDeployOptions, state: GceState): PlannedStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: true });
  const steps: PlannedStep[] = [];
  if (state.vmExists) {
    steps.push({
      description: `Delete VM ${o.name} and its boot disk`,
      argv: [
        "gcloud",
        "compute",
        "instances",
        "delete",
        o.name,
        `--project=${o.project}`,
        `--zone=${o.zone}`,
        "--quiet",
      ],
    });
  }
  if (state.firewallRuleExists) {
    steps.push({
      description: `Delete firewall rule ${o.firewallRule}`,
      argv: [
        "gcloud",
        "compute",
        "firewall-rules",
        "delete",
        o.firewallRule,
        `--project=${o.project}`,
        "--quiet",
      ],
    });
  }
  return steps;
}

function describeVm(o: ResolvedGceDeployOptions): string[] {
  return [
    "gcloud",
    "compute",
    "instances",
    "describe",
    o.name,
    `--project=${o.project}`,
    `--zone=${o.zone}`,
    "--format=json",
  ];
}

/**
 * `--container-env=K=V,K2=V2`, gcloud's list syntax. A value with a comma
 * switches to gcloud's alternate delimiter (`^;^K=a,b;K2=c`, see
 * `gcloud topic escaping`), so values reach the container intact.
 */
function containerEnvFlag(env: readonly [string, string][]): string {
  const pairs = env.map(([key, value]) => `${key}=${value}`);
  if (!pairs.some((pair) => pair.includes(","))) return `--container-env=${pairs.join(",")}`;
  const unused = (d: string) => pairs.every((pair) => !pair.includes(d));
  let delimiter = [";", "|", "#", "~"].find(unused) ?? ";;";
  while (!unused(delimiter)) delimiter += ";";
  return `--container-env=^${delimiter}^${pairs.join(delimiter)}`;
}
