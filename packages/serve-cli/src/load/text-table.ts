/**
 * Lays out rows as aligned columns: numbers right-aligned, words left-aligned.
 *
 * @example
 * textTable(["Name", "# requests"], [["concurrency 1", "120"]], [false, true]);
 * // Name           # requests
 * // concurrency 1         120
 */
export function textTable(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/**
 * Milliseconds with as many decimals as they need to be read: 0.42, 7.31, 42.5, 1250.
 *
 * @example
 * formatMs(0.4217) // "0.42"
 */
export function formatMs(ms: number): string {
  if (ms >= 100) return Math.round(ms).toString();
  return ms.toFixed(ms >= 10 ? 1 : 2);
}
