import { createHash } from "node:crypto";
import { ServeError } from "../../errors.js";
import type { TrafficChange, TrafficPolicy } from "./model-types.js";

/** The policy of a model nobody configured: everything to its first version. */
export function firstVersionPolicy(versions: readonly string[]): TrafficPolicy {
  return {
    weights: Object.fromEntries(versions.map((v, i) => [v, i === 0 ? 100 : 0])),
    shadow: null,
  };
}

/**
 * `change` laid over `current`, checked against the versions that exist:
 * throws 422 INVALID_INPUT naming each wrong field (`weights.<v>`, `shadow.version`…).
 */
export function changedPolicy(
  current: TrafficPolicy,
  change: TrafficChange,
  versions: readonly string[],
): TrafficPolicy {
  const weights = change.weights
    ? Object.fromEntries(versions.map((v) => [v, change.weights?.[v] ?? 0]))
    : { ...current.weights };
  const next: TrafficPolicy = {
    weights,
    shadow: change.shadow === undefined ? current.shadow : change.shadow,
  };
  const problems: { path: string[]; message: string }[] = [];
  for (const [version, weight] of Object.entries(change.weights ?? {})) {
    if (!versions.includes(version))
      problems.push({
        path: ["weights", version],
        message: `no version ${version}; the versions are ${versions.join(", ")}`,
      });
    else if (!(Number.isFinite(weight) && weight >= 0))
      problems.push({ path: ["weights", version], message: "must be a number ≥ 0" });
  }
  if (Object.values(weights).every((w) => !(w > 0)))
    problems.push({
      path: ["weights"],
      message: "at least one version needs a weight above 0, or no request could be answered",
    });
  if (next.shadow) {
    const { version, fraction } = next.shadow;
    if (!versions.includes(version))
      problems.push({
        path: ["shadow", "version"],
        message: `no version ${version}; the versions are ${versions.join(", ")}`,
      });
    if (!(fraction >= 0 && fraction <= 1))
      problems.push({ path: ["shadow", "fraction"], message: "must be a fraction from 0 to 1" });
  }
  if (problems.length > 0) {
    throw new ServeError(
      "INVALID_INPUT",
      `traffic policy not changed: ${problems.map((p) => `${p.path.join(".")} ${p.message}`).join("; ")}`,
      { details: problems },
    );
  }
  return next;
}

/** Each version's share of requests, 0–1. */
export function shares(policy: TrafficPolicy): Record<string, number> {
  const total = Object.values(policy.weights).reduce((sum, w) => sum + w, 0);
  return Object.fromEntries(
    Object.entries(policy.weights).map(([v, w]) => [v, total > 0 ? w / total : 0]),
  );
}

/**
 * The version a request with this key goes to. The key is hashed to a point
 * in [0, 1) and the versions hold consecutive intervals in their listed
 * order, so one key keeps its version while the weights stay, and moving
 * 10% of the weight moves only the keys in that 10%.
 */
export function chooseVersion(policy: TrafficPolicy, key: string): string {
  // One version (every single-model server): no shares to compute, no hash.
  const versions = Object.keys(policy.weights);
  const only = versions[0];
  if (versions.length === 1 && only !== undefined && (policy.weights[only] ?? 0) > 0) return only;
  const entries = Object.entries(shares(policy)).filter(([, share]) => share > 0);
  // One version with traffic: no hash to compute.
  if (entries.length === 1) return entries[0]![0];
  const point = unitHash(key);
  let upTo = 0;
  for (const [version, share] of entries) {
    upTo += share;
    if (point < upTo) return version;
  }
  // Rounding left the point just past the last interval.
  return entries[entries.length - 1]![0];
}

/** Whether a request with this key also runs on the shadow (independent of its version's choice). */
export function inShadowSample(fraction: number, key: string): boolean {
  return fraction > 0 && unitHash(`shadow:${key}`) < fraction;
}

/** A key's stable point in [0, 1). */
function unitHash(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 2 ** 32;
}
