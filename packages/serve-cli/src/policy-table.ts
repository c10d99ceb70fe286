import type { ModelPolicy } from "./release-change.js";

/**
 * A model's traffic policy as a short table: each version's share of the
 * requests (its weight over the sum of weights), readiness and requests in
 * flight, and the shadow.
 *
 * @example
 * policyTable(info);
 * // model yolov5 (default)
 * // VERSION  WEIGHT  READY  IN FLIGHT
 * // fp32        90%  yes            3
 * // fp16        10%  yes            0
 * // shadow: none
 */
export function policyTable(policy: ModelPolicy): string {
  const total = Object.values(policy.traffic.weights).reduce((sum, w) => sum + w, 0);
  const shadow = policy.traffic.shadow;
  const rows = policy.versions.map((v) => [
    v.version,
    percent(total > 0 ? (policy.traffic.weights[v.version] ?? 0) / total : 0),
    v.ready ? "yes" : `no${v.status ? ` (${v.status})` : ""}`,
    String(v.inFlight),
    shadow?.version === v.version ? `shadow of ${percent(shadow.fraction)} of requests` : "",
  ]);
  const header = ["VERSION", "WEIGHT", "READY", "IN FLIGHT", ""];
  // Numbers right-aligned, words left-aligned.
  const rightAligned = [false, true, false, true, false];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [
    `model ${policy.name}${policy.default ? " (default)" : ""}`,
    line(header),
    ...rows.map(line),
    `shadow: ${shadow ? `${shadow.version} on ${percent(shadow.fraction)} of requests` : "none"}`,
  ].join("\n");
}

/** 0.9 → "90%", 0.333 → "33.3%". */
function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}
