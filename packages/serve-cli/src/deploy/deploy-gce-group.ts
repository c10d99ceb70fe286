import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import type { CommandRunner } from "./command-runner.js";
import type { GceDeployDeps, GceDeployResult } from "./deploy-gce-result.js";
import {
  defaultGcloudRunner,
  describeJson,
  exists,
  parseGcloudJson,
  userDataHeredoc,
  withHeredoc,
  withUserDataFile,
} from "./deploy-gce-steps.js";
import { dryRunScript } from "./dry-run-script.js";
import { planGceGroupDeploy } from "./gce-group-plan.js";
import {
  type GceGroupState,
  gceGroupNames,
  gceGroupStateChecks,
  instanceTemplateName,
  NO_GCE_GROUP,
} from "./gce-group-resources.js";
import type { GceDeployOptions, ResolvedGceDeployOptions } from "./gce-options.js";
import { gceUserData } from "./gce-plan.js";
import { runStep, tail } from "./run-step.js";
import { commandLine } from "./shell-quote.js";
import { waitForDeployedServer } from "./wait-for-ready.js";

/**
 * `deploy gce --autoscale`: reads what exists, runs the group plan (create,
 * or roll to a new template), and with a load balancer waits until its IP
 * answers `/health/ready`. With `dryRun`, returns the commands as a script.
 *
 * @example
 * await deployGceGroup(options, resolveGceDeployOptions(options), tool, { log: console.error });
 */
export async function deployGceGroup(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  tool: ContainerTool,
  deps: GceDeployDeps,
): Promise<GceDeployResult> {
  const log = deps.log ?? (() => {});
  const n = gceGroupNames(o);
  const template = instanceTemplateName(o);
  if (o.dryRun) return dryRunGroup(options, o, tool);

  const runner = deps.runner ?? defaultGcloudRunner();
  const state = await readGceGroupState(runner, options, o, { forDelete: false });
  log(
    state.groupTemplate === undefined
      ? `→ Group ${n.group} does not exist yet: creating it with template ${template}`
      : state.groupTemplate === template
        ? `→ Group ${n.group} already runs template ${template}: updating its autoscaling only`
        : `→ Group ${n.group} runs template ${state.groupTemplate}: rolling it to ${template}`,
  );
  let lbIp: string | undefined;
  await withUserDataFile(o.name, gceUserData(o), async (userDataFile) => {
    for (const step of planGceGroupDeploy(options, state, tool, userDataFile)) {
      const result = await runStep(runner, step, log);
      if (step.reads === "load-balancer-ip")
        lbIp = parseGcloudJson<{ IPAddress?: string }>(
          result.stdout,
          `gcloud compute forwarding-rules describe ${n.forwardingRule}`,
        ).IPAddress;
    }
  });
  const url = lbIp && `http://${lbIp}`;
  if (url)
    await waitForDeployedServer(url, {
      timeoutSeconds: o.timeoutSeconds,
      log,
      readiness: deps.readiness,
      hint:
        "a new load balancer takes a few minutes to start routing; see the backends' health with " +
        `\`gcloud compute backend-services get-health ${n.backendService} --global --project=${o.project}\`, or wait longer with --timeout`,
    });
  const listVms = listVmsCommand(o);
  if (!url) log(`→ The group's VMs and their external IPs: ${listVms}`);
  return {
    kind: "deployed-group",
    group: n.group,
    url,
    created: state.groupTemplate === undefined,
    rolled: state.groupTemplate !== undefined && state.groupTemplate !== template,
    image: o.image!.remote,
    listVms,
  };
}

/**
 * What exists of a group deployment. A deploy reads the load balancer's
 * parts only when it wants one; a delete reads everything, including the
 * group's instance templates.
 */
export async function readGceGroupState(
  runner: CommandRunner,
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  { forDelete }: { forDelete: boolean },
): Promise<GceGroupState> {
  const checks = gceGroupStateChecks(options);
  const n = gceGroupNames(o);
  const has = (argv: string[], what: string) => exists(runner, argv, what);
  const groupJson = await describeJson(runner, checks.group, `managed instance group ${n.group}`);
  const lb = forDelete || o.group?.loadBalancer === true;
  const state: GceGroupState = {
    templateExists: checks.template ? await has(checks.template, "the instance template") : false,
    groupTemplate: groupJson === undefined ? undefined : runningTemplate(groupJson, n.group),
    healthCheckExists: await has(checks.healthCheck, `health check ${n.healthCheck}`),
    healthCheckRuleExists: await has(checks.healthCheckRule, `firewall rule ${n.healthCheckRule}`),
    portRuleExists: await has(checks.portRule, `firewall rule ${o.firewallRule}`),
    backendServiceExists: lb && (await has(checks.backendService, "the backend service")),
    urlMapExists: lb && (await has(checks.urlMap, "the URL map")),
    proxyExists: lb && (await has(checks.proxy, "the HTTP proxy")),
    forwardingRuleExists: lb && (await has(checks.forwardingRule, "the forwarding rule")),
  };
  if (forDelete) {
    const listed = await runner.run(checks.templates);
    if (listed.code !== 0)
      throw new CliError(
        `could not list the instance templates of ${n.group}: \`${commandLine(checks.templates)}\` exited ${listed.code}:\n${tail(listed.stderr || listed.stdout)}`,
      );
    state.templates = listed.stdout
      .split("\n")
      .map((line) => line.trim())
      .filter(Boolean);
  }
  return state;
}

/** The template name (last path segment) in `instance-groups managed describe --format=json`. */
function runningTemplate(json: string, group: string): string {
  const mig = parseGcloudJson<{
    instanceTemplate?: string;
    versions?: { instanceTemplate?: string }[];
  }>(json, `gcloud compute instance-groups managed describe ${group}`);
  const url = mig.instanceTemplate ?? mig.versions?.[0]?.instanceTemplate ?? "";
  return url.split("/").at(-1) ?? "";
}

function listVmsCommand(o: ResolvedGceDeployOptions): string {
  return commandLine([
    "gcloud",
    "compute",
    "instances",
    "list",
    `--project=${o.project}`,
    `--filter=name~^${o.name}-`,
    "--format=table(name,status,networkInterfaces[0].accessConfigs[0].natIP)",
  ]);
}

function dryRunGroup(
  options: GceDeployOptions,
  o: ResolvedGceDeployOptions,
  tool: ContainerTool,
): GceDeployResult {
  const checks = gceGroupStateChecks(options);
  const n = gceGroupNames(o);
  const userDataFile = `${o.name}.user-data.yaml`;
  const lb = o.group?.loadBalancer === true;
  const reads = [
    checks.template!,
    checks.group,
    checks.healthCheck,
    checks.healthCheckRule,
    ...(lb
      ? [checks.backendService, checks.urlMap, checks.proxy, checks.forwardingRule]
      : [checks.portRule]),
  ];
  const script = dryRunScript({
    assumptions: [
      `Assuming nothing of group "${n.group}" exists yet. A real run skips what exists, and when the group`,
      `runs another template it rolls it to ${instanceTemplateName(o)} with`,
      "`gcloud compute instance-groups managed rolling-action start-update` instead of creating it.",
      "A real run checks first with:",
      ...reads.map((argv) => `  ${commandLine(argv)}`),
    ],
    steps: planGceGroupDeploy(options, NO_GCE_GROUP, tool, userDataFile),
    afterwards: lb
      ? `Then: wait up to ${o.timeoutSeconds} s for http://LOAD_BALANCER_IP/health/ready (the IP read above) to answer 200.`
      : `Then: list the VMs and their IPs with ${listVmsCommand(o)}`,
  });
  return {
    kind: "dry-run",
    script: withHeredoc(script, userDataHeredoc(userDataFile, gceUserData(o))),
  };
}
