import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { startupFailureThreshold, terminationGraceSeconds } from "./deployment.js";
import type { K8sObject } from "./k8s-object.js";
import { type K8sOptions, k8sName } from "./k8s-options.js";
import { generateK8sManifests, k8sManifestsYaml } from "./manifests.js";

const BASE: K8sOptions = { name: "hello", image: "ghcr.io/me/hello:1.0", version: "1.0.0" };
const PROMETHEUS = "http://prometheus-server.monitoring.svc";

function byKind(objects: K8sObject[], kind: string): K8sObject {
  const found = objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`no ${kind} in ${objects.map((o) => o.kind).join(", ")}`);
  return found;
}

// biome-ignore lint/suspicious/noExplicitAny: reading into generated plain data
function podTemplate(objects: K8sObject[]): any {
  return byKind(objects, "Deployment").spec.template;
}

function podSpec(objects: K8sObject[]) {
  return podTemplate(objects).spec;
}

describe("generateK8sManifests", () => {
  it("writes a Deployment, Service, PodDisruptionBudget and a CPU HPA by default", () => {
    const objects = generateK8sManifests(BASE);
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      "apps/v1 Deployment",
      "v1 Service",
      "policy/v1 PodDisruptionBudget",
      "autoscaling/v2 HorizontalPodAutoscaler",
    ]);
    for (const o of objects) {
      expect(o.metadata).toMatchObject({
        name: "hello",
        namespace: "default",
        labels: { "app.kubernetes.io/name": "hello", "app.kubernetes.io/version": "1.0.0" },
      });
    }
    expect(byKind(objects, "HorizontalPodAutoscaler").spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "hello" },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ resource: { name: "cpu", target: { averageUtilization: 70 } } }],
    });
    // The autoscaler owns the count: a replicas field would reset it on every apply.
    expect(byKind(objects, "Deployment").spec.replicas).toBeUndefined();
  });

  it("probes readiness, liveness and startup on servekit's health routes, sized for setup", () => {
    const pod = podSpec(generateK8sManifests({ ...BASE, setupTimeoutSeconds: 900 }));
    const [server] = pod.containers;
    expect(server.readinessProbe.httpGet).toEqual({ path: "/health/ready", port: "http" });
    expect(server.livenessProbe.httpGet).toEqual({ path: "/health/live", port: "http" });
    expect(server.startupProbe.httpGet.path).toBe("/health/ready");
    const startupWindow = server.startupProbe.failureThreshold * server.startupProbe.periodSeconds;
    expect(startupWindow).toBeGreaterThanOrEqual(900);
    expect(startupFailureThreshold({ setupTimeoutSeconds: 601 })).toBe(121);
    expect(server.ports).toEqual([{ name: "http", containerPort: 8000, protocol: "TCP" }]);
    expect(server.env).toContainEqual({ name: "PORT", value: "8000" });
    // Caches (downloaded weights) land on the writable /tmp volume, not the read-only root.
    expect(server.env).toContainEqual({ name: "XDG_CACHE_HOME", value: "/tmp/cache" });
    expect(server.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  it("gives the pod longer than preStop plus the server's shutdown grace before SIGKILL", () => {
    const pod = podSpec(
      generateK8sManifests({ ...BASE, shutdownGraceMs: 45_500, preStopSeconds: 10 }),
    );
    expect(pod.containers[0].lifecycle.preStop).toEqual({ sleep: { seconds: 10 } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10 + 45.5);
    expect(pod.terminationGracePeriodSeconds).toBe(
      terminationGraceSeconds({ preStopSeconds: 10, shutdownGraceMs: 45_500 }),
    );
    // The server's default grace is 30 s.
    expect(podSpec(generateK8sManifests(BASE)).terminationGracePeriodSeconds).toBe(40);
  });

  it("runs as the image's non-root user, read-only, with no capabilities", () => {
    const pod = podSpec(generateK8sManifests(BASE));
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      fsGroup: 1000,
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    // tsx's compile cache lives in /tmp: writable although the root filesystem is not.
    expect(pod.containers[0].volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
    expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: {} }]);
  });

  it("mounts a writable directory for the async journal when SERVEKIT_JOURNAL_DIR is set", () => {
    const pod = podSpec(
      generateK8sManifests({
        ...BASE,
        env: { SERVEKIT_JOURNAL_DIR: "journal", LOG_LEVEL: "debug" },
      }),
    );
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: "journal",
      mountPath: "/srv/app/journal",
    });
    expect(pod.containers[0].env).toContainEqual({ name: "LOG_LEVEL", value: "debug" });
  });

  it("sets resources as requests and limits, and asks for GPUs with --gpu", () => {
    const cpuOnly = podSpec(generateK8sManifests({ ...BASE, cpu: "500m", memory: "2Gi" }));
    expect(cpuOnly.containers[0].resources).toEqual({
      requests: { cpu: "500m", memory: "2Gi" },
      limits: { cpu: "500m", memory: "2Gi" },
    });
    expect(cpuOnly.tolerations).toBeUndefined();
    const gpu = podSpec(generateK8sManifests({ ...BASE, gpu: 2 }));
    expect(gpu.containers[0].resources.limits["nvidia.com/gpu"]).toBe(2);
    expect(gpu.containers[0].resources.requests["nvidia.com/gpu"]).toBe(2);
    expect(gpu.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
  });

  it("with autoscale queue writes a KEDA ScaledObject on servekit_queue_depth instead of an HPA", () => {
    const objects = generateK8sManifests({
      ...BASE,
      namespace: "models",
      autoscale: "queue",
      prometheusUrl: PROMETHEUS,
      targetQueue: 8,
      minReplicas: 1,
      maxReplicas: 5,
    });
    expect(objects.map((o) => o.kind)).not.toContain("HorizontalPodAutoscaler");
    expect(byKind(objects, "ScaledObject")).toMatchObject({
      apiVersion: "keda.sh/v1alpha1",
      spec: {
        scaleTargetRef: { name: "hello" },
        minReplicaCount: 1,
        maxReplicaCount: 5,
        triggers: [
          {
            type: "prometheus",
            metadata: {
              serverAddress: PROMETHEUS,
              query:
                'sum(servekit_queue_depth{namespace="models",pod=~"hello-[a-z0-9]+-[a-z0-9]+"})',
              threshold: "8",
            },
          },
        ],
      },
    });
  });

  it("with autoscale none writes a fixed replica count and no autoscaler", () => {
    const objects = generateK8sManifests({ ...BASE, autoscale: "none", replicas: 3 });
    expect(objects.map((o) => o.kind)).toEqual(["Deployment", "Service", "PodDisruptionBudget"]);
    expect(byKind(objects, "Deployment").spec.replicas).toBe(3);
    expect(byKind(objects, "PodDisruptionBudget").spec).toMatchObject({ maxUnavailable: 1 });
  });

  it("leaves the scrape annotations out when the server has no /metrics", () => {
    const on = generateK8sManifests(BASE);
    const annotations = (o: K8sObject[]) => podTemplate(o).metadata.annotations;
    expect(annotations(on)).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8000",
      "prometheus.io/path": "/metrics",
    });
    expect(annotations(generateK8sManifests({ ...BASE, metrics: false }))).toBeUndefined();
  });

  it("refuses options that would not work, saying what would", () => {
    expect(() => generateK8sManifests({ ...BASE, name: "Hello_World" })).toThrow(
      /name \(--name\) must be at most 63 lowercase letters/,
    );
    expect(() => generateK8sManifests({ ...BASE, autoscale: "queue" })).toThrow(
      /--autoscale queue needs --prometheus-url/,
    );
    expect(() =>
      generateK8sManifests({
        ...BASE,
        autoscale: "queue",
        prometheusUrl: PROMETHEUS,
        metrics: false,
      }),
    ).toThrow(/`metrics` is false/);
    expect(() => generateK8sManifests({ ...BASE, minReplicas: 5, maxReplicas: 2 })).toThrow(
      "--max (2) must be ≥ --min (5)",
    );
    expect(() => generateK8sManifests({ ...BASE, memory: "lots" })).toThrow(/Kubernetes quantity/);
    expect(() => generateK8sManifests({ ...BASE, env: { PORT: "1" } })).toThrow(/--port/);
  });

  it("derives a valid object name from a predictor's name", () => {
    expect(k8sName("YOLOv5 Detector")).toBe("yolov5-detector");
    expect(k8sName("cli/echo")).toBe("cli-echo");
    expect(k8sName("__")).toBe("model");
  });
});

describe("k8sManifestsYaml", () => {
  it("writes one YAML document per object, without anchors, that parses back to the objects", () => {
    const yaml = k8sManifestsYaml(BASE);
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(yaml).toContain("# Generated by `serve-cli k8s` for ghcr.io/me/hello:1.0.");
    const docs = parseAllDocuments(yaml).map((d) => d.toJS());
    expect(docs).toEqual(JSON.parse(JSON.stringify(generateK8sManifests(BASE))));
  });
});
