import { ServeError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { ModelRuntime } from "../model-runtime.js";
import type {
  ModelLease,
  ModelVersionInfo,
  RouteRequest,
  TrafficChange,
  TrafficPolicy,
} from "./model-types.js";
import { versionNotFound } from "./not-found.js";
import {
  changedPolicy,
  chooseVersion,
  firstVersionPolicy,
  inShadowSample,
  shares,
} from "./traffic-policy.js";

/** One served version and the requests holding it. */
interface VersionSlot {
  runtime: ModelRuntime;
  leases: number;
  /** Set while it retires: no new requests, and this resolves once the last lease is released. */
  retiring?: { idle: Promise<void>; resolve: () => void };
}

/**
 * One model name: its versions, its traffic policy, and the leases that
 * requests hold on versions so a retiring one finishes what it started.
 */
export class ServedModel {
  private readonly versions = new Map<string, VersionSlot>();
  private policy: TrafficPolicy;

  constructor(
    readonly name: string,
    first: ModelRuntime,
    private readonly log: Logger,
  ) {
    this.versions.set(first.predictor.version, { runtime: first, leases: 0 });
    this.policy = firstVersionPolicy([first.predictor.version]);
  }

  /** Versions that take requests (not retiring), in the order they were added. */
  live(): string[] {
    return [...this.versions].filter(([, s]) => !s.retiring).map(([v]) => v);
  }

  /** Every version's runtime, retiring ones included. */
  runtimes(): ModelRuntime[] {
    return [...this.versions.values()].map((s) => s.runtime);
  }

  has(version: string): boolean {
    return this.versions.has(version);
  }

  /** A live version's runtime; 404 naming the live ones otherwise. */
  runtime(version: string): ModelRuntime {
    return this.slot(version).runtime;
  }

  /** The version with the most weight. */
  primary(): string {
    return Object.entries(this.policy.weights).reduce((best, next) =>
      next[1] > best[1] ? next : best,
    )[0];
  }

  traffic(): TrafficPolicy {
    return {
      weights: { ...this.policy.weights },
      shadow: this.policy.shadow && { ...this.policy.shadow },
    };
  }

  setTraffic(change: TrafficChange): TrafficPolicy {
    this.policy = changedPolicy(this.policy, change, this.live());
    this.log.info({ model: this.name, traffic: this.policy }, "traffic policy changed");
    return this.traffic();
  }

  /** Each live version as `GET /models` shows it. */
  versionInfo(): ModelVersionInfo[] {
    const share = shares(this.policy);
    return this.live().map((version) => {
      const runtime = this.runtime(version);
      return {
        version,
        status: runtime.health().status,
        ready: runtime.isReady,
        share: share[version] ?? 0,
        inFlight: runtime.inFlight,
        queued: runtime.queued,
      };
    });
  }

  /** Adds a version with no traffic until the policy gives it some. */
  add(runtime: ModelRuntime): void {
    const { version } = runtime.predictor;
    this.versions.set(version, { runtime, leases: 0 });
    this.policy = { ...this.policy, weights: { ...this.policy.weights, [version]: 0 } };
  }

  /** See {@link ModelRegistry.lease}. */
  lease(request: RouteRequest): ModelLease {
    const version =
      request.version ?? chooseVersion(this.policy, request.routingKey ?? request.requestId);
    const slot = this.slot(version);
    const { shadow } = this.policy;
    const shadowSlot =
      shadow && shadow.version !== version && inShadowSample(shadow.fraction, request.requestId)
        ? this.versions.get(shadow.version)
        : undefined;
    slot.leases++;
    let released = false;
    return {
      name: this.name,
      version,
      runtime: slot.runtime,
      reason:
        request.version !== undefined
          ? "explicit"
          : request.routingKey !== undefined
            ? "sticky"
            : "weighted",
      shadow: shadowSlot && !shadowSlot.retiring ? shadowSlot.runtime : undefined,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        if (slot.leases === 0) slot.retiring?.resolve();
      },
    };
  }

  /** See {@link ModelRegistry.retire}. */
  async retire(version: string): Promise<void> {
    const slot = this.slot(version);
    const refuse = (why: string) =>
      new ServeError("CONFLICT", `cannot retire ${this.name} version ${version}: ${why}`);
    if (this.live().length === 1) throw refuse("it is the model's only version");
    if ((this.policy.weights[version] ?? 0) > 0)
      throw refuse("it still gets traffic; set its weight to 0 (or promote another version) first");
    if (this.policy.shadow?.version === version)
      throw refuse("it is the shadow; turn the shadow off first");
    let resolve!: () => void;
    const idle = new Promise<void>((r) => {
      resolve = r;
    });
    slot.retiring = { idle, resolve };
    const { [version]: _gone, ...weights } = this.policy.weights;
    this.policy = { ...this.policy, weights };
    if (slot.leases === 0) resolve();
    this.log.info({ model: this.name, version, leases: slot.leases }, "retiring model version");
    await idle;
    const grace = slot.runtime.options.shutdownGraceMs;
    await slot.runtime.drain(grace);
    await slot.runtime.flush(grace);
    await slot.runtime.close();
    this.versions.delete(version);
    this.log.info({ model: this.name, version }, "model version retired");
  }

  /** Whether every live version accepts predictions. */
  get isReady(): boolean {
    return [...this.versions.values()].every((s) => s.retiring || s.runtime.isReady);
  }

  private slot(version: string): VersionSlot {
    const slot = this.versions.get(version);
    if (!slot || slot.retiring) throw versionNotFound(this.name, version, this.live());
    return slot;
  }
}
