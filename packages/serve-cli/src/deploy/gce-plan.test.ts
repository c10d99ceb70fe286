import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import { type GceDeployOptions, resolveGceDeployOptions } from "./gce-options.js";
import { gceStateChecks, gceUserData, planGceDelete, planGceDeploy } from "./gce-plan.js";

/** Implements only what the planner uses, and records it. */
function fakeTool(): Pick<ContainerTool, "commandLine"> & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    commandLine(action, ...args) {
      calls.push([action, ...args]);
      return ["fake-docker", action, ...args];
    },
  };
}

const base: GceDeployOptions = {
  project: "my-project",
  name: "yolov5",
  image: "yolov5:latest",
  registry: "us-central1-docker.pkg.dev/my-project/servekit",
};
const REMOTE = "us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest";
const absent = { vmExists: false, firewallRuleExists: false };
const present = { vmExists: true, firewallRuleExists: true };

function usageErrorOf(fn: () => unknown): CliError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return error as CliError;
  }
  throw new Error("expected a usage error");
}

const USER_DATA = "/tmp/yolov5.user-data.yaml";

describe("planGceDeploy", () => {
  it("tags and pushes through the container tool, creates a COS VM with the cloud-init user-data, opens the port, reads the IP", () => {
    const tool = fakeTool();
    const steps = planGceDeploy(base, absent, tool, USER_DATA);
    expect(tool.calls).toEqual([
      ["tag", "yolov5:latest", REMOTE],
      ["push", REMOTE],
    ]);
    expect(steps.map((s) => s.argv)).toEqual([
      ["fake-docker", "tag", "yolov5:latest", REMOTE],
      ["fake-docker", "push", REMOTE],
      [
        "gcloud",
        "compute",
        "instances",
        "create",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--machine-type=e2-standard-2",
        "--image-family=cos-stable",
        "--image-project=cos-cloud",
        `--metadata-from-file=user-data=${USER_DATA}`,
        "--tags=servekit-8000",
      ],
      [
        "gcloud",
        "compute",
        "firewall-rules",
        "create",
        "servekit-allow-8000",
        "--project=my-project",
        "--allow=tcp:8000",
        "--target-tags=servekit-8000",
        "--source-ranges=0.0.0.0/0",
        "--description=servekit: HTTP on port 8000 for VMs tagged servekit-8000",
      ],
      [
        "gcloud",
        "compute",
        "instances",
        "describe",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--format=json",
      ],
    ]);
    expect(steps.at(-1)?.reads).toBe("external-ip");
    expect(steps.every((s) => s.description.length > 0)).toBe(true);
    // The deprecated container startup agent is gone.
    expect(steps.flatMap((s) => s.argv).some((a) => /container/.test(a))).toBe(false);
  });

  it("gives an existing VM the new user-data and resets it instead of creating it", () => {
    const steps = planGceDeploy(
      base,
      { vmExists: true, firewallRuleExists: false },
      fakeTool(),
      USER_DATA,
    );
    const gcloud = steps.filter((s) => s.argv[0] === "gcloud").map((s) => s.argv.slice(1, 4));
    expect(gcloud).toEqual([
      ["compute", "instances", "add-metadata"],
      ["compute", "instances", "reset"],
      ["compute", "firewall-rules", "create"],
      ["compute", "instances", "describe"],
    ]);
    expect(steps[2]?.argv).toEqual([
      "gcloud",
      "compute",
      "instances",
      "add-metadata",
      "yolov5",
      "--project=my-project",
      "--zone=us-central1-a",
      `--metadata-from-file=user-data=${USER_DATA}`,
    ]);
    expect(steps[3]?.argv).toEqual([
      "gcloud",
      "compute",
      "instances",
      "reset",
      "yolov5",
      "--project=my-project",
      "--zone=us-central1-a",
    ]);
  });

  it("creates the firewall rule only when it does not exist", () => {
    const steps = planGceDeploy(base, present, fakeTool(), USER_DATA);
    expect(steps.some((s) => s.argv.includes("firewall-rules"))).toBe(false);
    expect(steps).toHaveLength(5);
  });

  it("puts --env pairs in the user-data's env file, PORT first, the last value of a key winning", () => {
    const o = resolveGceDeployOptions({
      ...base,
      port: "9000",
      env: ["LOG_LEVEL=debug", "GREETING=a=b", "LOG_LEVEL=info"],
    });
    expect(o.env).toEqual([
      ["PORT", "9000"],
      ["GREETING", "a=b"],
      ["LOG_LEVEL", "info"],
    ]);
    expect(gceUserData(o)).toContain("PORT=9000\n      GREETING=a=b\n      LOG_LEVEL=info\n");
    const steps = planGceDeploy({ ...base, port: "9000" }, absent, fakeTool(), USER_DATA);
    expect(steps[2]!.argv).toContain("--tags=servekit-9000");
    expect(steps[3]!.argv).toContain("--allow=tcp:9000");
    expect(steps[3]!.argv[4]).toBe("servekit-allow-9000");
  });

  it("accepts env as a record", () => {
    const o = resolveGceDeployOptions({ ...base, env: { A: "1", B: "two" } });
    expect(o.env).toEqual([
      ["PORT", "8000"],
      ["A", "1"],
      ["B", "two"],
    ]);
  });

  it("honours zone, machine type, network tag and a registry with a trailing slash", () => {
    const options = {
      ...base,
      zone: "europe-west4-b",
      machineType: "n2-standard-4",
      networkTag: "web",
      registry: "europe-docker.pkg.dev/my-project/models/",
      image: "localhost/yolov5:v2",
    };
    const steps = planGceDeploy(options, absent, fakeTool(), USER_DATA);
    const remote = "europe-docker.pkg.dev/my-project/models/yolov5:v2";
    expect(steps[0]!.argv).toEqual(["fake-docker", "tag", "localhost/yolov5:v2", remote]);
    expect(steps[2]!.argv).toEqual(
      expect.arrayContaining([
        "--zone=europe-west4-b",
        "--machine-type=n2-standard-4",
        "--tags=web",
      ]),
    );
    expect(steps[3]!.argv).toContain("--target-tags=web");
    const userData = gceUserData(resolveGceDeployOptions(options));
    expect(userData).toContain(`docker run --rm --name=servekit -p 8000:8000`);
    expect(userData).toContain(` ${remote}\n`);
    expect(userData).toContain("--registries=europe-docker.pkg.dev\n");
  });

  it("tags an image given without a tag as :latest", () => {
    const steps = planGceDeploy({ ...base, image: "yolov5" }, absent, fakeTool(), USER_DATA);
    expect(steps[1]!.argv).toEqual(["fake-docker", "push", REMOTE]);
  });
});

describe("planGceDelete", () => {
  it("deletes the VM and the firewall rule, without prompts", () => {
    const steps = planGceDelete({ project: "my-project", name: "yolov5" }, present);
    expect(steps.map((s) => s.argv)).toEqual([
      [
        "gcloud",
        "compute",
        "instances",
        "delete",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--quiet",
      ],
      [
        "gcloud",
        "compute",
        "firewall-rules",
        "delete",
        "servekit-allow-8000",
        "--project=my-project",
        "--quiet",
      ],
    ]);
  });

  it("skips what does not exist, so a second delete is a no-op", () => {
    expect(planGceDelete(base, absent)).toEqual([]);
    const onlyRule = planGceDelete(
      { ...base, port: 9000 },
      { ...absent, firewallRuleExists: true },
    );
    expect(onlyRule.map((s) => s.argv[4])).toEqual(["servekit-allow-9000"]);
  });
});

describe("gceStateChecks", () => {
  it("describes the VM and the rule as JSON", () => {
    expect(gceStateChecks(base)).toEqual({
      vm: [
        "gcloud",
        "compute",
        "instances",
        "describe",
        "yolov5",
        "--project=my-project",
        "--zone=us-central1-a",
        "--format=json",
      ],
      firewallRule: [
        "gcloud",
        "compute",
        "firewall-rules",
        "describe",
        "servekit-allow-8000",
        "--project=my-project",
        "--format=json",
      ],
    });
  });
});

describe("deploy options validation", () => {
  it("rejects a registry path that is not REGION-docker.pkg.dev/PROJECT/REPOSITORY", () => {
    for (const registry of [
      "gcr.io/my-project",
      "us-central1-docker.pkg.dev/my-project",
      "https://us-central1-docker.pkg.dev/my-project/servekit",
      "us-central1-docker.pkg.dev/my-project/servekit/extra",
      "us-central1-docker.pkg.dev/My_Project/servekit",
    ]) {
      const error = usageErrorOf(() =>
        planGceDeploy({ ...base, registry }, absent, fakeTool(), USER_DATA),
      );
      expect(error.message).toContain(
        "`--registry` must be an Artifact Registry repository REGION-docker.pkg.dev/PROJECT/REPOSITORY, e.g. us-central1-docker.pkg.dev/my-project/servekit",
      );
      expect(error.message).toContain(`got "${registry.replace(/\/+$/, "")}"`);
    }
  });

  it("rejects a VM name that is not lowercase RFC 1035", () => {
    for (const name of ["Yolo", "1yolo", "yolo-", "yo_lo", "a".repeat(64), ""]) {
      const error = usageErrorOf(() =>
        planGceDeploy({ ...base, name }, absent, fakeTool(), USER_DATA),
      );
      expect(error.message).toContain("`--name` must be a VM name: 1–63 lowercase letters");
    }
  });

  it("rejects a port outside 1–65535, saying what it got", () => {
    for (const port of [0, 70_000, "80a", "-1", 8000.5]) {
      const error = usageErrorOf(() =>
        planGceDeploy({ ...base, port }, absent, fakeTool(), USER_DATA),
      );
      expect(error.message).toContain(`\`--port\` must be a whole number 1–65535; got ${port}`);
    }
  });

  it("rejects malformed --env items and a PORT that disagrees with --port", () => {
    const bad = usageErrorOf(() =>
      planGceDeploy({ ...base, env: ["NOEQUALS", "1X=2"] }, absent, fakeTool(), USER_DATA),
    );
    expect(bad.message).toContain("`--env` must be KEY=VALUE on one line");
    expect(bad.message).toContain('got "NOEQUALS"');
    expect(bad.message).toContain('got "1X=2"');
    const port = usageErrorOf(() =>
      planGceDeploy({ ...base, env: ["PORT=9000"] }, absent, fakeTool(), USER_DATA),
    );
    expect(port.message).toContain("PORT=9000 disagrees with --port 8000");
    // The same PORT as --port is harmless and not duplicated.
    const same = resolveGceDeployOptions({ ...base, env: ["PORT=8000"] });
    expect(same.env).toEqual([["PORT", "8000"]]);
    // A docker env file holds one line per variable.
    const multiline = usageErrorOf(() => resolveGceDeployOptions({ ...base, env: ["A=x\ny"] }));
    expect(multiline.message).toContain("`--env` must be KEY=VALUE on one line");
  });

  it("requires --registry and --image to deploy but not to delete, and reports every problem at once", () => {
    const error = usageErrorOf(() =>
      planGceDeploy({ project: "x", name: "Bad Name" }, absent, fakeTool(), USER_DATA),
    );
    expect(error.message.split("\n")).toEqual([
      "invalid `deploy gce` options:",
      expect.stringContaining("- `--project` must be a Google Cloud project id"),
      expect.stringContaining("- `--name` must be a VM name"),
      expect.stringContaining("- `--registry` is required to deploy"),
      expect.stringContaining("- `--image` is required to deploy"),
    ]);
    expect(() => planGceDelete({ project: "my-project", name: "yolov5" }, absent)).not.toThrow();
  });

  it("rejects a missing project, a bad zone, an image digest and an unknown builder", () => {
    const error = usageErrorOf(() =>
      planGceDeploy(
        {
          ...base,
          project: undefined as unknown as string,
          zone: "us-central1",
          image: "yolov5@sha256:abc",
          builder: "kaniko",
        },
        absent,
        fakeTool(),
        USER_DATA,
      ),
    );
    expect(error.message).toContain("`--project` is required, e.g. --project my-project");
    expect(error.message).toContain(
      '`--zone` must be a Compute Engine zone, e.g. us-central1-a; got "us-central1"',
    );
    expect(error.message).toContain("`--image` must be a local image name:tag without a digest");
    expect(error.message).toContain(
      '`--builder` must be one of docker, podman, buildah; got "kaniko"',
    );
  });
});

describe("group options", () => {
  it("parses --autoscale MIN:MAX with the defaults for the group", () => {
    expect(resolveGceDeployOptions({ ...base, autoscale: "2:5" }).group).toEqual({
      minReplicas: 2,
      maxReplicas: 5,
      targetCpu: 0.6,
      initialDelaySeconds: 300,
      loadBalancer: false,
    });
    expect(resolveGceDeployOptions(base).group).toBeUndefined();
  });

  it("rejects a malformed --autoscale and --target-cpu, and group flags without --autoscale", () => {
    for (const autoscale of ["5", "5:2", "0:0", "a:b", "1:1001"]) {
      const error = usageErrorOf(() => resolveGceDeployOptions({ ...base, autoscale }));
      expect(error.message).toContain("`--autoscale` must be MIN:MAX replicas");
    }
    const cpu = usageErrorOf(() =>
      resolveGceDeployOptions({ ...base, autoscale: "1:3", targetCpu: "1.5" }),
    );
    expect(cpu.message).toContain("`--target-cpu` must be a CPU utilisation above 0 and at most 1");
    const alone = usageErrorOf(() =>
      resolveGceDeployOptions({ ...base, targetCpu: 0.5, loadBalancer: true }),
    );
    expect(alone.message).toContain("`--target-cpu` applies to a managed instance group");
    expect(alone.message).toContain("`--load-balancer` applies to a managed instance group");
  });
});
