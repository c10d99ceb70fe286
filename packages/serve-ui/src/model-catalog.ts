import type { ApiClient } from "./api-client.js";

/** One version as `GET /models` lists it. */
export interface ModelVersionInfo {
  version: string;
  /** READY, BUSY, STARTING, SETUP_FAILED or DEFUNCT. */
  status: string;
  ready: boolean;
  /** Share of requests the traffic policy sends it now, 0–1. */
  share: number;
}

/** One model as `GET /models` lists it. */
export interface ModelInfo {
  name: string;
  default: boolean;
  description?: string | null;
  versions: ModelVersionInfo[];
}

/** What `GET /models` answers: every model the server hosts, and which one `/predict` goes to. */
export interface ModelCatalog {
  default: string;
  models: ModelInfo[];
}

/** Where a prediction goes: a model, and a version, or none to let the traffic policy choose. */
export interface PredictTarget {
  model: string;
  version?: string | undefined;
}

/**
 * The server's models, or undefined when it has no `GET /models` (a server
 * from before several models) or answers something else.
 */
export async function loadCatalog(client: ApiClient): Promise<ModelCatalog | undefined> {
  const res = await client.get<ModelCatalog>("/models");
  if (!res.ok || !Array.isArray(res.body?.models) || res.body.models.length === 0) return undefined;
  return res.body;
}

/** Whether there is anything to pick: more than one model, or a model with more than one version. */
export function hasChoices(catalog: ModelCatalog | undefined): catalog is ModelCatalog {
  return (
    catalog !== undefined &&
    (catalog.models.length > 1 || catalog.models.some((m) => m.versions.length > 1))
  );
}

/**
 * The route of a target's predictions as `/openapi.json` lists it, e.g.
 * `/models/yolov5/versions/fp16/predict`; pass `encodeURIComponent` for the URL to post to.
 */
export function predictPath(
  target: PredictTarget,
  encode: (segment: string) => string = (segment) => segment,
): string {
  const model = `/models/${encode(target.model)}`;
  return target.version === undefined
    ? `${model}/predict`
    : `${model}/versions/${encode(target.version)}/predict`;
}

/** How a version is offered in the picker, e.g. "fp16 · ready · 5%". */
export function versionLabel(version: ModelVersionInfo): string {
  const share = Math.round(version.share * 1000) / 10;
  return `${version.version} · ${version.status.toLowerCase().replace(/_/g, " ")} · ${share}%`;
}
