import type { ContainerTool } from "../container/container-tool.js";
import {
  type GceGroupNames,
  type GceGroupState,
  gceGroupNames,
  gceGroupStateChecks,
  HEALTH_CHECK_RANGES,
  instanceTemplateName,
} from "./gce-group-resources.js";
import {
  type GceDeployOptions,
  type ResolvedGceDeployOptions,
  resolveGceDeployOptions,
} from "./gce-options.js";
import { COS_IMAGE, type GceStep, publicPortRuleStep, pushSteps } from "./gce-plan.js";

/**
 * The commands that run an image on a managed instance group behind an
 * autoscaler: push it; make the instance template (COS + user-data) unless
 * it exists; a health check on `/health/ready` and the firewall rules for
 * the health checkers and the port; the group with autohealing, or a
 * rolling update (one VM more at a time, none less) when it runs another
 * template; its named port and autoscaling; with `loadBalancer`, an external
 * HTTP load balancer; then wait until the group is stable. Pure.
 *
 * @example
 * planGceGroupDeploy({ ...options, autoscale: "2:5" }, state, tool, "/tmp/user-data.yaml");
 */
export function planGceGroupDeploy(
  options: GceDeployOptions,
  state: GceGroupState,
  tool: Pick<ContainerTool, "commandLine">,
  userDataFile: string,
): GceStep[] {
  const o = resolveGceDeployOptions({ ...options, delete: false });
  const g = o.group;
  if (!g) throw new TypeError("planGceGroupDeploy needs options.autoscale (MIN:MAX)");
  const n = gceGroupNames(o);
  const template = instanceTemplateName(o);
  const project = `--project=${o.project}`;
  const zone = `--zone=${o.zone}`;
  const gc = (...args: string[]) => ["gcloud", "compute", ...args];
  const mig = (...args: string[]) => gc("instance-groups", "managed", ...args);
  const steps = pushSteps(o, tool);
  if (!state.templateExists)
    steps.push({
      description: `Create instance template ${template} (${o.machineType}, Container-Optimized OS, cloud-init running the image)`,
      argv: gc(
        "instance-templates",
        "create",
        template,
        project,
        `--machine-type=${o.machineType}`,
        ...COS_IMAGE,
        `--metadata-from-file=user-data=${userDataFile}`,
        `--tags=${o.networkTag}`,
      ),
    });
  if (!state.healthCheckExists)
    steps.push({
      description: `Create health check ${n.healthCheck}: HTTP GET /health/ready on port ${o.port}`,
      argv: gc(
        "health-checks",
        "create",
        "http",
        n.healthCheck,
        project,
        "--global",
        `--port=${o.port}`,
        "--request-path=/health/ready",
        "--check-interval=10s",
        "--timeout=5s",
        "--healthy-threshold=2",
        "--unhealthy-threshold=3",
      ),
    });
  if (!state.healthCheckRuleExists)
    steps.push({
      description: `Allow Google's health checkers and load balancers to reach tcp:${o.port} on VMs tagged ${o.networkTag}`,
      argv: gc(
        "firewall-rules",
        "create",
        n.healthCheckRule,
        project,
        `--allow=tcp:${o.port}`,
        `--target-tags=${o.networkTag}`,
        `--source-ranges=${HEALTH_CHECK_RANGES.join(",")}`,
        `--description=servekit: health checks and load balancers to port ${o.port}`,
      ),
    });
  // Behind a load balancer the VMs need no port open to the world.
  if (!g.loadBalancer && !state.portRuleExists) steps.push(publicPortRuleStep(o));
  if (state.groupTemplate === undefined)
    steps.push({
      description: `Create managed instance group ${n.group} (${g.minReplicas} VMs) with autohealing on ${n.healthCheck}`,
      argv: mig(
        "create",
        n.group,
        project,
        zone,
        `--template=${template}`,
        `--size=${g.minReplicas}`,
        `--base-instance-name=${o.name}`,
        `--health-check=${n.healthCheck}`,
        `--initial-delay=${g.initialDelaySeconds}`,
      ),
    });
  else if (state.groupTemplate !== template)
    steps.push({
      description: `Roll ${n.group} from template ${state.groupTemplate} to ${template}: one new VM at a time, none taken away before its replacement is up`,
      argv: mig(
        "rolling-action",
        "start-update",
        n.group,
        project,
        zone,
        `--version=template=${template}`,
        "--max-unavailable=0",
        "--max-surge=1",
      ),
    });
  steps.push(
    {
      description: `Name port ${o.port} "http" on ${n.group} (load balancers address it by name)`,
      argv: gc(
        "instance-groups",
        "set-named-ports",
        n.group,
        project,
        zone,
        `--named-ports=http:${o.port}`,
      ),
    },
    {
      description: `Autoscale ${n.group} between ${g.minReplicas} and ${g.maxReplicas} VMs at ${g.targetCpu} CPU`,
      argv: mig(
        "set-autoscaling",
        n.group,
        project,
        zone,
        `--min-num-replicas=${g.minReplicas}`,
        `--max-num-replicas=${g.maxReplicas}`,
        `--target-cpu-utilization=${g.targetCpu}`,
        // A new VM's CPU while it boots and loads the model says nothing about load.
        `--cool-down-period=${g.initialDelaySeconds}`,
      ),
    },
  );
  if (g.loadBalancer) steps.push(...loadBalancerSteps(o, n, state));
  steps.push({
    description: `Wait up to ${o.timeoutSeconds} s until ${n.group} is stable (its VMs created, updated and healthy)`,
    argv: mig("wait-until", n.group, project, zone, "--stable", `--timeout=${o.timeoutSeconds}`),
  });
  if (g.loadBalancer)
    steps.push({
      description: `Read the load balancer's IP address`,
      argv: gceGroupStateChecks(options).forwardingRule,
      reads: "load-balancer-ip",
    });
  return steps;
}

/** Backend service → URL map → HTTP proxy → forwarding rule on port 80, each unless it exists. */
function loadBalancerSteps(
  o: ResolvedGceDeployOptions,
  n: GceGroupNames,
  state: GceGroupState,
): GceStep[] {
  const lb = (kind: string, verb: string, name: string, ...args: string[]) => [
    "gcloud",
    "compute",
    kind,
    verb,
    name,
    `--project=${o.project}`,
    "--global",
    ...args,
  ];
  const scheme = "--load-balancing-scheme=EXTERNAL_MANAGED";
  const steps: GceStep[] = [];
  if (!state.backendServiceExists)
    steps.push(
      {
        description: `Create backend service ${n.backendService} (HTTP to port "http", health check ${n.healthCheck})`,
        argv: lb(
          "backend-services",
          "create",
          n.backendService,
          "--protocol=HTTP",
          "--port-name=http",
          `--health-checks=${n.healthCheck}`,
          "--global-health-checks",
          scheme,
        ),
      },
      {
        description: `Add group ${n.group} to backend service ${n.backendService}`,
        argv: lb(
          "backend-services",
          "add-backend",
          n.backendService,
          `--instance-group=${n.group}`,
          `--instance-group-zone=${o.zone}`,
        ),
      },
    );
  if (!state.urlMapExists)
    steps.push({
      description: `Create URL map ${n.urlMap}: every path to ${n.backendService}`,
      argv: lb("url-maps", "create", n.urlMap, `--default-service=${n.backendService}`),
    });
  if (!state.proxyExists)
    steps.push({
      description: `Create HTTP proxy ${n.proxy} for ${n.urlMap}`,
      argv: lb("target-http-proxies", "create", n.proxy, `--url-map=${n.urlMap}`),
    });
  if (!state.forwardingRuleExists)
    steps.push({
      description: `Create forwarding rule ${n.forwardingRule}: port 80 of a new external IP to ${n.proxy}`,
      argv: lb(
        "forwarding-rules",
        "create",
        n.forwardingRule,
        scheme,
        `--target-http-proxy=${n.proxy}`,
        "--ports=80",
      ),
    });
  return steps;
}
