import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import type { K8sOptions } from "./k8s-options.js";
import { k8sManifestsYaml } from "./manifests.js";

// The Kubernetes API's own OpenAPI schemas, compiled to validators by the
// kubernetes-models packages (KEDA's from its CRDs): a manifest that passes
// here has every field of the right type, every required field and every
// enum value the API server checks. (Like `kubectl --validate=false`, these
// schemas do not reject unknown field names.)
// biome-ignore lint/suspicious/noExplicitAny: each model takes the object it validates
type Model = new (data: any) => { validate(): void };
const MODELS: Record<string, Model> = {
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "keda.sh/v1alpha1 ScaledObject": ScaledObject,
};

/** Checks one parsed object against the schema of its apiVersion and kind; throws what is wrong. */
function validate(object: { apiVersion: string; kind: string }): void {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  new model(object).validate();
}

/** The YAML `serve-cli k8s` writes, parsed back: what `kubectl apply` would read. */
function parsedManifests(options: K8sOptions) {
  return parseAllDocuments(k8sManifestsYaml(options)).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS() as { apiVersion: string; kind: string } & Record<string, unknown>;
  });
}

const BASE: K8sOptions = { name: "hello", image: "ghcr.io/me/hello:1.0", version: "1.0.0" };
const VARIANTS: Record<string, K8sOptions> = {
  "the defaults (HPA on CPU)": BASE,
  "KEDA on the queue depth": {
    ...BASE,
    namespace: "models",
    autoscale: "queue",
    prometheusUrl: "http://prometheus-operated.monitoring.svc:9090",
    targetQueue: 2.5,
    minReplicas: 1,
  },
  "a fixed replica count": { ...BASE, autoscale: "none", replicas: 3 },
  "GPUs, resources, environment and a journal": {
    ...BASE,
    gpu: 1,
    cpu: "3500m",
    memory: "6Gi",
    env: { LOG_LEVEL: "debug", SERVEKIT_JOURNAL_DIR: "/var/lib/servekit" },
    shutdownGraceMs: 120_000,
    setupTimeoutSeconds: 1800,
    metrics: false,
  },
};

describe("generated manifests against the Kubernetes API schemas", () => {
  for (const [variant, options] of Object.entries(VARIANTS)) {
    it(`validates every object of ${variant}`, () => {
      const objects = parsedManifests(options);
      expect(objects.length).toBeGreaterThanOrEqual(3);
      for (const object of objects) expect(() => validate(object), object.kind).not.toThrow();
    });
  }

  it("rejects a broken manifest, so a wrong field type cannot pass unseen", () => {
    const [deployment] = parsedManifests(BASE);
    // biome-ignore lint/suspicious/noExplicitAny: breaking the parsed object on purpose
    const spec = deployment!.spec as any;
    spec.replicas = "two";
    spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds = "5s";
    expect(() => validate(deployment!)).toThrow(/replicas must be integer/);
    expect(() => validate(deployment!)).toThrow(/preStop\/sleep\/seconds must be integer/);

    const keda = parsedManifests(VARIANTS["KEDA on the queue depth"]!).find(
      (o) => o.kind === "ScaledObject",
    )!;
    // biome-ignore lint/suspicious/noExplicitAny: breaking the parsed object on purpose
    (keda.spec as any).triggers[0].metadata.threshold = 4;
    expect(() => validate(keda)).toThrow(/threshold must be string/);

    const [, service] = parsedManifests(BASE);
    expect(() => validate({ ...service!, apiVersion: "v2" })).toThrow(/no schema for v2 Service/);
    // biome-ignore lint/suspicious/noExplicitAny: breaking the parsed object on purpose
    delete (service!.spec as any).ports[0].port;
    expect(() => validate(service!)).toThrow(/ports\/0 must have required property port/);
  });
});
