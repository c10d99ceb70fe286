import type { ContainerTool } from "../container/container-tool.js";
import { cloudInitUserData } from "./cloud-init.js";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";
import type { PlannedStep } from "./planned-step.js";

/** What exists in the project already, as the `describe` commands of {@link gceStateChecks} found. */
export interface GceState {
  vmExists: boolean;
  firewallRuleExists: boolean;
}

/** One gcloud or container-tool command of a GCE plan; `reads` marks the `describe` that gives an IP. */
export type GceStep = PlannedStep<"external-ip" | "load-balancer-ip">;

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
 * The cloud-init `user-data` a VM (or each VM of a group) boots with: it
 * runs the pushed image under systemd. Deploy writes it to a file that
 * `--metadata-from-file=user-data=FILE` reads.
 *
 * @example
 * writeFileSync("user-data.yaml", gceUserData(resolveGceDeployOptions(options)));
 */
export function gceUserData(o: ResolvedGceDeployOptions): string {
  if (!o.image) throw new TypeError("gceUserData needs options with an image (not delete)");
  return cloudInitUserData({
    image: o.image.remote,
    port: o.port,
    env: o.env,
    stopTimeoutSeconds: o.stopTimeoutSeconds,
  });
}

/** The tag and push of the image, the first steps of every deploy. */
export function pushSteps(
  o: ResolvedGceDeployOptions,
  tool: Pick<ContainerTool, "commandLine">,
): GceStep[] {
  // resolveGceDeployOptions requires registry and image unless deleting.
  const image = o.image!;
  return [
    {
      description: `Tag ${image.local} for Artifact Registry`,
      argv: tool.commandLine("tag", image.local, image.remote),
    },
    { description: `Push ${image.remote}`, argv: tool.commandLine("push", image.remote) },
  ];
}

/** The firewall rule that opens the port to anyone, for the VMs with the network tag. */
export function publicPortRuleStep(o: ResolvedGceDeployOptions): GceStep {
  return {
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
  };
}

/** The Container-Optimized OS image flags of a VM or an instance template. */
export const COS_IMAGE = ["--image-family=cos-stable", "--image-project=cos-cloud"];

/**
 * The commands that deploy an image to a GCE VM: tag and push it to
 * Artifact Registry, create the VM on Container-Optimized OS with a
 * cloud-init `user-data` (read from `userDataFile`, see {@link gceUserData})
 * that runs the image, or give the existing VM the new user-data and reset
 * it; open the port for the VM's network tag when no rule does yet, and read
 * the VM's external IP. Pure: it runs nothing.
 *
 * @example
 * const steps = planGceDeploy(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit" },
 *   { vmExists: false, firewallRuleExists: false },
 *   tool,
 *   "/tmp/yolov5.user-data.yaml",
 * );
 * steps.map((s) => s.argv.join(" "));
 */
export function planGceDeploy(
  options: GceDeployOptions,
  state: GceState,
  tool: Pick<ContainerTool, "commandLine">,
  userDataFile: string,
): GceStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: false });
  const where = [`--project=${o.project}`, `--zone=${o.zone}`];
  const userData = `--metadata-from-file=user-data=${userDataFile}`;
  const steps: GceStep[] = pushSteps(o, tool);
  if (state.vmExists) {
    // Update in place rather than delete and recreate: the VM keeps its
    // external IP (ephemeral IPs go with the VM) and its boot disk with the
    // image layers already pulled. COS applies user-data at every boot, so a
    // reset starts the new unit. The reset is abrupt, as any single-VM
    // update is: for updates without downtime, use --autoscale (rolling update).
    steps.push(
      {
        description: `Give VM ${o.name} the new cloud-init user-data`,
        argv: ["gcloud", "compute", "instances", "add-metadata", o.name, ...where, userData],
      },
      {
        description: `Reset VM ${o.name} so it boots with the new user-data (pulls the new image)`,
        argv: ["gcloud", "compute", "instances", "reset", o.name, ...where],
      },
    );
  } else {
    steps.push({
      description: `Create VM ${o.name} (${o.machineType}, Container-Optimized OS) running the image`,
      argv: [
        "gcloud",
        "compute",
        "instances",
        "create",
        o.name,
        ...where,
        `--machine-type=${o.machineType}`,
        ...COS_IMAGE,
        userData,
        `--tags=${o.networkTag}`,
      ],
    });
  }
  if (!state.firewallRuleExists) steps.push(publicPortRuleStep(o));
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
export function planGceDelete(options: GceDeployOptions, state: GceState): GceStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: true });
  const steps: GceStep[] = [];
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
