import { objectMetadata } from "./k8s-labels.js";
import type { K8sObject } from "./k8s-object.js";
import type { ResolvedK8sOptions } from "./k8s-options.js";
import { queueDepthQuery } from "./queue-query.js";

/**
 * A KEDA ScaledObject (`keda.sh/v1alpha1`) that scales the Deployment on
 * servekit's queue depth read from Prometheus: replicas = ceil(waiting
 * predictions / `targetQueue`), between `minReplicas` and `maxReplicas`.
 * KEDA creates and owns the HPA behind it (which reads the query every 15 s
 * and waits 5 minutes of lower readings before it scales in). Never to zero:
 * with no pod there is no queue to measure, so nothing would wake it.
 *
 * @example
 * kedaScaledObject(resolveK8sOptions({ name: "hello", image: "hello:1.0", autoscale: "queue",
 *   prometheusUrl: "http://prometheus-server.monitoring.svc" })).spec.triggers;
 */
export function kedaScaledObject(o: ResolvedK8sOptions): K8sObject {
  if (!o.prometheusUrl) throw new Error("internal: kedaScaledObject needs prometheusUrl");
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: objectMetadata(o),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: o.name },
      minReplicaCount: o.minReplicas,
      maxReplicaCount: o.maxReplicas,
      triggers: [
        {
          type: "prometheus",
          metricType: "AverageValue",
          metadata: {
            serverAddress: o.prometheusUrl,
            query: queueDepthQuery(o),
            // KEDA's trigger metadata is strings only.
            threshold: String(o.targetQueue),
            // No pods scraped yet (or Prometheus briefly empty): read it as no queue.
            ignoreNullValues: "true",
          },
        },
      ],
    },
  };
}
