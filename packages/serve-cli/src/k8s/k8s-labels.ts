import type { ResolvedK8sOptions } from "./k8s-options.js";

/** Kubernetes label values: at most 63 characters of letters, digits, '-', '_' and '.'. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * The labels that pick this server's pods: the Deployment's selector and the
 * Service's. A selector cannot change once created, so the version is not in it.
 *
 * @example
 * selectorLabels(resolveK8sOptions({ name: "hello", image: "hello:1" }));
 * // { "app.kubernetes.io/name": "hello", "app.kubernetes.io/instance": "hello" }
 */
export function selectorLabels(o: Pick<ResolvedK8sOptions, "name">): Record<string, string> {
  return { "app.kubernetes.io/name": o.name, "app.kubernetes.io/instance": o.name };
}

/**
 * The recommended `app.kubernetes.io/*` labels of every object and pod; the
 * version only when it is a valid label value.
 *
 * @example
 * objectLabels(resolveK8sOptions({ name: "hello", image: "hello:1", version: "1.0.0" }));
 */
export function objectLabels(
  o: Pick<ResolvedK8sOptions, "name" | "version">,
): Record<string, string> {
  const version =
    o.version && o.version.length <= 63 && LABEL_VALUE.test(o.version) ? o.version : undefined;
  return {
    ...selectorLabels(o),
    ...(version ? { "app.kubernetes.io/version": version } : {}),
    "app.kubernetes.io/component": "model-server",
    "app.kubernetes.io/managed-by": "serve-cli",
  };
}

/** The `metadata` of an object: name, namespace and labels. */
export function objectMetadata(o: ResolvedK8sOptions) {
  return { name: o.name, namespace: o.namespace, labels: objectLabels(o) };
}
