import type sharp from "sharp";

let loading: Promise<typeof sharp> | undefined;

/**
 * sharp (and libvips), imported on first use by whatever needs it: the
 * import costs ~0.15 s of a thread's start and ~20 MiB, which a pool worker
 * that never decodes, or an HTTP thread that reads headers with image-size,
 * does not pay (docs/production.md#start-up).
 *
 * @example
 * const decoder = await loadSharp();
 * const { width } = await decoder(bytes).metadata();
 */
export function loadSharp(): Promise<typeof sharp> {
  loading ??= import("sharp").then(({ default: decoder }) => {
    // libvips caches recent operations (up to 50 MiB and 100 of them by default)
    // to reuse their results; every image here is a new one, so the cache
    // only held memory (docs/production.md#memory).
    decoder.cache(false);
    return decoder;
  });
  return loading;
}
