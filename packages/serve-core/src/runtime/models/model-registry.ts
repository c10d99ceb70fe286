import type { Registry } from "prom-client";
import { ServeError } from "../../errors.js";
import { createLogger, type Logger } from "../../logger.js";
import { ShadowMetrics, type ShadowResult } from "../../metrics/shadow-metrics.js";
import {
  type ResolvedServeOptions,
  resolveServeOptions,
  type ServeOptions,
} from "../../options.js";
import type { AsyncPredictions } from "../async/async-predictions.js";
import { ModelRuntime, type ModelRuntimeHooks } from "../model-runtime.js";
import type { Health, HealthStatus } from "../runtime-types.js";
import type {
  ModelEntry,
  ModelInfo,
  ModelLease,
  RouteRequest,
  TrafficChange,
  TrafficPolicy,
} from "./model-types.js";
import { modelNotFound } from "./not-found.js";
import { ServedModel } from "./served-model.js";
import { runShadow } from "./shadow-run.js";
import { entryPredictor, versionOptions } from "./version-options.js";

// Worst first: the server's status is its worst version's.
const STATUS_ORDER: HealthStatus[] = ["DEFUNCT", "SETUP_FAILED", "STARTING", "BUSY", "READY"];

const NO_SHADOW: Promise<undefined> = Promise.resolve(undefined);

/**
 * Every model and version one server hosts, each a {@link ModelRuntime}
 * of its own (setup, pool, health, admission), and the traffic policy of
 * each model name: which version a request goes to (weights, a sticky key,
 * an explicit version), which also runs in shadow, and releases that change
 * it, add versions or retire them (draining) while serving. Knows nothing
 * of HTTP.
 *
 * @example
 * const models = new ModelRegistry([v1, v2], { traffic: { echo: { weights: { "1": 95, "2": 5 } } } });
 * const lease = models.lease("echo", { requestId: "r1", routingKey: "user-7" });
 * try { await lease.runtime.predict(await lease.runtime.parseInput(raw)); } finally { lease.release(); }
 * models.setTraffic("echo", { weights: { "2": 100 } });
 */
export class ModelRegistry {
  /** The model `/predict` and the other single-model routes go to: the first entry's. */
  readonly defaultModel: string;
  /** The server's own options (each version's runtime lays its entry's options over them). */
  readonly options: ResolvedServeOptions;
  readonly log: Logger;
  /** Resolves when the setup of every version given at construction has finished (succeeded or not). */
  readonly ready: Promise<void>;
  private readonly models = new Map<string, ServedModel>();
  private readonly several: boolean;
  private readonly shadowMetrics: ShadowMetrics | undefined;
  private readonly faceMetrics: Registry[] = [];

  constructor(
    entries: readonly (ModelEntry | ModelRuntime)[],
    private readonly given: ServeOptions = {},
    private readonly hooks: ModelRuntimeHooks = {},
  ) {
    if (entries.length === 0) throw new TypeError("serve() needs at least one predictor");
    this.options = resolveServeOptions(given);
    const first =
      entries[0] instanceof ModelRuntime ? entries[0].predictor : entryPredictor(entries[0]!);
    this.several = entries.length > 1;
    this.log =
      this.options.logger ??
      createLogger({ level: this.options.logLevel, name: this.several ? "servekit" : first.name });
    this.defaultModel = first.name;
    this.shadowMetrics = this.options.metrics ? new ShadowMetrics() : undefined;
    for (const entry of entries) this.add(entry);
    for (const [name, policy] of Object.entries(this.options.traffic ?? {}))
      this.setTraffic(name, policy);
    this.ready = Promise.all(this.runtimes().map((r) => r.ready)).then(() => {});
  }

  names(): string[] {
    return [...this.models.keys()];
  }

  /** Every version's runtime, retiring ones included. */
  runtimes(): ModelRuntime[] {
    return [...this.models.values()].flatMap((m) => m.runtimes());
  }

  /** A model's runtime: the given version, or the one with the most weight. Unknown → 404 listing what exists. */
  runtime(name: string, version?: string): ModelRuntime {
    const model = this.model(name);
    return model.runtime(version ?? model.primary());
  }

  /** Models, versions, readiness and traffic: what `GET /models` shows. */
  list(): ModelInfo[] {
    return this.names().map((name) => this.info(name));
  }

  info(name: string): ModelInfo {
    const model = this.model(name);
    return {
      name,
      default: name === this.defaultModel,
      description: model.runtime(model.primary()).predictor.description,
      versions: model.versionInfo(),
      traffic: model.traffic(),
    };
  }

  traffic(name: string): TrafficPolicy {
    return this.model(name).traffic();
  }

  /** Changes a model's policy at once for new requests; 422 naming the wrong field, 404 for an unknown model. */
  setTraffic(name: string, change: TrafficChange): TrafficPolicy {
    return this.model(name).setTraffic(change);
  }

  /**
   * Routes one request: an explicit version, else the policy's choice by
   * the sticky key (or the request id), plus the shadow when sampled. The
   * lease keeps the version from retiring under the request.
   */
  lease(name: string, request: RouteRequest): ModelLease {
    return this.model(name).lease(request);
  }

  /**
   * Runs a leased request's shadow, if it has one, with the raw input (a
   * copy the answer's run did not consume) and compares it with `answer`.
   * Never rejects; call it once the answer is on its way.
   */
  shadow(
    lease: ModelLease,
    raw: unknown,
    answer: unknown,
    requestId: string,
  ): Promise<ShadowResult | undefined> {
    // Not async: a request without a shadow (nearly all) makes no promise.
    if (!lease.shadow) return NO_SHADOW;
    return runShadow({
      model: lease.name,
      primaryVersion: lease.version,
      answer,
      candidate: lease.shadow,
      raw,
      requestId,
      log: this.log,
      metrics: this.shadowMetrics,
    });
  }

  /** The async predictions of the version that holds prediction `id`, if one does. */
  predictionsWith(id: string): AsyncPredictions | undefined {
    return this.runtimes().find((r) => r.predictions.get(id))?.predictions;
  }

  /**
   * The registries `/metrics` prints: each version's (labelled by model and
   * version), the shadow counts, and those of other faces serving these
   * models in the process (a stream consumer).
   */
  metricsRegistries(): Registry[] {
    const own = this.runtimes().flatMap((r) => (r.metrics ? [r.metrics.registry] : []));
    return [
      ...own,
      ...(this.shadowMetrics ? [this.shadowMetrics.registry] : []),
      ...this.faceMetrics,
    ];
  }

  /** Adds another face's metrics (a stream consumer's) to what `/metrics` prints. */
  addMetricsRegistry(registry: Registry): void {
    this.faceMetrics.push(registry);
  }

  /**
   * Starts serving another model-version (setup begins now); a new version
   * of a known model gets no traffic until the policy gives it some. 409
   * when that name and version is served already.
   */
  add(entry: ModelEntry | ModelRuntime): ModelRuntime {
    const predictor = entry instanceof ModelRuntime ? entry.predictor : entryPredictor(entry);
    const { name, version } = predictor;
    const model = this.models.get(name);
    if (model?.has(version))
      throw new ServeError(
        "CONFLICT",
        `${name} version ${version} is served already; retire it first or give the new one another version`,
      );
    const runtime =
      entry instanceof ModelRuntime
        ? entry
        : new ModelRuntime(
            predictor,
            versionOptions(entry, {
              given: this.given,
              resolved: this.options,
              log: this.log,
              alone: !this.several && this.models.size === 0,
            }),
            this.hooks,
          );
    if (model) model.add(runtime);
    else this.models.set(name, new ServedModel(name, runtime, this.log));
    this.log.info({ model: name, version }, "model version added");
    return runtime;
  }

  /**
   * Stops routing to a version, waits for the requests that hold it, drains
   * and closes it. 409 while it still has weight, is the shadow, or is the
   * model's only version: move its traffic first.
   */
  retire(name: string, version: string): Promise<void> {
    return this.model(name).retire(version);
  }

  /** The server's health: its worst version's status, the default model's setup. */
  health(): Health {
    const all = this.runtimes().map((r) => r.health());
    const base = this.runtime(this.defaultModel).health();
    const status = STATUS_ORDER.find((s) => all.some((h) => h.status === s)) ?? base.status;
    return { ...base, status, draining: all.some((h) => h.draining) };
  }

  /** Readiness: every version that is not retiring accepts predictions. */
  get isReady(): boolean {
    return [...this.models.values()].every((m) => m.isReady);
  }

  async drain(graceMs: number): Promise<boolean> {
    return (await Promise.all(this.runtimes().map((r) => r.drain(graceMs)))).every(Boolean);
  }

  async flush(graceMs: number): Promise<boolean> {
    return (await Promise.all(this.runtimes().map((r) => r.flush(graceMs)))).every(Boolean);
  }

  async close(): Promise<void> {
    await Promise.all(this.runtimes().map((r) => r.close()));
  }

  private model(name: string): ServedModel {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name, this.names());
    return model;
  }
}
