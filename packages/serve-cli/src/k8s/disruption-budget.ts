import { objectMetadata, selectorLabels } from "./k8s-labels.js";
import type { K8sObject } from "./k8s-object.js";
import type { ResolvedK8sOptions } from "./k8s-options.js";

/**
 * The PodDisruptionBudget: voluntary evictions (node drains, cluster
 * upgrades) take one pod at a time, so the others keep serving while the
 * evicted one drains. `maxUnavailable: 1` rather than `minAvailable`: with
 * one replica, `minAvailable: 1` would block every node drain for good.
 *
 * @example
 * disruptionBudget(resolveK8sOptions({ name: "hello", image: "hello:1.0" })).spec;
 * // { maxUnavailable: 1, selector: { matchLabels: { … } } }
 */
export function disruptionBudget(o: ResolvedK8sOptions): K8sObject {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: objectMetadata(o),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(o) } },
  };
}
