import { posix } from "node:path";
import { IMAGE_APP_DIR } from "../container/dockerfile.js";
import { objectLabels, objectMetadata, selectorLabels } from "./k8s-labels.js";
import type { K8sObject } from "./k8s-object.js";
import type { ResolvedK8sOptions } from "./k8s-options.js";

/** Named container port the probes, the Service and the scrape annotation refer to. */
export const HTTP_PORT_NAME = "http";

/** Seconds between startup probes; the failure threshold is sized from the setup timeout. */
const STARTUP_PERIOD_SECONDS = 5;

/** Seconds past the preStop sleep and the server's drain before the kubelet sends SIGKILL. */
const KILL_MARGIN_SECONDS = 5;

/**
 * Seconds from "delete this pod" to SIGKILL. The kubelet counts the preStop
 * hook against it, then sends SIGTERM, on which the server drains for up to
 * `shutdownGraceMs`: the sum, plus a margin, so draining always finishes.
 *
 * @example
 * terminationGraceSeconds({ preStopSeconds: 5, shutdownGraceMs: 30_000 }); // 40
 */
export function terminationGraceSeconds(
  o: Pick<ResolvedK8sOptions, "preStopSeconds" | "shutdownGraceMs">,
): number {
  return o.preStopSeconds + Math.ceil(o.shutdownGraceMs / 1000) + KILL_MARGIN_SECONDS;
}

/**
 * Failed startup probes, one every 5 s, before the kubelet restarts a pod that
 * is not ready yet: enough for `setupTimeoutSeconds` of setup.
 *
 * @example
 * startupFailureThreshold({ setupTimeoutSeconds: 600 }); // 120
 */
export function startupFailureThreshold(o: Pick<ResolvedK8sOptions, "setupTimeoutSeconds">) {
  return Math.ceil(o.setupTimeoutSeconds / STARTUP_PERIOD_SECONDS);
}

/**
 * The Deployment: pods that run the image as a non-root user on a read-only
 * root filesystem, with probes on servekit's health routes, a graceful stop
 * and resources that the autoscaler and the scheduler can count on.
 *
 * @example
 * deployment(resolveK8sOptions({ name: "hello", image: "hello:1.0" })).spec.template;
 */
export function deployment(o: ResolvedK8sOptions): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: objectMetadata(o),
    spec: {
      // An autoscaler owns the count: a replicas field here would reset it on every apply.
      ...(o.autoscale === "none" ? { replicas: o.replicas } : {}),
      selector: { matchLabels: selectorLabels(o) },
      // Start a new pod and wait for it to be ready before an old one goes: no lost capacity.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels: objectLabels(o),
          ...(o.metrics ? { annotations: scrapeAnnotations(o) } : {}),
        },
        spec: podSpec(o),
      },
    },
  };
}

/** Annotations the common Prometheus setups (the `kubernetes-pods` job) scrape pods by. */
function scrapeAnnotations(o: ResolvedK8sOptions): Record<string, string> {
  return {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(o.port),
    "prometheus.io/path": "/metrics",
  };
}

function podSpec(o: ResolvedK8sOptions): Record<string, unknown> {
  const gpu = o.gpu > 0;
  return {
    terminationGracePeriodSeconds: terminationGraceSeconds(o),
    // The server never calls the Kubernetes API: no token in the pod.
    automountServiceAccountToken: false,
    securityContext: {
      runAsNonRoot: true,
      // Numeric, because the image says `USER node`: the kubelet cannot check a
      // user *name* against runAsNonRoot and would refuse to start the pod.
      runAsUser: o.runAsUser,
      runAsGroup: o.runAsUser,
      fsGroup: o.runAsUser,
      seccompProfile: { type: "RuntimeDefault" },
    },
    containers: [container(o)],
    volumes: volumeMounts(o).map(({ name }) => ({ name, emptyDir: {} })),
    // GPU node pools are commonly tainted so that only GPU pods land there.
    ...(gpu
      ? { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] }
      : {}),
  };
}

function container(o: ResolvedK8sOptions): Record<string, unknown> {
  const port = HTTP_PORT_NAME;
  // Requests equal to limits: Guaranteed QoS, so a model's latency does not
  // depend on its neighbours, and the HPA's CPU percent is of a fixed amount.
  const resources: Record<string, string | number> = { cpu: o.cpu, memory: o.memory };
  if (o.gpu > 0) resources["nvidia.com/gpu"] = o.gpu;
  return {
    name: "server",
    image: o.image,
    ports: [{ name: port, containerPort: o.port, protocol: "TCP" }],
    env: [
      { name: "PORT", value: String(o.port) },
      // The root filesystem is read-only: caches (a predictor's downloaded weights) go to the /tmp volume.
      ...(o.env.XDG_CACHE_HOME === undefined
        ? [{ name: "XDG_CACHE_HOME", value: "/tmp/cache" }]
        : []),
      ...Object.entries(o.env).map(([name, value]) => ({ name, value })),
    ],
    resources: { requests: resources, limits: { ...resources } },
    // Gates the two below until setup (loading weights) is done, then stops;
    // a setup that fails or hangs is restarted after setupTimeoutSeconds.
    startupProbe: {
      httpGet: { path: "/health/ready", port },
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: 3,
      failureThreshold: startupFailureThreshold(o),
    },
    // 503 while starting, draining or overloaded past repair: out of the Service, not restarted.
    readinessProbe: {
      httpGet: { path: "/health/ready", port },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
    // 503 only when crashed workers could not be replaced: a restart is the fix.
    livenessProbe: {
      httpGet: { path: "/health/live", port },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    lifecycle: {
      // Endpoints drop a terminating pod asynchronously: keep serving a few
      // seconds so requests routed meanwhile still succeed, then SIGTERM drains.
      // The `sleep` action (on by default since Kubernetes 1.30; the schema the
      // tests validate against has it) needs no shell or sleep binary in the
      // image, which `exec: [sleep, 5]` would: distroless bases have neither.
      preStop: { sleep: { seconds: o.preStopSeconds } },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: volumeMounts(o),
  };
}

/**
 * The writable places on a read-only root filesystem: /tmp (tsx caches the
 * compiled predictor there) and the async journal's directory when
 * SERVEKIT_JOURNAL_DIR is set (an emptyDir outlives a container restart, not the pod).
 */
function volumeMounts(o: ResolvedK8sOptions): { name: string; mountPath: string }[] {
  const journal = o.env.SERVEKIT_JOURNAL_DIR;
  // A relative journal directory is relative to the image's WORKDIR.
  const journalPath = journal ? posix.resolve(IMAGE_APP_DIR, journal) : undefined;
  const underTmp = journalPath === "/tmp" || journalPath?.startsWith("/tmp/");
  return [
    { name: "tmp", mountPath: "/tmp" },
    ...(journalPath && !underTmp ? [{ name: "journal", mountPath: journalPath }] : []),
  ];
}
