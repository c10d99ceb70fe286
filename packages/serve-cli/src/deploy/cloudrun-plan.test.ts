import { describe, expect, it } from "vitest";
import { CliError } from "../cli-error.js";
import type { ContainerTool } from "../container/container-tool.js";
import { serverCapacity } from "./cloudrun-capacity.js";
import type { CloudRunDeployOptions } from "./cloudrun-options.js";
import { cloudRunServiceCheck, planCloudRunDelete, planCloudRunDeploy } from "./cloudrun-plan.js";

const tool: Pick<ContainerTool, "commandLine"> = {
  commandLine: (action, ...args) => ["docker", action, ...args],
};
const base: CloudRunDeployOptions = {
  project: "my-project",
  name: "yolov5",
  image: "yolov5:latest",
  registry: "us-central1-docker.pkg.dev/my-project/servekit",
};
const REMOTE = "us-central1-docker.pkg.dev/my-project/servekit/yolov5:latest";

/** The `gcloud run deploy` argv of a plan. */
function runDeploy(options: CloudRunDeployOptions): string[] {
  return planCloudRunDeploy(options, tool).find((s) => s.argv[2] === "deploy")!.argv;
}

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

describe("serverCapacity", () => {
  it("counts worker slots × batch size × processes, as the runtime admits predictions", () => {
    expect(serverCapacity({ workers: 2 }, 2).requests).toBe(2);
    expect(serverCapacity({ workers: 2, batchSize: 8 }, 2)).toEqual({
      requests: 16,
      explanation: "2 worker slot(s) × batch size 8 = 16",
    });
    expect(serverCapacity({ workers: 4, maxConcurrency: 2 }, 4).requests).toBe(2);
    expect(serverCapacity({ workers: 2, processes: 3 }, 8).requests).toBe(6);
  });

  it('counts "auto" as the instance\'s vCPUs, and inline predictors by maxConcurrency', () => {
    expect(serverCapacity({ workers: "auto" }, 4).requests).toBe(4);
    expect(serverCapacity({ workers: "auto", processes: "auto" }, 0.5).requests).toBe(1);
    expect(serverCapacity({ workers: 0 }, 2).requests).toBe(1);
    expect(serverCapacity({ workers: 0, maxConcurrency: 32 }, 2)).toEqual({
      requests: 32,
      explanation: "maxConcurrency 32 (inline) = 32",
    });
  });
});

describe("planCloudRunDeploy", () => {
  it("pushes the image, deploys it with the server's capacity as concurrency and a startup probe on /health/ready", () => {
    const steps = planCloudRunDeploy({ ...base, server: { workers: 2 } }, tool);
    expect(steps.map((s) => s.argv)).toEqual([
      ["docker", "tag", "yolov5:latest", REMOTE],
      ["docker", "push", REMOTE],
      [
        "gcloud",
        "run",
        "deploy",
        "yolov5",
        "--project=my-project",
        "--region=us-central1",
        `--image=${REMOTE}`,
        "--port=8000",
        "--concurrency=2",
        "--min-instances=0",
        "--max-instances=10",
        "--cpu=2",
        "--memory=2Gi",
        "--cpu-throttling",
        "--startup-probe=httpGet.path=/health/ready,httpGet.port=8000,periodSeconds=10,timeoutSeconds=5,failureThreshold=24",
        "--no-allow-unauthenticated",
      ],
      [
        "gcloud",
        "run",
        "services",
        "describe",
        "yolov5",
        "--project=my-project",
        "--region=us-central1",
        "--format=value(status.url)",
      ],
      ["gcloud", "auth", "print-identity-token"],
    ]);
    expect(steps.map((s) => s.reads)).toEqual([
      undefined,
      undefined,
      undefined,
      "service-url",
      "identity-token",
    ]);
  });

  it("keeps CPU allocated when the predictor batches, or with a GPU, or when asked", () => {
    const batching = runDeploy({ ...base, server: { workers: 2, batchSize: 4 } });
    expect(batching).toContain("--no-cpu-throttling");
    expect(batching).toContain("--concurrency=8");
    const gpu = runDeploy({ ...base, gpu: 1, cpu: "4", memory: "16Gi", concurrency: 4 });
    expect(gpu).toEqual(
      expect.arrayContaining(["--gpu=1", "--gpu-type=nvidia-l4", "--no-cpu-throttling"]),
    );
    expect(runDeploy({ ...base, alwaysCpu: true, concurrency: 1 })).toContain(
      "--no-cpu-throttling",
    );
  });

  it("takes --concurrency over the capacity, and sets env, instances, port and public access", () => {
    const argv = runDeploy({
      ...base,
      server: { workers: 2 },
      concurrency: "40",
      port: "9000",
      minInstances: "1",
      maxInstances: "3",
      env: ["LOG_LEVEL=debug", "GREETING=a,b"],
      allowUnauthenticated: true,
      startupSeconds: 60,
    });
    expect(argv).toEqual(
      expect.arrayContaining([
        "--concurrency=40",
        "--port=9000",
        "--min-instances=1",
        "--max-instances=3",
        "--startup-probe=httpGet.path=/health/ready,httpGet.port=9000,periodSeconds=10,timeoutSeconds=5,failureThreshold=6",
        "--set-env-vars=^;^LOG_LEVEL=debug;GREETING=a,b",
        "--allow-unauthenticated",
      ]),
    );
    // A public service needs no identity token.
    const steps = planCloudRunDeploy({ ...base, allowUnauthenticated: true }, tool);
    expect(steps.at(-1)?.reads).toBe("service-url");
  });

  it("rejects bad flags at once with what would be right", () => {
    const error = usageErrorOf(() =>
      planCloudRunDeploy(
        {
          project: "my-project",
          name: "YOLO",
          image: "yolov5:latest",
          env: ["PORT=9000"],
          minInstances: 5,
          maxInstances: 2,
          startupSeconds: 600,
        },
        tool,
      ),
    );
    expect(error.message).toContain("invalid `deploy cloudrun` options:");
    expect(error.message).toContain("- `--name` must be a service name");
    expect(error.message).toContain("- `--env` must not set PORT: Cloud Run sets it from --port");
    expect(error.message).toContain("- `--min-instances` (5) must not exceed --max-instances (2)");
    expect(error.message).toContain("- `--startup-timeout` must be at most 240 without a GPU");
    expect(error.message).toContain("- `--registry` is required to deploy");
  });
});

describe("planCloudRunDelete", () => {
  it("deletes the service without a prompt; the check describes it", () => {
    const o = { project: "my-project", name: "yolov5", region: "europe-west4" };
    expect(planCloudRunDelete(o).map((s) => s.argv)).toEqual([
      [
        "gcloud",
        "run",
        "services",
        "delete",
        "yolov5",
        "--project=my-project",
        "--region=europe-west4",
        "--quiet",
      ],
    ]);
    expect(cloudRunServiceCheck({ ...o, delete: true })).toEqual([
      "gcloud",
      "run",
      "services",
      "describe",
      "yolov5",
      "--project=my-project",
      "--region=europe-west4",
      "--format=json",
    ]);
  });
});
