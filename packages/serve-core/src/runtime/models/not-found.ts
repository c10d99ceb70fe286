import { ServeError } from "../../errors.js";

/** The 404 for a model name nobody serves, listing the names that are. */
export function modelNotFound(name: string, names: readonly string[]): ServeError {
  return new ServeError(
    "MODEL_NOT_FOUND",
    `no model ${name}; this server has ${names.join(", ")} (GET /models lists them)`,
    { details: { models: names } },
  );
}

/** The 404 for a version a model does not have (or is retiring), listing the ones it has. */
export function versionNotFound(
  name: string,
  version: string,
  versions: readonly string[],
): ServeError {
  return new ServeError(
    "MODEL_NOT_FOUND",
    `model ${name} has no version ${version}; its versions are ${versions.join(", ")}`,
    { details: { model: name, versions } },
  );
}
