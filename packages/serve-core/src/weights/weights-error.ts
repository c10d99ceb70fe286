/**
 * A weights file that could not be found, fetched or trusted. The message
 * says which file, every place searched, and what to do; the server reports
 * it as `SETUP_FAILED`.
 *
 * @example
 * try {
 *   await ctx.weights.path("model");
 * } catch (error) {
 *   if (error instanceof WeightsError) ctx.log.error(error.message);
 * }
 */
export class WeightsError extends Error {
  override readonly name = "WeightsError";
}

/** Whether `error` is a {@link WeightsError}, also one thrown by another copy of @servekit/core. */
export function isWeightsError(error: unknown): error is WeightsError {
  return error instanceof WeightsError || (error instanceof Error && error.name === "WeightsError");
}

/** The offline refusal: what is missing, where it was looked for, and the two ways out. */
export function offlineError(options: {
  name: string;
  fileName: string;
  searched: readonly string[];
}): WeightsError {
  const { name, fileName, searched } = options;
  return new WeightsError(
    `weights "${name}" (${fileName}) not found and SERVEKIT_OFFLINE is set: looked in ${searched.join(", ")}; ` +
      `put ${fileName} in one of them (or set SERVEKIT_WEIGHTS_DIR to a folder holding it) or unset SERVEKIT_OFFLINE`,
  );
}
