import { join } from "node:path";
import type { Logger } from "../../logger.js";
import type { ResolvedServeOptions, ServeOptions } from "../../options.js";
import type { AnyPredictor } from "../../predictor.js";
import type { ModelEntry } from "./model-types.js";

/** The predictor of a {@link ModelEntry}. */
export function entryPredictor(entry: ModelEntry): AnyPredictor {
  return "predict" in entry ? entry : entry.predictor;
}

/**
 * A model-version's options: its entry's over the server's as given (not
 * as resolved: `maxConcurrency` and the like derive from the entry's own
 * `workers`). A server with one model keeps today's logger and journal;
 * with several, each version journals under `<journalDir>/<name>@<version>`
 * and logs with its `model`.
 */
export function versionOptions(
  entry: ModelEntry,
  server: { given: ServeOptions; resolved: ResolvedServeOptions; log: Logger; alone: boolean },
): ServeOptions {
  const own = "predict" in entry ? {} : (entry.options ?? {});
  const merged: ServeOptions = { ...server.given, ...own };
  if (server.alone) return { ...merged, logger: own.logger ?? server.log };
  const { name, version } = entryPredictor(entry);
  const id = `${name}@${version}`;
  const journalDir = own.journalDir ?? server.resolved.journalDir;
  return {
    ...merged,
    logger: own.logger ?? server.log.child({ model: id }),
    ...(journalDir ? { journalDir: join(journalDir, id) } : {}),
  };
}
