import { objectMetadata } from "./k8s-labels.js";
import type { K8sObject } from "./k8s-object.js";
import type { ResolvedK8sOptions } from "./k8s-options.js";

/**
 * The HorizontalPodAutoscaler (`autoscaling/v2`): between `minReplicas` and
 * `maxReplicas` replicas, aiming at `targetCpuPercent` of the pods' CPU
 * request on average. It needs the metrics-server, which most clusters run.
 *
 * @example
 * horizontalAutoscaler(resolveK8sOptions({ name: "hello", image: "hello:1.0" })).spec.metrics;
 */
export function horizontalAutoscaler(o: ResolvedK8sOptions): K8sObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: objectMetadata(o),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: o.name },
      minReplicas: o.minReplicas,
      maxReplicas: o.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: o.targetCpuPercent },
          },
        },
      ],
    },
  };
}
