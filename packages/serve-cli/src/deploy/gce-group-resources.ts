import { createHash } from "node:crypto";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";
import { gceUserData } from "./gce-plan.js";

/** What exists of a group deployment, as the commands of {@link gceGroupStateChecks} found. */
export interface GceGroupState {
  /** The instance template for this image and settings exists (an earlier deploy made it). */
  templateExists: boolean;
  /** The template the group runs now (its name); undefined when there is no group. */
  groupTemplate: string | undefined;
  healthCheckExists: boolean;
  healthCheckRuleExists: boolean;
  portRuleExists: boolean;
  backendServiceExists: boolean;
  urlMapExists: boolean;
  proxyExists: boolean;
  forwardingRuleExists: boolean;
  /** For delete: the instance templates deploys of this group made (from `gceGroupStateChecks().templates`). */
  templates?: string[];
}

/**
 * A project with nothing of the group deployment yet: what a dry run
 * assumes, and the state before a first deploy.
 *
 * @example
 * planGceGroupDeploy(options, NO_GCE_GROUP, tool, "/tmp/yolov5.user-data.yaml");
 */
export const NO_GCE_GROUP: Readonly<GceGroupState> = {
  templateExists: false,
  groupTemplate: undefined,
  healthCheckExists: false,
  healthCheckRuleExists: false,
  portRuleExists: false,
  backendServiceExists: false,
  urlMapExists: false,
  proxyExists: false,
  forwardingRuleExists: false,
};

/** The names of a group deployment's resources, all derived from `name`. */
export interface GceGroupNames {
  group: string;
  healthCheck: string;
  healthCheckRule: string;
  backendService: string;
  urlMap: string;
  proxy: string;
  forwardingRule: string;
}

/** The source ranges of Google's health checkers and of its load balancers' proxies. */
export const HEALTH_CHECK_RANGES = ["130.211.0.0/22", "35.191.0.0/16"];

const MAX_NAME = 63;
/** `name` + `suffix` within GCE's 63 characters, never ending `-` before the suffix. */
function withSuffix(name: string, suffix: string): string {
  return name.slice(0, MAX_NAME - suffix.length).replace(/-+$/, "") + suffix;
}

/**
 * The names of the group's resources. The group is named like the VM would
 * be; the rest carry a suffix.
 *
 * @example
 * gceGroupNames(resolveGceDeployOptions({ project: "my-project", name: "yolov5", delete: true })).healthCheck; // "yolov5-ready"
 */
export function gceGroupNames(o: ResolvedGceDeployOptions): GceGroupNames {
  return {
    group: o.name,
    healthCheck: withSuffix(o.name, "-ready"),
    // One rule per group, so deleting a group never cuts off another group's health checks.
    healthCheckRule: withSuffix(o.name, "-allow-health-checks"),
    backendService: withSuffix(o.name, "-backend"),
    urlMap: withSuffix(o.name, "-lb"),
    proxy: withSuffix(o.name, "-proxy"),
    forwardingRule: withSuffix(o.name, "-http"),
  };
}

/**
 * The instance template's name: `<name>-<hash>` of everything a template
 * holds (user-data with the image, machine type, tag). Templates cannot be
 * changed, so a new image makes a new template, and the same one is reused.
 *
 * @example
 * instanceTemplateName(resolveGceDeployOptions(options)); // "yolov5-3f9a0c1e"
 */
export function instanceTemplateName(o: ResolvedGceDeployOptions): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([gceUserData(o), o.machineType, o.networkTag]))
    .digest("hex")
    .slice(0, 8);
  return withSuffix(o.name, `-${hash}`);
}

/**
 * The commands that read what exists: `describe`s (exit 0 when it does,
 * "was not found" when not; the group's JSON names its template) and, for
 * delete, the list of the group's instance templates (one name a line).
 *
 * @example
 * const checks = gceGroupStateChecks({ project: "my-project", name: "yolov5", delete: true });
 */
export function gceGroupStateChecks(options: GceDeployOptions) {
  const o = resolveGceDeployOptions(options);
  const n = gceGroupNames(o);
  const project = `--project=${o.project}`;
  const describe = (kind: string, name: string, ...scope: string[]) => [
    "gcloud",
    "compute",
    kind,
    "describe",
    name,
    project,
    ...scope,
    "--format=json",
  ];
  return {
    template: o.image ? describe("instance-templates", instanceTemplateName(o)) : undefined,
    group: [
      "gcloud",
      "compute",
      "instance-groups",
      "managed",
      "describe",
      n.group,
      project,
      `--zone=${o.zone}`,
      "--format=json",
    ],
    healthCheck: describe("health-checks", n.healthCheck, "--global"),
    healthCheckRule: describe("firewall-rules", n.healthCheckRule),
    portRule: describe("firewall-rules", o.firewallRule),
    backendService: describe("backend-services", n.backendService, "--global"),
    urlMap: describe("url-maps", n.urlMap, "--global"),
    proxy: describe("target-http-proxies", n.proxy, "--global"),
    forwardingRule: describe("forwarding-rules", n.forwardingRule, "--global"),
    templates: [
      "gcloud",
      "compute",
      "instance-templates",
      "list",
      project,
      `--filter=name~^${o.name}-[0-9a-f]{8}$`,
      "--format=value(name)",
    ],
  };
}
