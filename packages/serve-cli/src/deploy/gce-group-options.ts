import { z } from "@servekit/core";

/** The `deploy gce` options that ask for a managed instance group. */
export interface GceGroupFlags {
  /** `MIN:MAX`: run a managed instance group with an autoscaler instead of one VM, e.g. "2:5". */
  autoscale?: string;
  /** CPU utilisation the autoscaler keeps, (0, 1]; needs `autoscale`. @default 0.6 */
  targetCpu?: number | string;
  /** Seconds a new group VM gets before health checks and CPU count; needs `autoscale`. @default 300 */
  initialDelaySeconds?: number | string;
  /** An external HTTP load balancer in front of the group; needs `autoscale`. @default false */
  loadBalancer?: boolean;
}

/** A managed instance group's size and scaling, as `--autoscale 2:5 --target-cpu 0.6` give it. */
export interface GceGroupSettings {
  minReplicas: number;
  maxReplicas: number;
  /** Average CPU utilisation (0–1] the autoscaler keeps the group at. */
  targetCpu: number;
  /**
   * Seconds a new VM gets to boot, pull the image and run `setup` before
   * autohealing judges its health and the autoscaler reads its CPU.
   */
  initialDelaySeconds: number;
  /** Put an external HTTP load balancer (port 80) in front of the group. */
  loadBalancer: boolean;
}

// A managed instance group holds at most 1,000 VMs in a zone.
const MAX_REPLICAS = 1000;

/** `MIN:MAX`, e.g. "2:5": whole numbers, 0 ≤ MIN ≤ MAX, MAX ≥ 1. */
export const autoscaleSchema = z.string().transform((value, ctx) => {
  const match = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(value);
  const [min, max] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (match && min <= max && max >= 1 && max <= MAX_REPLICAS) return { min, max };
  ctx.addIssue({
    code: "custom",
    message: `must be MIN:MAX replicas with 0 ≤ MIN ≤ MAX, 1 ≤ MAX ≤ ${MAX_REPLICAS}, e.g. --autoscale 2:5; got "${value}"`,
  });
  return z.NEVER;
});

/** A CPU utilisation target in (0, 1], a number or its text. */
export const targetCpuSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const n = typeof value === "number" ? value : /^\s*[\d.]+\s*$/.test(value) ? Number(value) : NaN;
  if (n > 0 && n <= 1) return n;
  ctx.addIssue({
    code: "custom",
    message: `must be a CPU utilisation above 0 and at most 1, e.g. --target-cpu 0.6; got ${value}`,
  });
  return z.NEVER;
});

/** The default `--target-cpu`: headroom for a burst while a new VM boots. */
export const DEFAULT_TARGET_CPU = 0.6;
/** The default `--initial-delay`: boot, image pull and a model's `setup`. */
export const DEFAULT_INITIAL_DELAY_SECONDS = 300;

/** Adds an issue for each group-only option given without `autoscale`. */
export function requireAutoscaleForGroupFlags(
  options: {
    autoscale?: unknown;
    targetCpu?: unknown;
    initialDelaySeconds?: unknown;
    loadBalancer?: boolean;
  },
  ctx: z.RefinementCtx,
): void {
  if (options.autoscale !== undefined) return;
  for (const key of ["targetCpu", "initialDelaySeconds", "loadBalancer"] as const)
    if (options[key] !== undefined && options[key] !== false)
      ctx.addIssue({
        code: "custom",
        path: [key],
        message: "applies to a managed instance group: add --autoscale MIN:MAX, e.g. 2:5",
      });
}
