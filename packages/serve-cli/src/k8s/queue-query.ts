import type { ResolvedK8sOptions } from "./k8s-options.js";

/**
 * The PromQL query KEDA reads: predictions waiting for a slot, summed over
 * this Deployment's pods. `servekit_queue_depth` is a gauge every servekit
 * server exports (labels `model`, `version`); Prometheus adds `namespace` and
 * `pod` when it scrapes pods through Kubernetes service discovery (the
 * `kubernetes-pods` job of the common charts, or a PodMonitor). A
 * Deployment's pods are named `<name>-<replicaset hash>-<suffix>`, which the
 * `pod` regex matches without catching a `<name>-canary` Deployment's pods.
 *
 * KEDA divides this total by the threshold to get the replicas it wants
 * (an HPA `AverageValue` target), so the threshold is "waiting predictions per
 * replica", not a total.
 *
 * @example
 * queueDepthQuery({ name: "hello", namespace: "default" });
 * // 'sum(servekit_queue_depth{namespace="default",pod=~"hello-[a-z0-9]+-[a-z0-9]+"})'
 */
export function queueDepthQuery(o: Pick<ResolvedK8sOptions, "name" | "namespace">): string {
  return `sum(servekit_queue_depth{namespace="${o.namespace}",pod=~"${o.name}-[a-z0-9]+-[a-z0-9]+"})`;
}
