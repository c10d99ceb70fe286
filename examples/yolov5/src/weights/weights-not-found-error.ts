import { join } from "node:path";
import { DownloadError } from "./download-error.js";
import type { SearchLocation } from "./weights-options.js";

/** What was tried before giving up on a file. */
export interface WeightsNotFoundDetails {
  fileName: string;
  /** Every local place searched, in order. */
  searched: SearchLocation[];
  /** Those of `searched` whose folder does not exist (a typo in YOLOV5_WEIGHTS_DIR, say). */
  missingDirs?: ReadonlySet<string>;
  /** The example's weights folder, suggested as the fix. */
  exampleWeightsDir: string;
  /** The URL tried, when a download was attempted. */
  url?: string;
  /** Why no download was attempted, when none was. */
  downloadSkipped?: string;
  /** The download's failure, when one was attempted. */
  cause?: unknown;
}

/**
 * A weights file found nowhere. Its message lists every path searched, the
 * URL tried, and the ways to fix it.
 *
 * @example
 * try { await resolveWeights("yolov5n"); } catch (e) { if (e instanceof WeightsNotFoundError) log.error(e.message); }
 */
export class WeightsNotFoundError extends Error {
  override readonly name = "WeightsNotFoundError";
  readonly fileName: string;
  readonly searched: string[];
  readonly url: string | undefined;

  constructor(details: WeightsNotFoundDetails) {
    super(
      notFoundMessage(details),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.fileName = details.fileName;
    this.searched = details.searched.map((location) => join(location.dir, details.fileName));
    this.url = details.url;
  }
}

function notFoundMessage(details: WeightsNotFoundDetails): string {
  const { fileName, searched, url, downloadSkipped, cause } = details;
  const lines = [`${fileName} was not found. Looked in:`];
  for (const location of searched) {
    const missing = details.missingDirs?.has(location.dir) ? ", folder does not exist" : "";
    lines.push(`  - ${join(location.dir, fileName)} (${location.origin}${missing})`);
  }
  if (url !== undefined) {
    // A DownloadError's message already names the URL; anything else (say, an unwritable cache) does not.
    lines.push(
      cause instanceof DownloadError
        ? `Download failed: ${cause.message}`
        : `Download from ${url} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
  } else if (downloadSkipped !== undefined) {
    lines.push(`Not downloaded: ${downloadSkipped}.`);
  }
  lines.push(
    "To fix, do one of:",
    `  - set YOLOV5_WEIGHTS_DIR to a folder holding ${fileName}`,
    `  - put ${fileName} in ${details.exampleWeightsDir}/`,
    "  - allow the download (unset YOLOV5_WEIGHTS_DOWNLOAD) from a base URL that serves " +
      `${fileName} (set YOLOV5_WEIGHTS_URL)`,
  );
  return lines.join("\n");
}
