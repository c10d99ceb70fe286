/**
 * A byte count as a person reads it: 512 B, 3.8 KB, 3.8 MB, 1.25 GB (powers of 1024).
 *
 * @example
 * formatBytes(3_963_249) // "3.8 MB"
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
