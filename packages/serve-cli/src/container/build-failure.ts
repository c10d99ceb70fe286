/** What {@link explainBuildFailure} reads. */
export interface BuildFailure {
  /** The build command line, e.g. ["buildah", "build", …]. */
  argv: string[];
  exitCode: number;
  /** The last lines the builder printed. */
  output: readonly string[];
  /** The base image of the Dockerfile. */
  baseImage?: string;
  /** Whether the output was already shown (streamed); if not, its tail is part of the message. */
  streamed: boolean;
}

/** Lines docker, podman and buildah print when they cannot fetch an image. */
const PULL_FAILURE =
  /failed to resolve source metadata|pull access denied|error pulling image|initializing source docker:|pinging container registry|manifest unknown|short-name .* did not resolve|requested access to the resource is denied|unable to pull|failed to pull|creating build container/i;
/** Node's errors when an install cannot reach its registry. */
const REGISTRY_UNREACHABLE = /\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET)\b/;

/**
 * The message of a failed image build: one line saying what to do (the
 * builder's own output is printed once, as it streams, or appended here
 * when it was not streamed). A base image that cannot be pulled (no network,
 * a private registry) gets a hint to pass `--base-image`.
 *
 * @example
 * explainBuildFailure({ argv: ["docker", "build", "."], exitCode: 1, baseImage: "node:20-bookworm-slim",
 *   output: ["ERROR: failed to resolve source metadata for docker.io/library/node:20-bookworm-slim"], streamed: true });
 * // "could not pull the base image node:20-bookworm-slim (…): …--base-image <image>…"
 */
export function explainBuildFailure(failure: BuildFailure): string {
  const base = failure.baseImage ?? "of the Dockerfile";
  const tail = failure.streamed ? "" : `\n${failure.output.slice(-15).join("\n")}`;
  const command = `\`${failure.argv.join(" ")}\` exited with ${failure.exitCode}`;
  if (failure.output.some((line) => PULL_FAILURE.test(line))) {
    return (
      `could not pull the base image ${base} (${command}): if this machine has no network or the image is in a private registry, ` +
      `pull or build a Node.js 20 image it can reach and pass it with --base-image <image> (or build.baseImage in serve.config.ts)${tail}`
    );
  }
  if (failure.output.some((line) => REGISTRY_UNREACHABLE.test(line))) {
    return (
      `the image build could not reach a package registry (${command}): check that the build has network access, ` +
      `and that .npmrc points at a registry it can reach (e.g. @servekit:registry=<url>)${tail}`
    );
  }
  return (
    `the image build failed (${command}): fix the step that failed above; ` +
    `\`serve-cli dockerfile\` prints the Dockerfile and --context <dir> keeps the build context to inspect${tail}`
  );
}
