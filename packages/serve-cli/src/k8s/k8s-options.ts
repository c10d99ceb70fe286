import { usageError } from "../cli-error.js";

/** How the Deployment's replica count is driven. */
export type K8sAutoscale = "cpu" | "queue" | "none";

/** What {@link generateK8sManifests} writes: every field but `name` and `image` has a default. */
export interface K8sOptions {
  /** Name of every object, e.g. "yolov5" (a DNS label: lowercase letters, digits, '-'). */
  name: string;
  /** Image the pods run, e.g. "us-docker.pkg.dev/p/r/yolov5:1.0". */
  image: string;
  /** The predictor's version, for the `app.kubernetes.io/version` label. @default none */
  version?: string;
  /** Namespace of every object (the queue query filters on it too). @default "default" */
  namespace?: string;
  /** Port the server listens on in the container (`PORT`). @default 8000 */
  port?: number;
  /** Extra container environment; `PORT` comes from `port`. @default {} */
  env?: Record<string, string>;
  /** CPU request and limit, e.g. "1", "500m". @default "1" */
  cpu?: string;
  /** Memory request and limit, e.g. "1Gi". @default "1Gi" */
  memory?: string;
  /** `nvidia.com/gpu` request and limit; 0 asks for none. @default 0 */
  gpu?: number;
  /** Fixed replica count, only with `autoscale: "none"`. @default 2 */
  replicas?: number;
  /** @default "cpu" (a HorizontalPodAutoscaler) */
  autoscale?: K8sAutoscale;
  /** Fewest replicas the autoscaler keeps. @default 2 */
  minReplicas?: number;
  /** Most replicas the autoscaler starts. @default 10 */
  maxReplicas?: number;
  /** Average CPU use, in percent of the request, the HPA aims for. @default 70 */
  targetCpuPercent?: number;
  /** Predictions waiting per replica that KEDA aims for. @default 4 */
  targetQueue?: number;
  /** Prometheus KEDA queries, e.g. "http://prometheus-server.monitoring.svc". Required with `autoscale: "queue"`. */
  prometheusUrl?: string;
  /** The server's `shutdownGraceMs` (serve.config.ts): how long it drains on SIGTERM. @default 30000 */
  shutdownGraceMs?: number;
  /** Seconds the preStop hook waits before SIGTERM, while endpoints drop the pod. @default 5 */
  preStopSeconds?: number;
  /** Seconds setup (loading weights) may take before the pod is restarted. @default 600 */
  setupTimeoutSeconds?: number;
  /** The numeric user the image runs as (`USER node` in servekit's images is 1000). @default 1000 */
  runAsUser?: number;
  /** Serve `/metrics`: scrape annotations, and the queue autoscaler needs it. @default true */
  metrics?: boolean;
}

/** Options with every default filled in and every field checked. */
export type ResolvedK8sOptions = Required<Omit<K8sOptions, "version" | "prometheusUrl">> & {
  version: string | undefined;
  prometheusUrl: string | undefined;
};

/** Where servekit's own images keep the `node` user: uid and gid 1000 in the node base images. */
export const IMAGE_USER_ID = 1000;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Kubernetes quantities: a number with an optional SI or binary suffix.
const QUANTITY = /^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/;

/**
 * Fills in defaults and checks every field; a usage error names the field
 * and what would be right.
 *
 * @example
 * resolveK8sOptions({ name: "hello", image: "hello:1.0" }).namespace; // "default"
 */
export function resolveK8sOptions(options: K8sOptions): ResolvedK8sOptions {
  const o = {
    version: options.version,
    namespace: options.namespace ?? "default",
    port: options.port ?? 8000,
    env: options.env ?? {},
    cpu: options.cpu ?? "1",
    memory: options.memory ?? "1Gi",
    gpu: options.gpu ?? 0,
    replicas: options.replicas ?? 2,
    autoscale: options.autoscale ?? "cpu",
    minReplicas: options.minReplicas ?? 2,
    maxReplicas: options.maxReplicas ?? 10,
    targetCpuPercent: options.targetCpuPercent ?? 70,
    targetQueue: options.targetQueue ?? 4,
    prometheusUrl: options.prometheusUrl,
    shutdownGraceMs: options.shutdownGraceMs ?? 30_000,
    preStopSeconds: options.preStopSeconds ?? 5,
    setupTimeoutSeconds: options.setupTimeoutSeconds ?? 600,
    runAsUser: options.runAsUser ?? IMAGE_USER_ID,
    metrics: options.metrics ?? true,
    name: options.name,
    image: options.image,
  };
  checkDnsLabel(o.name, "name (--name)", 'e.g. "yolov5"');
  checkDnsLabel(o.namespace, "namespace (--namespace)", 'e.g. "models"');
  if (o.image.length === 0 || /\s/.test(o.image)) {
    throw usageError(
      `image (--image) must be an image reference like yolov5:1.0; got "${o.image}"`,
    );
  }
  checkWhole(o.port, "port (--port)", 1, 65535);
  for (const name of Object.keys(o.env)) {
    if (name === "PORT") throw usageError("set PORT with --port, not --env");
    if (!ENV_NAME.test(name)) {
      throw usageError(
        `environment variable names are letters, digits and '_', not starting with a digit, e.g. LOG_LEVEL; got "${name}"`,
      );
    }
  }
  checkQuantity(o.cpu, "cpu (--cpu)", 'e.g. "2" or "500m"');
  checkQuantity(o.memory, "memory (--memory)", 'e.g. "2Gi" or "512Mi"');
  checkWhole(o.gpu, "gpu (--gpu)", 0);
  checkWhole(o.replicas, "replicas (--replicas)", 1);
  if (!["cpu", "queue", "none"].includes(o.autoscale)) {
    throw usageError(`autoscale (--autoscale) must be cpu, queue or none; got "${o.autoscale}"`);
  }
  checkAutoscaling(o);
  checkWhole(o.shutdownGraceMs, "shutdownGraceMs", 0);
  checkWhole(o.preStopSeconds, "preStopSeconds (--pre-stop)", 1, 60);
  checkWhole(o.setupTimeoutSeconds, "setupTimeoutSeconds (--setup-timeout)", 1);
  checkWhole(o.runAsUser, "runAsUser (--run-as-user)", 1);
  return o;
}

function checkAutoscaling(o: ResolvedK8sOptions): void {
  checkWhole(o.minReplicas, "minReplicas (--min)", 1);
  checkWhole(o.maxReplicas, "maxReplicas (--max)", 1);
  if (o.maxReplicas < o.minReplicas) {
    throw usageError(`--max (${o.maxReplicas}) must be ≥ --min (${o.minReplicas})`);
  }
  checkWhole(o.targetCpuPercent, "targetCpuPercent (--target-cpu)", 1, 100);
  if (!(o.targetQueue > 0)) {
    throw usageError(`--target-queue must be a number > 0, e.g. 4; got ${o.targetQueue}`);
  }
  if (o.autoscale !== "queue") return;
  if (!o.metrics) {
    throw usageError(
      "--autoscale queue reads servekit_queue_depth from /metrics, but `metrics` is false in the config; enable it, or use --autoscale cpu",
    );
  }
  if (!o.prometheusUrl || !/^https?:\/\/[^\s/]+/.test(o.prometheusUrl)) {
    throw usageError(
      `--autoscale queue needs --prometheus-url, the Prometheus KEDA queries, e.g. http://prometheus-server.monitoring.svc (prometheus-community chart) or http://prometheus-operated.monitoring.svc:9090 (Prometheus Operator); got ${o.prometheusUrl ? `"${o.prometheusUrl}"` : "none"}`,
    );
  }
}

/**
 * A valid object name (a DNS label) derived from a predictor's name:
 * "YOLOv5 Detector" → "yolov5-detector".
 *
 * @example
 * k8sName("cli/echo"); // "cli-echo"
 */
export function k8sName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
  return slug || "model";
}

function checkDnsLabel(value: string, field: string, example: string): void {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw usageError(
      `${field} must be at most 63 lowercase letters, digits or '-', starting and ending with a letter or digit, ${example}; got "${value}"`,
    );
  }
}

function checkWhole(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `${min}–${max}`;
    throw usageError(`${field} must be a whole number ${range}; got ${value}`);
  }
}

function checkQuantity(value: string, field: string, example: string): void {
  if (!QUANTITY.test(value)) {
    throw usageError(`${field} must be a Kubernetes quantity, ${example}; got "${value}"`);
  }
}
