import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ChildOutput, collectOutput } from "@servekit/test-kit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { REPO_ROOT } from "../../test/run-cli.js";

// The CLI run from its TypeScript source through tsx, so that this test does
// not depend on a fresh build of dist/.
const SOURCE_BIN = fileURLToPath(new URL("../bin.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");
const HELLO = join(REPO_ROOT, "examples/hello");

function serveCli(args: string[], cwd: string): Promise<ChildOutput> {
  const child = spawn(process.execPath, ["--import", TSX, SOURCE_BIN, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  return collectOutput(child, 60_000);
}

// biome-ignore lint/suspicious/noExplicitAny: reading parsed YAML
function documents(yaml: string): any[] {
  return parseAllDocuments(yaml).map((doc) => doc.toJS());
}

describe("serve-cli k8s", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "servekit-k8s-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes manifests for the hello example to a file, named and versioned after its predictor", async () => {
    const result = await serveCli(
      [
        "k8s",
        HELLO,
        "--image",
        "ghcr.io/me/hello:1.0",
        "-n",
        "models",
        "--gpu",
        "1",
        "-o",
        "k8s.yaml",
      ],
      dir,
    );
    expect(result.stderr).toContain("wrote k8s.yaml; apply it with: kubectl apply -f k8s.yaml");
    expect(result.code).toBe(0);
    const [deployment, service, budget, hpa] = documents(
      await readFile(join(dir, "k8s.yaml"), "utf8"),
    );
    expect([deployment.kind, service.kind, budget.kind, hpa.kind]).toEqual([
      "Deployment",
      "Service",
      "PodDisruptionBudget",
      "HorizontalPodAutoscaler",
    ]);
    expect(deployment.metadata).toMatchObject({
      name: "hello",
      namespace: "models",
      labels: { "app.kubernetes.io/version": "1.0.0" },
    });
    const [server] = deployment.spec.template.spec.containers;
    // The port comes from examples/hello/serve.config.ts; the grace from the server's default 30 s.
    expect(server.ports[0].containerPort).toBe(8000);
    expect(server.resources.limits["nvidia.com/gpu"]).toBe(1);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(40);

    const again = await serveCli(["k8s", HELLO, "--image", "x:1", "-o", "k8s.yaml"], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("k8s.yaml already exists; pass --force to overwrite it");
  });

  it("prints a KEDA ScaledObject with --autoscale queue, and says what is missing", async () => {
    const printed = await serveCli(
      [
        "k8s",
        HELLO,
        "--image",
        "hello:1",
        "--name",
        "greeter",
        "--autoscale",
        "queue",
        "--prometheus-url",
        "http://prometheus-server.monitoring.svc",
      ],
      dir,
    );
    expect(printed.code).toBe(0);
    const scaled = documents(printed.stdout).find((d) => d.kind === "ScaledObject");
    expect(scaled.spec.scaleTargetRef.name).toBe("greeter");
    expect(scaled.spec.triggers[0].metadata.query).toBe(
      'sum(servekit_queue_depth{namespace="default",pod=~"greeter-[a-z0-9]+-[a-z0-9]+"})',
    );

    const noUrl = await serveCli(["k8s", HELLO, "--image", "hello:1", "--autoscale", "queue"], dir);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain("--autoscale queue needs --prometheus-url");

    const replicas = await serveCli(["k8s", HELLO, "--image", "hello:1", "--replicas", "3"], dir);
    expect(replicas.code).toBe(2);
    expect(replicas.stderr).toContain("add --autoscale none, or use --min/--max");

    const noImage = await serveCli(["k8s", HELLO], dir);
    expect(noImage.code).toBe(2);
    expect(noImage.stderr).toContain("--image");
  });
});
