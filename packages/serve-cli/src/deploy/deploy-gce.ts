import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import { containerToolOf } from "./deploy-deps.js";
import { deleteGce } from "./deploy-gce-delete.js";
import { deployGceGroup } from "./deploy-gce-group.js";
import type { GceDeployDeps, GceDeployResult } from "./deploy-gce-result.js";
import {
  defaultGcloudRunner,
  exists,
  parseGcloudJson,
  userDataHeredoc,
  withHeredoc,
  withUserDataFile,
} from "./deploy-gce-steps.js";
import { dryRunScript } from "./dry-run-script.js";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";
import { type GceState, gceStateChecks, gceUserData, planGceDeploy } from "./gce-plan.js";
import { runStep } from "./run-step.js";
import { commandLine } from "./shell-quote.js";
import { waitForDeployedServer } from "./wait-for-ready.js";

export type { GceDeployDeps, GceDeployResult } from "./deploy-gce-result.js";

/**
 * Deploys a locally built image to Compute Engine, as a GCE user would by
 * hand with gcloud: push it to Artifact Registry, then run it on
 * Container-Optimized OS under a cloud-init systemd unit — one VM (created,
 * or updated and reset), or with `autoscale` a managed instance group with
 * autohealing, an autoscaler and optionally a load balancer (updated by a
 * rolling update). Waits until `/health/ready` answers. With `delete`,
 * removes what deploy made; with `dryRun`, only returns the commands.
 *
 * @example
 * const result = await deployGce(
 *   { project: "my-project", name: "yolov5", image: "yolov5:latest",
 *     registry: "us-central1-docker.pkg.dev/my-project/servekit", autoscale: "2:5" },
 *   { containerTool: () => detectContainerTool(), log: (line) => process.stderr.write(`${line}\n`) },
 * );
 * if (result.kind === "deployed") console.log(result.url);
 */
export async function deployGce(
  options: GceDeployOptions,
  deps: GceDeployDeps = {},
): Promise<GceDeployResult> {
  const o = resolveGceDeployOptions(options);
  const log = deps.log ?? (() => {});
  if (o.delete) return deleteGce(options, o, deps);

  const tool = await containerToolOf(deps, "deployGce");
  if (o.group) return deployGceGroup(options, o, tool, deps);
  if (o.dryRun) return dryRunDeploy(options, o, tool);

  const runner = deps.runner ?? defaultGcloudRunner();
  const checks = gceStateChecks(options);
  const state: GceState = {
    vmExists: await exists(runner, checks.vm, `VM ${o.name}`),
    firewallRuleExists: await exists(
      runner,
      checks.firewallRule,
      `firewall rule ${o.firewallRule}`,
    ),
  };
  log(
    `→ VM ${o.name} ${state.vmExists ? "exists: giving it the new user-data and resetting it" : "does not exist yet: creating it"}; ` +
      `firewall rule ${o.firewallRule} ${state.firewallRuleExists ? "exists" : "does not exist yet: creating it"}`,
  );
  let ip: string | undefined;
  await withUserDataFile(o.name, gceUserData(o), async (userDataFile) => {
    for (const step of planGceDeploy(options, state, tool, userDataFile)) {
      const result = await runStep(runner, step, log);
      if (step.reads === "external-ip") ip = externalIp(result.stdout, o);
    }
  });
  const url = `http://${ip}:${o.port}`;
  await waitForDeployedServer(url, {
    timeoutSeconds: o.timeoutSeconds,
    log,
    readiness: deps.readiness,
    hint:
      "the VM is running, but its container may still be pulling or starting, or it failed; " +
      `see its boot log (cloud-init and the servekit unit) with \`gcloud compute instances get-serial-port-output ${o.name} --project=${o.project} --zone=${o.zone}\`, ` +
      "or wait longer with --timeout",
  });
  return { kind: "deployed", url, created: !state.vmExists, image: o.image!.remote };
}

function dryRunDeploy(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  tool: ContainerTool,
): GceDeployResult {
  const checks = gceStateChecks(options);
  const userDataFile = `${o.name}.user-data.yaml`;
  const script = dryRunScript({
    assumptions: [
      `Assuming the VM "${o.name}" does not exist yet (if it does, a real run gives it the new user-data with`,
      "`gcloud compute instances add-metadata` and resets it instead of creating it) and that the firewall rule",
      `"${o.firewallRule}" does not exist yet (if it does, a real run skips creating it).`,
      "A real run checks both first with:",
      `  ${commandLine(checks.vm)}`,
      `  ${commandLine(checks.firewallRule)}`,
    ],
    steps: planGceDeploy(
      options,
      { vmExists: false, firewallRuleExists: false },
      tool,
      userDataFile,
    ),
    afterwards: `Then: wait up to ${o.timeoutSeconds} s for http://EXTERNAL_IP:${o.port}/health/ready (the IP read above) to answer 200.`,
  });
  return {
    kind: "dry-run",
    script: withHeredoc(script, userDataHeredoc(userDataFile, gceUserData(o))),
  };
}

/** `networkInterfaces[0].accessConfigs[0].natIP` of `gcloud compute instances describe --format=json`. */
function externalIp(describeJson: string, o: ResolvedGceDeployOptions): string {
  const instance = parseGcloudJson<{
    networkInterfaces?: { accessConfigs?: { natIP?: string }[] }[];
  }>(describeJson, `gcloud compute instances describe ${o.name}`);
  const ip = instance.networkInterfaces?.[0]?.accessConfigs?.[0]?.natIP;
  if (!ip) {
    throw new CliError(
      `VM ${o.name} has no external IP (networkInterfaces[0].accessConfigs[0].natIP is empty), so it cannot be reached from here; ` +
        `give it one with \`gcloud compute instances add-access-config ${o.name} --project=${o.project} --zone=${o.zone}\``,
    );
  }
  return ip;
}
