import { HTTP_PORT_NAME } from "./deployment.js";
import { objectMetadata, selectorLabels } from "./k8s-labels.js";
import type { K8sObject } from "./k8s-object.js";
import type { ResolvedK8sOptions } from "./k8s-options.js";

/**
 * The Service: a stable in-cluster address (`http://<name>.<namespace>`, port
 * 80) that spreads requests over the ready pods only.
 *
 * @example
 * service(resolveK8sOptions({ name: "hello", image: "hello:1.0" })).spec.ports;
 * // [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]
 */
export function service(o: ResolvedK8sOptions): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMetadata(o),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(o),
      // By name, so a changed --port needs no change here.
      ports: [{ name: "http", port: 80, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
    },
  };
}
