import { readGceGroupState } from "./deploy-gce-group.js";
import type { GceDeployDeps, GceDeployResult } from "./deploy-gce-result.js";
import { defaultGcloudRunner, exists } from "./deploy-gce-steps.js";
import { dryRunScript } from "./dry-run-script.js";
import { planGceGroupDelete } from "./gce-group-delete-plan.js";
import { type GceGroupState, gceGroupNames, gceGroupStateChecks } from "./gce-group-resources.js";
import type { GceDeployOptions, ResolvedGceDeployOptions } from "./gce-options.js";
import { type GceStep, gceStateChecks, planGceDelete } from "./gce-plan.js";
import { runStep } from "./run-step.js";
import { commandLine } from "./shell-quote.js";

/**
 * `deploy gce --delete`: removes whatever a deploy of this name made, a VM
 * or a group (with its load balancer, health check and templates), and the
 * firewall rules, skipping what does not exist. `--autoscale` is not needed:
 * a real run checks for both. The image stays in Artifact Registry.
 *
 * @example
 * await deleteGce(options, resolveGceDeployOptions(options), { log: console.error });
 */
export async function deleteGce(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  deps: GceDeployDeps,
): Promise<GceDeployResult> {
  if (o.dryRun) return dryRunDelete(options, o);
  const runner = deps.runner ?? defaultGcloudRunner();
  const log = deps.log ?? (() => {});
  const checks = gceStateChecks(options);
  const vmExists = await exists(runner, checks.vm, `VM ${o.name}`);
  const firewallRuleExists = await exists(
    runner,
    checks.firewallRule,
    `firewall rule ${o.firewallRule}`,
  );
  const group = await readGceGroupState(runner, options, o, { forDelete: true });
  const steps = [
    ...planGceGroupDelete(options, group),
    ...planGceDelete(options, { vmExists, firewallRuleExists }),
  ];
  if (steps.length === 0)
    log(`nothing named ${o.name} (VM, group, rules) exists in ${o.project}/${o.zone}`);
  for (const step of steps) await runStep(runner, step, log);
  return { kind: "deleted", removed: steps.map(removedThing) };
}

/** "Delete VM yolov5 and its boot disk" → "VM yolov5". */
function removedThing(step: GceStep): string {
  return step.description.replace(/^Delete /, "").replace(/( and its boot disk|, its VMs.*)$/, "");
}

function dryRunDelete(options: GceDeployOptions, o: ResolvedGceDeployOptions): GceDeployResult {
  const checks = gceStateChecks(options);
  if (!o.group)
    return {
      kind: "dry-run",
      script: dryRunScript({
        assumptions: [
          `Assuming the VM "${o.name}" and the firewall rule "${o.firewallRule}" both exist`,
          "(a real run checks with the commands below and skips whichever does not; it also",
          "looks for a managed instance group of this name, which --autoscale shows here):",
          `  ${commandLine(checks.vm)}`,
          `  ${commandLine(checks.firewallRule)}`,
          "The image stays in Artifact Registry.",
        ],
        steps: planGceDelete(options, { vmExists: true, firewallRuleExists: true }),
      }),
    };
  const g = gceGroupStateChecks(options);
  const lb = o.group.loadBalancer;
  const all: GceGroupState = {
    templateExists: true,
    groupTemplate: gceGroupNames(o).group,
    healthCheckExists: true,
    healthCheckRuleExists: true,
    portRuleExists: !lb,
    backendServiceExists: lb,
    urlMapExists: lb,
    proxyExists: lb,
    forwardingRuleExists: lb,
  };
  return {
    kind: "dry-run",
    script: dryRunScript({
      assumptions: [
        `Assuming group "${o.name}"${lb ? ", its load balancer" : ""} and its rules exist (a real run checks each`,
        "with `gcloud compute … describe` and skips what does not exist). A real run also deletes each",
        "instance template this command finds:",
        `  ${commandLine(g.templates)}`,
        "The image stays in Artifact Registry.",
      ],
      steps: [
        ...planGceGroupDelete(options, all),
        ...planGceDelete(options, { vmExists: false, firewallRuleExists: !lb }),
      ],
    }),
  };
}
