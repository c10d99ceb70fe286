import { usageError } from "./cli-error.js";

/** A model's traffic as `GET /models/{name}` answers it: the fields `release` reads. */
export interface ModelPolicy {
  name: string;
  default?: boolean;
  versions: { version: string; ready: boolean; inFlight: number; status?: string }[];
  traffic: {
    weights: Record<string, number>;
    shadow: { version: string; fraction: number } | null;
  };
}

/** The body of `PUT /admin/models/{name}/traffic`: what is given replaces what was there. */
export interface TrafficChange {
  weights?: Record<string, number>;
  shadow?: { version: string; fraction: number } | null;
}

/** What one `serve-cli release` does. */
export type ReleaseAction =
  | { kind: "set"; weights: Record<string, number> }
  | { kind: "promote"; version: string }
  | { kind: "shadow"; shadow: { version: string; fraction: number } | null }
  | { kind: "retire"; version: string }
  | { kind: "show" };

/** `release`'s action flags as commander hands them over. */
export interface ReleaseActionFlags {
  set?: string;
  promote?: string;
  shadow?: string;
  retire?: string;
  show?: boolean;
}

const ACTION_FLAGS = ["--set", "--promote", "--shadow", "--retire", "--show"] as const;

/**
 * The one action the flags ask for; a usage error (exit 2) for none, for
 * several, or for a value that cannot be read.
 *
 * @example
 * releaseAction({ set: "1.0=90,2.0=10" }); // { kind: "set", weights: { "1.0": 90, "2.0": 10 } }
 * releaseAction({ shadow: "off" }); // { kind: "shadow", shadow: null }
 */
export function releaseAction(flags: ReleaseActionFlags): ReleaseAction {
  const given = ACTION_FLAGS.filter((flag) => {
    const value = flags[flag.slice(2) as keyof ReleaseActionFlags];
    return value !== undefined && value !== false;
  });
  if (given.length !== 1)
    throw usageError(
      `${given.length === 0 ? "say what to do" : `${given.join(" and ")} cannot be combined`}: give exactly one of --set V1=90,V2=10, --promote V2, --shadow V2=0.1 (or off), --retire V1, --show`,
    );
  if (flags.set !== undefined) return { kind: "set", weights: parseWeights(flags.set) };
  if (flags.promote !== undefined)
    return { kind: "promote", version: versionName(flags.promote, "--promote") };
  if (flags.shadow !== undefined) return { kind: "shadow", shadow: parseShadow(flags.shadow) };
  if (flags.retire !== undefined)
    return { kind: "retire", version: versionName(flags.retire, "--retire") };
  return { kind: "show" };
}

/**
 * `--set`'s weights: comma-separated `version=weight`, weights relative
 * shares ≥ 0 of which at least one is above 0.
 *
 * @example
 * parseWeights("fp32=95,fp16=5"); // { fp32: 95, fp16: 5 }
 */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text.split(",").map((p) => p.trim())) {
    const { version, value } = splitPair(part, "--set", "V1=90,V2=10");
    const weight = Number(value);
    if (value === "" || !Number.isFinite(weight) || weight < 0)
      throw usageError(
        `--set weight of ${version} must be a number ≥ 0 (a relative share, e.g. 90), got "${value}"`,
      );
    if (version in weights) throw usageError(`--set names ${version} twice, in "${text}"`);
    weights[version] = weight;
  }
  if (Object.values(weights).every((w) => w === 0))
    throw usageError(
      `--set must give at least one version a weight above 0, got "${text}" (to take a version out, give it 0 and another one the rest)`,
    );
  return weights;
}

/**
 * `--shadow`'s value: `version=fraction` (0–1 of requests also run on it),
 * or `off` for no shadow.
 *
 * @example
 * parseShadow("fp16=0.1"); // { version: "fp16", fraction: 0.1 }
 */
export function parseShadow(text: string): { version: string; fraction: number } | null {
  if (text.trim() === "off") return null;
  const { version, value } = splitPair(text.trim(), "--shadow", "V2=0.1 (or off)");
  const fraction = Number(value);
  if (value === "" || !Number.isFinite(fraction) || fraction < 0 || fraction > 1)
    throw usageError(
      `--shadow fraction must be from 0 to 1 (0.1 runs one request in ten on ${version} too), got "${value}"`,
    );
  return { version, fraction };
}

/**
 * The traffic change an action makes to `current`: `promote` gives its
 * version everything and every other version nothing (and ends its shadow
 * role, if it had one); `set` and `shadow` are sent as they are.
 *
 * @example
 * trafficChangeFor({ kind: "promote", version: "2" }, current);
 * // { weights: { "1": 0, "2": 100 }, shadow: null } when "2" was the shadow
 */
export function trafficChangeFor(
  action: Extract<ReleaseAction, { kind: "set" | "promote" | "shadow" }>,
  current: ModelPolicy | undefined,
): TrafficChange {
  if (action.kind === "set") return { weights: action.weights };
  if (action.kind === "shadow") return { shadow: action.shadow };
  const versions = new Set([
    ...(current?.versions.map((v) => v.version) ?? []),
    ...Object.keys(current?.traffic.weights ?? {}),
    action.version,
  ]);
  const weights = Object.fromEntries(
    [...versions].map((version) => [version, version === action.version ? 100 : 0]),
  );
  // A version cannot be both the answer and its own shadow.
  return current?.traffic.shadow?.version === action.version
    ? { weights, shadow: null }
    : { weights };
}

function splitPair(part: string, flag: string, example: string) {
  const at = part.lastIndexOf("=");
  if (at <= 0) throw usageError(`${flag} takes ${example}, got "${part}"`);
  return { version: part.slice(0, at).trim(), value: part.slice(at + 1).trim() };
}

function versionName(text: string, flag: string): string {
  const version = text.trim();
  if (version === "" || version.includes("="))
    throw usageError(`${flag} takes one version name, e.g. ${flag} 2.0.0, got "${text}"`);
  return version;
}
