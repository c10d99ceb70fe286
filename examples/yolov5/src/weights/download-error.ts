/** Why a download failed. */
export type DownloadFailure = "http" | "checksum" | "timeout" | "aborted" | "network";

/**
 * A failed `downloadFile`. Whatever the reason, nothing was left at the
 * destination: neither the file nor its temporary copy.
 *
 * @example
 * if (error instanceof DownloadError && error.reason === "checksum") console.error(error.actualSha256);
 */
export class DownloadError extends Error {
  override readonly name = "DownloadError";
  readonly reason: DownloadFailure;
  readonly url: string;
  /** The HTTP status, for `reason: "http"`. */
  readonly status: number | undefined;
  /** The digest the file should have had, for `reason: "checksum"`. */
  readonly expectedSha256: string | undefined;
  /** The digest of what arrived, for `reason: "checksum"`. */
  readonly actualSha256: string | undefined;

  constructor(
    message: string,
    details: {
      reason: DownloadFailure;
      url: string;
      status?: number;
      expectedSha256?: string;
      actualSha256?: string;
      cause?: unknown;
    },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.reason = details.reason;
    this.url = details.url;
    this.status = details.status;
    this.expectedSha256 = details.expectedSha256;
    this.actualSha256 = details.actualSha256;
  }
}
