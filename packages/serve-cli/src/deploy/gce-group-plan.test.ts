import { describe, expect, it } from "vitest";
import type { ContainerTool } from "../container/container-tool.js";
import { planGceGroupDelete } from "./gce-group-delete-plan.js";
import { planGceGroupDeploy } from "./gce-group-plan.js";
import {
  type GceGroupState,
  gceGroupStateChecks,
  instanceTemplateName,
  NO_GCE_GROUP,
} from "./gce-group-resources.js";
import { type GceDeployOptions, resolveGceDeployOptions } from "./gce-options.js";
import type { GceStep } from "./gce-plan.js";

const tool: Pick<ContainerTool, "commandLine"> = {
  commandLine: (action, ...args) => ["docker", action, ...args],
};
const group: GceDeployOptions = {
  project: "my-project",
  name: "yolov5",
  image: "yolov5:v1",
  registry: "us-central1-docker.pkg.dev/my-project/servekit",
  autoscale: "2:5",
};
const USER_DATA = "/tmp/yolov5.user-data.yaml";
const nothing = NO_GCE_GROUP;
const lines = (steps: GceStep[]) => steps.map((s) => s.argv.join(" "));
const templateOf = (options: GceDeployOptions) =>
  instanceTemplateName(resolveGceDeployOptions(options));

/** What exists after a deploy of `options` (as gcloud would then report). */
function afterDeploy(options: GceDeployOptions): GceGroupState {
  const lb = options.loadBalancer === true;
  return {
    templateExists: true,
    groupTemplate: templateOf(options),
    healthCheckExists: true,
    healthCheckRuleExists: true,
    portRuleExists: !lb,
    backendServiceExists: lb,
    urlMapExists: lb,
    proxyExists: lb,
    forwardingRuleExists: lb,
  };
}

describe("planGceGroupDeploy", () => {
  it("pushes, makes the template, health check, rules, group with autohealing, named port and autoscaler, then waits", () => {
    const t = templateOf(group);
    expect(t).toMatch(/^yolov5-[0-9a-f]{8}$/);
    expect(lines(planGceGroupDeploy(group, nothing, tool, USER_DATA))).toEqual([
      "docker tag yolov5:v1 us-central1-docker.pkg.dev/my-project/servekit/yolov5:v1",
      "docker push us-central1-docker.pkg.dev/my-project/servekit/yolov5:v1",
      `gcloud compute instance-templates create ${t} --project=my-project --machine-type=e2-standard-2 --image-family=cos-stable --image-project=cos-cloud --metadata-from-file=user-data=${USER_DATA} --tags=servekit-8000`,
      "gcloud compute health-checks create http yolov5-ready --project=my-project --global --port=8000 --request-path=/health/ready --check-interval=10s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=3",
      "gcloud compute firewall-rules create yolov5-allow-health-checks --project=my-project --allow=tcp:8000 --target-tags=servekit-8000 --source-ranges=130.211.0.0/22,35.191.0.0/16 --description=servekit: health checks and load balancers to port 8000",
      "gcloud compute firewall-rules create servekit-allow-8000 --project=my-project --allow=tcp:8000 --target-tags=servekit-8000 --source-ranges=0.0.0.0/0 --description=servekit: HTTP on port 8000 for VMs tagged servekit-8000",
      `gcloud compute instance-groups managed create yolov5 --project=my-project --zone=us-central1-a --template=${t} --size=2 --base-instance-name=yolov5 --health-check=yolov5-ready --initial-delay=300`,
      "gcloud compute instance-groups set-named-ports yolov5 --project=my-project --zone=us-central1-a --named-ports=http:8000",
      "gcloud compute instance-groups managed set-autoscaling yolov5 --project=my-project --zone=us-central1-a --min-num-replicas=2 --max-num-replicas=5 --target-cpu-utilization=0.6 --cool-down-period=300",
      "gcloud compute instance-groups managed wait-until yolov5 --project=my-project --zone=us-central1-a --stable --timeout=300",
    ]);
  });

  it("rolls the group to a new template when the image changes: one VM more at a time, none fewer", () => {
    const v2 = { ...group, image: "yolov5:v2" };
    expect(templateOf(v2)).not.toBe(templateOf(group));
    // The group runs v1's template; v2's does not exist yet.
    const state = { ...afterDeploy(group), templateExists: false };
    const steps = lines(planGceGroupDeploy(v2, state, tool, USER_DATA));
    expect(steps).toEqual([
      "docker tag yolov5:v2 us-central1-docker.pkg.dev/my-project/servekit/yolov5:v2",
      "docker push us-central1-docker.pkg.dev/my-project/servekit/yolov5:v2",
      `gcloud compute instance-templates create ${templateOf(v2)} --project=my-project --machine-type=e2-standard-2 --image-family=cos-stable --image-project=cos-cloud --metadata-from-file=user-data=${USER_DATA} --tags=servekit-8000`,
      `gcloud compute instance-groups managed rolling-action start-update yolov5 --project=my-project --zone=us-central1-a --version=template=${templateOf(v2)} --max-unavailable=0 --max-surge=1`,
      "gcloud compute instance-groups set-named-ports yolov5 --project=my-project --zone=us-central1-a --named-ports=http:8000",
      "gcloud compute instance-groups managed set-autoscaling yolov5 --project=my-project --zone=us-central1-a --min-num-replicas=2 --max-num-replicas=5 --target-cpu-utilization=0.6 --cool-down-period=300",
      "gcloud compute instance-groups managed wait-until yolov5 --project=my-project --zone=us-central1-a --stable --timeout=300",
    ]);
  });

  it("is idempotent: the same deploy again creates and rolls nothing, and only re-applies the settings", () => {
    const steps = planGceGroupDeploy(group, afterDeploy(group), tool, USER_DATA);
    expect(steps.some((s) => /^(create|start-update|rolling-action)$/.test(s.argv[3] ?? ""))).toBe(
      false,
    );
    expect(steps.map((s) => s.argv.slice(1, 5).join(" "))).toEqual([
      "tag yolov5:v1 us-central1-docker.pkg.dev/my-project/servekit/yolov5:v1",
      "push us-central1-docker.pkg.dev/my-project/servekit/yolov5:v1",
      "compute instance-groups set-named-ports yolov5",
      "compute instance-groups managed set-autoscaling",
      "compute instance-groups managed wait-until",
    ]);
  });

  it("a new environment, port or machine type makes a new template too", () => {
    const t = templateOf(group);
    expect(templateOf({ ...group, env: ["LOG_LEVEL=debug"] })).not.toBe(t);
    expect(templateOf({ ...group, machineType: "n2-standard-4" })).not.toBe(t);
    expect(templateOf({ ...group, port: 9000 })).not.toBe(t);
    expect(templateOf({ ...group, autoscale: "1:10" })).toBe(t);
  });

  it("with a load balancer: backend service with the health check, URL map, proxy, forwarding rule; no public port", () => {
    const lb = { ...group, loadBalancer: true, targetCpu: "0.75", initialDelaySeconds: 600 };
    const steps = planGceGroupDeploy(lb, nothing, tool, USER_DATA);
    const all = lines(steps);
    expect(all.some((l) => l.includes("servekit-allow-8000 "))).toBe(false);
    expect(all).toContain(
      "gcloud compute instance-groups managed set-autoscaling yolov5 --project=my-project --zone=us-central1-a --min-num-replicas=2 --max-num-replicas=5 --target-cpu-utilization=0.75 --cool-down-period=600",
    );
    const from = all.findIndex((l) => l.includes("backend-services create"));
    expect(all.slice(from)).toEqual([
      "gcloud compute backend-services create yolov5-backend --project=my-project --global --protocol=HTTP --port-name=http --health-checks=yolov5-ready --global-health-checks --load-balancing-scheme=EXTERNAL_MANAGED",
      "gcloud compute backend-services add-backend yolov5-backend --project=my-project --global --instance-group=yolov5 --instance-group-zone=us-central1-a",
      "gcloud compute url-maps create yolov5-lb --project=my-project --global --default-service=yolov5-backend",
      "gcloud compute target-http-proxies create yolov5-proxy --project=my-project --global --url-map=yolov5-lb",
      "gcloud compute forwarding-rules create yolov5-http --project=my-project --global --load-balancing-scheme=EXTERNAL_MANAGED --target-http-proxy=yolov5-proxy --ports=80",
      "gcloud compute instance-groups managed wait-until yolov5 --project=my-project --zone=us-central1-a --stable --timeout=300",
      "gcloud compute forwarding-rules describe yolov5-http --project=my-project --global --format=json",
    ]);
    expect(steps.at(-1)?.reads).toBe("load-balancer-ip");
    expect(all).toContain(
      `gcloud compute instance-groups managed create yolov5 --project=my-project --zone=us-central1-a --template=${templateOf(lb)} --size=2 --base-instance-name=yolov5 --health-check=yolov5-ready --initial-delay=600`,
    );
    // Once it all exists, a re-deploy only reads the IP again.
    const again = lines(planGceGroupDeploy(lb, afterDeploy(lb), tool, USER_DATA));
    expect(again.filter((l) => / create /.test(l))).toEqual([]);
  });
});

describe("planGceGroupDelete", () => {
  it("deletes in dependency order: load balancer, group, health check, templates, rule", () => {
    const state = {
      ...afterDeploy({ ...group, loadBalancer: true }),
      templates: ["yolov5-0123abcd", "yolov5-4567cdef"],
    };
    expect(lines(planGceGroupDelete({ ...group, delete: true }, state))).toEqual([
      "gcloud compute forwarding-rules delete yolov5-http --global --project=my-project --quiet",
      "gcloud compute target-http-proxies delete yolov5-proxy --global --project=my-project --quiet",
      "gcloud compute url-maps delete yolov5-lb --global --project=my-project --quiet",
      "gcloud compute backend-services delete yolov5-backend --global --project=my-project --quiet",
      "gcloud compute instance-groups managed delete yolov5 --zone=us-central1-a --project=my-project --quiet",
      "gcloud compute health-checks delete yolov5-ready --global --project=my-project --quiet",
      "gcloud compute instance-templates delete yolov5-0123abcd --project=my-project --quiet",
      "gcloud compute instance-templates delete yolov5-4567cdef --project=my-project --quiet",
      "gcloud compute firewall-rules delete yolov5-allow-health-checks --project=my-project --quiet",
    ]);
  });

  it("skips what does not exist, so a second delete does nothing", () => {
    expect(planGceGroupDelete({ project: "my-project", name: "yolov5" }, nothing)).toEqual([]);
  });
});

describe("gceGroupStateChecks", () => {
  it("describes each resource as JSON and lists only this group's templates", () => {
    const checks = gceGroupStateChecks(group);
    expect(checks.group.join(" ")).toBe(
      "gcloud compute instance-groups managed describe yolov5 --project=my-project --zone=us-central1-a --format=json",
    );
    expect(checks.template?.join(" ")).toBe(
      `gcloud compute instance-templates describe ${templateOf(group)} --project=my-project --format=json`,
    );
    expect(checks.templates.join(" ")).toBe(
      "gcloud compute instance-templates list --project=my-project --filter=name~^yolov5-[0-9a-f]{8}$ --format=value(name)",
    );
    expect(
      gceGroupStateChecks({ project: "my-project", name: "yolov5", delete: true }).template,
    ).toBe(undefined);
  });
});
