import type { ServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { ModelRuntime } from "../model-runtime.js";
import type { HealthStatus } from "../runtime-types.js";

/**
 * One model-version to serve: a predictor, or a predictor with options of
 * its own (pool size, queue, timeouts) laid over the server's.
 */
export type ModelEntry = AnyPredictor | { predictor: AnyPredictor; options?: ServeOptions };

/**
 * How one model's requests are spread over its versions. `weights` are
 * relative shares (95/5 is a canary, 100/0 then 0/100 a blue/green switch);
 * `shadow` also runs a fraction of requests on a candidate version whose
 * output is compared with the answer's, never returned.
 */
export interface TrafficPolicy {
  /** Share of requests per version; versions not named get none. */
  weights: Record<string, number>;
  /** A candidate that also runs on `fraction` (0–1) of requests; `null` for none. */
  shadow: { version: string; fraction: number } | null;
}

/** A change to a policy: what is given replaces what was there. */
export interface TrafficChange {
  weights?: Record<string, number>;
  shadow?: { version: string; fraction: number } | null;
}

/** How a request asks for a version. */
export interface RouteRequest {
  /** An explicit version (path or header): always wins. */
  version?: string | undefined;
  /** A sticky key: the same key always gets the same version while the weights stay. */
  routingKey?: string | undefined;
  /** Hashed for the weighted choice when there is no routing key (so a test can be deterministic). */
  requestId: string;
}

/** Why a request went to the version it went to. */
export type RouteReason = "explicit" | "sticky" | "weighted";

/**
 * A request's hold on the version it was routed to: a retiring version
 * waits until every lease on it is released before it drains and closes.
 */
export interface ModelLease {
  name: string;
  version: string;
  runtime: ModelRuntime;
  reason: RouteReason;
  /** The shadow candidate this request also runs on, when it was sampled. */
  shadow: ModelRuntime | undefined;
  /** Call exactly once when the request is done with `runtime` (idempotent). */
  release(): void;
}

/** One version as `GET /models` lists it. */
export interface ModelVersionInfo {
  version: string;
  status: HealthStatus;
  ready: boolean;
  /** Share of requests it gets now, 0–1. */
  share: number;
  inFlight: number;
  queued: number;
}

/** One model as `GET /models` lists it. */
export interface ModelInfo {
  name: string;
  /** Whether `/predict` and the other single-model routes go to this model. */
  default: boolean;
  description: string | undefined;
  versions: ModelVersionInfo[];
  traffic: TrafficPolicy;
}
