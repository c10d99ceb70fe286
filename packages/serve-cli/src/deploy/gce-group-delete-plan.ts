import { type GceGroupState, gceGroupNames } from "./gce-group-resources.js";
import { type GceDeployOptions, resolveGceDeployOptions } from "./gce-options.js";
import type { GceStep } from "./gce-plan.js";

/**
 * The commands that remove a group deployment, each only if it exists and
 * in dependency order: load balancer (forwarding rule first), the group (its
 * VMs and autoscaler go with it), health check, instance templates, health
 * check firewall rule. The public port rule is `planGceDelete`'s. Pure.
 *
 * @example
 * planGceGroupDelete({ project: "my-project", name: "yolov5", delete: true }, state);
 */
export function planGceGroupDelete(options: GceDeployOptions, state: GceGroupState): GceStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: true });
  const n = gceGroupNames(o);
  const del = (what: string, argv: string[]) => ({
    description: `Delete ${what}`,
    argv: ["gcloud", "compute", ...argv, `--project=${o.project}`, "--quiet"],
  });
  const steps: GceStep[] = [];
  if (state.forwardingRuleExists)
    steps.push(
      del(`forwarding rule ${n.forwardingRule}`, [
        "forwarding-rules",
        "delete",
        n.forwardingRule,
        "--global",
      ]),
    );
  if (state.proxyExists)
    steps.push(
      del(`HTTP proxy ${n.proxy}`, ["target-http-proxies", "delete", n.proxy, "--global"]),
    );
  if (state.urlMapExists)
    steps.push(del(`URL map ${n.urlMap}`, ["url-maps", "delete", n.urlMap, "--global"]));
  if (state.backendServiceExists)
    steps.push(
      del(`backend service ${n.backendService}`, [
        "backend-services",
        "delete",
        n.backendService,
        "--global",
      ]),
    );
  if (state.groupTemplate !== undefined)
    steps.push(
      del(`managed instance group ${n.group}, its VMs and its autoscaler`, [
        "instance-groups",
        "managed",
        "delete",
        n.group,
        `--zone=${o.zone}`,
      ]),
    );
  if (state.healthCheckExists)
    steps.push(
      del(`health check ${n.healthCheck}`, ["health-checks", "delete", n.healthCheck, "--global"]),
    );
  for (const template of state.templates ?? [])
    steps.push(del(`instance template ${template}`, ["instance-templates", "delete", template]));
  if (state.healthCheckRuleExists)
    steps.push(
      del(`firewall rule ${n.healthCheckRule}`, ["firewall-rules", "delete", n.healthCheckRule]),
    );
  return steps;
}
