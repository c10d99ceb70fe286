import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { chmod } from "node:fs/promises";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fakeDockerDir, recordedCalls, startFakeContainer } from "../../test/fake-bin/fake-bin.js";
import { runCli } from "../../test/run-cli.js";

// gcloud cannot be reached from here (no network, no credentials), so these
// tests put a fake `gcloud` (deploy-gce.fake-gcloud.mjs) and a fake `docker`
// (test/fake-bin) first on PATH: they record every call in FAKE_BIN_LOG and
// answer from a state file as gcloud would. The "VM" the fake reports lives
// at 127.0.0.1, where a small HTTP server stands in for the deployed container.

const FAKE_GCLOUD = new URL("./deploy-gce.fake-gcloud.mjs", import.meta.url).href;
const REGISTRY = "us-central1-docker.pkg.dev/my-project/servekit";
const REMOTE = `${REGISTRY}/yolov5:latest`;

let dir: string;
let fakeDocker: string;
let shimBin: string;
let server: Server;
let port: number;
let readyHits: string[];

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [shimBin, fakeDocker, process.env.PATH ?? ""].join(delimiter),
    FAKE_BIN_LOG: join(dir, "calls.jsonl"),
    FAKE_GCLOUD_STATE: join(dir, "gcloud-state.json"),
    ...extra,
  };
}

/** Every recorded call since the last reset, as argv arrays. */
function calls(): string[][] {
  return recordedCalls(join(dir, "calls.jsonl"));
}

function deployArgs(...extra: string[]): string[] {
  return [
    "deploy",
    "gce",
    "--project",
    "my-project",
    "--name",
    "yolov5",
    "--image",
    "yolov5:latest",
    "--registry",
    REGISTRY,
    "--port",
    String(port),
    "--env",
    "LOG_LEVEL=debug",
    "--timeout",
    "20",
    ...extra,
  ];
}

const describeVm = () => [
  "gcloud",
  "compute",
  "instances",
  "describe",
  "yolov5",
  "--project=my-project",
  "--zone=us-central1-a",
  "--format=json",
];
const describeRule = () => [
  "gcloud",
  "compute",
  "firewall-rules",
  "describe",
  `servekit-allow-${port}`,
  "--project=my-project",
  "--format=json",
];
const tagAndPush = () => [
  ["docker", "tag", "yolov5:latest", REMOTE],
  ["docker", "push", REMOTE],
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "servekit-deploy-gce-"));
  fakeDocker = fakeDockerDir();
  shimBin = mkdtempSync(join(dir, "bin-"));
  writeFileSync(
    join(shimBin, "gcloud"),
    `#!/usr/bin/env node\nimport(${JSON.stringify(FAKE_GCLOUD)}).then((fake) => fake.main(process.argv.slice(2)));\n`,
  );
  await chmod(join(shimBin, "gcloud"), 0o755);
  ({ server, port } = await startFakeContainer((req) => readyHits.push(req.url ?? "")));
});

afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  rmSync(join(dir, "calls.jsonl"), { force: true });
  rmSync(join(dir, "gcloud-state.json"), { force: true });
  readyHits = [];
});

/** The fake project's resources, keyed "kind/name", with the flags they were made with. */
function fakeProject(): Record<
  string,
  Record<string, string> & { userData?: string; template?: string }
> {
  return JSON.parse(readFileSync(join(dir, "gcloud-state.json"), "utf8"));
}

/** Calls that change something (no describe, no list). */
const changes = () =>
  calls().filter((argv) => !argv.includes("describe") && !argv.includes("list"));

/** The commands of a dry-run script: no comments, blank lines or the user-data here-document. */
function scriptCommands(script: string): string[] {
  const lines = script.split("\n");
  const from = lines.findIndex((l) => l.startsWith("cat > "));
  const to = lines.indexOf("SERVEKIT_USER_DATA");
  return lines.filter((l, i) => l && !l.startsWith("#") && (i <= from || i > to));
}

describe("serve-cli deploy gce (fake gcloud on PATH)", () => {
  it("creates a COS VM with cloud-init user-data and the firewall rule, waits for /health/ready, prints the URL; a re-run updates and resets it", async () => {
    const first = await runCli(deployArgs(), { env: env() });
    expect(first.stderr).toContain(`yolov5 is ready (created): http://127.0.0.1:${port}`);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(`http://127.0.0.1:${port}\n`);
    expect(readyHits).toEqual(["/health/ready"]);
    expect(calls()).toEqual([
      describeVm(),
      describeRule(),
      ...tagAndPush(),
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
        expect.stringMatching(/^--metadata-from-file=user-data=\/.*\/yolov5\.user-data\.yaml$/),
        `--tags=servekit-${port}`,
      ],
      [
        "gcloud",
        "compute",
        "firewall-rules",
        "create",
        `servekit-allow-${port}`,
        "--project=my-project",
        `--allow=tcp:${port}`,
        `--target-tags=servekit-${port}`,
        "--source-ranges=0.0.0.0/0",
        `--description=servekit: HTTP on port ${port} for VMs tagged servekit-${port}`,
      ],
      describeVm(),
    ]);
    // What the VM boots with: a unit that runs the pushed image with its env and port.
    const userData = fakeProject()["instances/yolov5"]?.userData ?? "";
    expect(userData).toMatch(/^#cloud-config\n/);
    expect(userData).toContain(`docker run --rm --name=servekit -p ${port}:${port}`);
    expect(userData).toContain(` ${REMOTE}\n`);
    expect(userData).toContain(`PORT=${port}\n      LOG_LEVEL=debug\n`);
    // The temporary user-data file is gone.
    expect(existsSync(String(calls()[4]?.[10]).split("=").at(-1)!)).toBe(false);

    rmSync(join(dir, "calls.jsonl"));
    const again = await runCli(deployArgs("--env", "LOG_LEVEL=info"), { env: env() });
    expect(again.stderr).toContain("yolov5 is ready (updated)");
    expect(again.code).toBe(0);
    expect(calls().map((argv) => argv.slice(0, 5).join(" "))).toEqual([
      "gcloud compute instances describe yolov5",
      `gcloud compute firewall-rules describe servekit-allow-${port}`,
      `docker tag yolov5:latest ${REMOTE}`,
      `docker push ${REMOTE}`,
      "gcloud compute instances add-metadata yolov5",
      "gcloud compute instances reset yolov5",
      "gcloud compute instances describe yolov5",
    ]);
    expect(fakeProject()["instances/yolov5"]?.userData).toContain("LOG_LEVEL=info\n");
  });

  it("--delete removes the VM and the rule; a second --delete finds nothing to remove", async () => {
    expect((await runCli(deployArgs(), { env: env() })).code).toBe(0);
    rmSync(join(dir, "calls.jsonl"));
    const del = ["deploy", "gce", "--project", "my-project", "--name", "yolov5"];
    const first = await runCli([...del, "--port", String(port), "--delete"], { env: env() });
    expect(first.stderr).toContain(`deleted VM yolov5 and firewall rule servekit-allow-${port}`);
    expect(first.code).toBe(0);
    expect(calls().slice(0, 2)).toEqual([describeVm(), describeRule()]);
    expect(changes()).toEqual([
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
        `servekit-allow-${port}`,
        "--project=my-project",
        "--quiet",
      ],
    ]);
    const second = await runCli([...del, "--port", String(port), "--delete"], { env: env() });
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("nothing to delete");
  });

  it("--dry-run runs nothing and prints the commands, shell-quoted, with its assumptions and the user-data", async () => {
    const result = await runCli(deployArgs("--env", "GREETING=hello world", "--dry-run"), {
      env: env(),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual([]);
    expect(scriptCommands(result.stdout)).toEqual([
      "cat > yolov5.user-data.yaml <<'SERVEKIT_USER_DATA'",
      `docker tag yolov5:latest ${REMOTE}`,
      `docker push ${REMOTE}`,
      `gcloud compute instances create yolov5 --project=my-project --zone=us-central1-a --machine-type=e2-standard-2 --image-family=cos-stable --image-project=cos-cloud --metadata-from-file=user-data=yolov5.user-data.yaml --tags=servekit-${port}`,
      `gcloud compute firewall-rules create servekit-allow-${port} --project=my-project --allow=tcp:${port} --target-tags=servekit-${port} --source-ranges=0.0.0.0/0 '--description=servekit: HTTP on port ${port} for VMs tagged servekit-${port}'`,
      "gcloud compute instances describe yolov5 --project=my-project --zone=us-central1-a --format=json",
    ]);
    expect(result.stdout).toContain("      GREETING=hello world\n");
    expect(result.stdout).toContain('# Assuming the VM "yolov5" does not exist yet');
    expect(result.stdout).toContain(`http://EXTERNAL_IP:${port}/health/ready`);
  });

  it("--autoscale 2:5 --dry-run prints the instance template, health check, group, autoscaler and load balancer commands", async () => {
    const result = await runCli(deployArgs("--autoscale", "2:5", "--load-balancer", "--dry-run"), {
      env: env(),
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(calls()).toEqual([]);
    const commands = scriptCommands(result.stdout);
    const template = /instance-templates create (yolov5-[0-9a-f]{8}) /.exec(result.stdout)?.[1];
    expect(template).toBeDefined();
    const p = `--project=my-project`;
    const z = `--zone=us-central1-a`;
    expect(commands).toEqual([
      "cat > yolov5.user-data.yaml <<'SERVEKIT_USER_DATA'",
      `docker tag yolov5:latest ${REMOTE}`,
      `docker push ${REMOTE}`,
      `gcloud compute instance-templates create ${template} ${p} --machine-type=e2-standard-2 --image-family=cos-stable --image-project=cos-cloud --metadata-from-file=user-data=yolov5.user-data.yaml --tags=servekit-${port}`,
      `gcloud compute health-checks create http yolov5-ready ${p} --global --port=${port} --request-path=/health/ready --check-interval=10s --timeout=5s --healthy-threshold=2 --unhealthy-threshold=3`,
      `gcloud compute firewall-rules create yolov5-allow-health-checks ${p} --allow=tcp:${port} --target-tags=servekit-${port} --source-ranges=130.211.0.0/22,35.191.0.0/16 '--description=servekit: health checks and load balancers to port ${port}'`,
      `gcloud compute instance-groups managed create yolov5 ${p} ${z} --template=${template} --size=2 --base-instance-name=yolov5 --health-check=yolov5-ready --initial-delay=300`,
      `gcloud compute instance-groups set-named-ports yolov5 ${p} ${z} --named-ports=http:${port}`,
      `gcloud compute instance-groups managed set-autoscaling yolov5 ${p} ${z} --min-num-replicas=2 --max-num-replicas=5 --target-cpu-utilization=0.6 --cool-down-period=300`,
      `gcloud compute backend-services create yolov5-backend ${p} --global --protocol=HTTP --port-name=http --health-checks=yolov5-ready --global-health-checks --load-balancing-scheme=EXTERNAL_MANAGED`,
      `gcloud compute backend-services add-backend yolov5-backend ${p} --global --instance-group=yolov5 --instance-group-zone=us-central1-a`,
      `gcloud compute url-maps create yolov5-lb ${p} --global --default-service=yolov5-backend`,
      `gcloud compute target-http-proxies create yolov5-proxy ${p} --global --url-map=yolov5-lb`,
      `gcloud compute forwarding-rules create yolov5-http ${p} --global --load-balancing-scheme=EXTERNAL_MANAGED --target-http-proxy=yolov5-proxy --ports=80`,
      `gcloud compute instance-groups managed wait-until yolov5 ${p} ${z} --stable --timeout=20`,
      `gcloud compute forwarding-rules describe yolov5-http ${p} --global --format=json`,
    ]);
    expect(result.stdout).toContain("rolling-action start-update");
    expect(result.stdout).toContain("http://LOAD_BALANCER_IP/health/ready");
  });

  it("--autoscale 2:5 creates the group; a new image rolls it; the same image again changes nothing; --delete removes it all", async () => {
    const first = await runCli(deployArgs("--autoscale", "2:5"), { env: env() });
    expect(first.stderr).toContain("group yolov5 is created");
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("gcloud compute instances list --project=my-project");
    const project = fakeProject();
    const v1 = project["instance-groups managed/yolov5"]?.template ?? "";
    expect(v1).toMatch(/^yolov5-[0-9a-f]{8}$/);
    expect(project[`instance-templates/${v1}`]?.userData).toContain(` ${REMOTE}\n`);
    expect(project["instance-groups managed/yolov5"]).toMatchObject({
      size: "2",
      "health-check": "yolov5-ready",
      "initial-delay": "300",
      "set-autoscaling": {
        "min-num-replicas": "2",
        "max-num-replicas": "5",
        "target-cpu-utilization": "0.6",
      },
    });
    expect(project["health-checks/yolov5-ready"]).toMatchObject({
      "request-path": "/health/ready",
      port: String(port),
    });
    expect(project[`firewall-rules/yolov5-allow-health-checks`]).toMatchObject({
      "source-ranges": "130.211.0.0/22,35.191.0.0/16",
    });

    rmSync(join(dir, "calls.jsonl"));
    const v2Args = deployArgs("--autoscale", "2:5").map((a) =>
      a === "yolov5:latest" ? "yolov5:v2" : a,
    );
    const rolled = await runCli(v2Args, { env: env() });
    expect(rolled.stderr).toContain("group yolov5 is rolling to the new image");
    expect(rolled.code).toBe(0);
    const v2 = fakeProject()["instance-groups managed/yolov5"]?.template;
    expect(v2).not.toBe(v1);
    expect(changes().map((argv) => argv.slice(0, 6).join(" "))).toEqual([
      `docker tag yolov5:v2 ${REGISTRY}/yolov5:v2`,
      `docker push ${REGISTRY}/yolov5:v2`,
      `gcloud compute instance-templates create ${v2} --project=my-project`,
      "gcloud compute instance-groups managed rolling-action start-update",
      "gcloud compute instance-groups set-named-ports yolov5 --project=my-project",
      "gcloud compute instance-groups managed set-autoscaling yolov5",
      "gcloud compute instance-groups managed wait-until yolov5",
    ]);
    expect(changes()[3]?.[6]).toBe("yolov5");
    expect(changes()[3]).toEqual(
      expect.arrayContaining([`--version=template=${v2}`, "--max-unavailable=0", "--max-surge=1"]),
    );

    rmSync(join(dir, "calls.jsonl"));
    const same = await runCli(v2Args, { env: env() });
    expect(same.stderr).toContain("group yolov5 is up to date");
    expect(
      changes().some((argv) => argv.includes("create") || argv.includes("rolling-action")),
    ).toBe(false);

    rmSync(join(dir, "calls.jsonl"));
    const del = [
      "deploy",
      "gce",
      "--project",
      "my-project",
      "--name",
      "yolov5",
      "--port",
      String(port),
    ];
    const gone = await runCli([...del, "--delete"], { env: env() });
    expect(gone.code).toBe(0);
    expect(gone.stderr).toContain("deleted:\n  - managed instance group yolov5\n");
    expect(changes().map((argv) => argv.slice(2, 5).join(" "))).toEqual([
      "instance-groups managed delete",
      "health-checks delete yolov5-ready",
      `instance-templates delete ${v1}`,
      `instance-templates delete ${v2}`,
      `firewall-rules delete yolov5-allow-health-checks`,
      `firewall-rules delete servekit-allow-${port}`,
    ]);
    expect(fakeProject()).toEqual({});
  });

  it("--autoscale --load-balancer waits for the load balancer's /health/ready and prints its URL; --delete removes it first", async () => {
    // The fake's forwarding rule reports the stand-in server's address (with its
    // port, as no test can listen on port 80) as the load balancer's IP.
    const lbEnv = env({ FAKE_GCLOUD_LB_IP: `127.0.0.1:${port}` });
    const result = await runCli(deployArgs("--autoscale", "1:3", "--load-balancer"), {
      env: lbEnv,
    });
    expect(result.stderr).toContain(`group yolov5 is created: http://127.0.0.1:${port}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`http://127.0.0.1:${port}\n`);
    expect(readyHits).toEqual(["/health/ready"]);
    expect(Object.keys(fakeProject()).sort()).toEqual([
      "backend-services/yolov5-backend",
      "firewall-rules/yolov5-allow-health-checks",
      "forwarding-rules/yolov5-http",
      "health-checks/yolov5-ready",
      "instance-groups managed/yolov5",
      expect.stringMatching(/^instance-templates\/yolov5-[0-9a-f]{8}$/),
      "target-http-proxies/yolov5-proxy",
      "url-maps/yolov5-lb",
    ]);
    expect(fakeProject()["backend-services/yolov5-backend"]?.["add-backend"]).toMatchObject({
      "instance-group": "yolov5",
    });

    rmSync(join(dir, "calls.jsonl"));
    const del = ["deploy", "gce", "--project", "my-project", "--name", "yolov5", "--delete"];
    const gone = await runCli([...del, "--port", String(port)], { env: lbEnv });
    expect(gone.code).toBe(0);
    expect(
      changes()
        .map((argv) => argv.slice(2, 4).join(" "))
        .slice(0, 4),
    ).toEqual([
      "forwarding-rules delete",
      "target-http-proxies delete",
      "url-maps delete",
      "backend-services delete",
    ]);
    expect(fakeProject()).toEqual({});
  });

  it("exits 1 naming the failed step and showing gcloud's error", async () => {
    const result = await runCli(deployArgs(), {
      env: env({ FAKE_GCLOUD_FAIL: "--image-family=cos-stable" }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: step "Create VM yolov5 (e2-standard-2, Container-Optimized OS) running the image" failed: `gcloud compute instances create yolov5',
    );
    expect(result.stderr).toContain("Quota 'CPUS' exceeded.");
    // Nothing after the failed step ran.
    expect(calls().at(-1)?.[3]).toBe("create");
  });

  it("exits 1 with an install hint when gcloud is not on PATH", async () => {
    const empty = mkdtempSync(join(dir, "empty-path-"));
    const result = await runCli(
      ["deploy", "gce", "--project", "my-project", "--name", "yolov5", "--delete"],
      { env: env({ PATH: empty }) },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "error: `gcloud` was not found on PATH: install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install), then run `gcloud auth login`",
    );
  });

  it("exits 2 on invalid flags, before running anything", async () => {
    writeFileSync(join(dir, "calls.jsonl"), "");
    const result = await runCli(
      [
        "deploy",
        "gce",
        "--project",
        "my-project",
        "--name",
        "YOLO",
        "--image",
        "yolov5:latest",
        "--registry",
        "gcr.io/my-project",
        "--port",
        "70000",
      ],
      { env: env() },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: invalid `deploy gce` options:");
    expect(result.stderr).toContain("- `--name` must be a VM name");
    expect(result.stderr).toContain("- `--registry` must be an Artifact Registry repository");
    expect(result.stderr).toContain("- `--port` must be a whole number 1–65535; got 70000");
    expect(calls()).toEqual([]);
  });
});
