import { ConfigError, configProblems, z } from "@servekit/core";

/**
 * Schema of `build` in `serve.config.ts`: how `serve-cli build` and
 * `serve-cli dockerfile` make the image. @servekit/core accepts the key
 * without knowing its shape; serve-cli owns and checks it.
 */
export const buildSettingsSchema = z.strictObject(
  {
    weights: z
      .union(
        [
          z.array(z.string().min(1, 'must be a file path, e.g. "weights/model.onnx"')),
          z.custom<() => string[] | Promise<string[]>>((v) => typeof v === "function"),
        ],
        { error: () => "must be a list of files, or a function returning one" },
      )
      .default([])
      .describe(
        "Files copied into the image's /srv/weights layer (paths relative to the config file), or a function returning them: only `serve-cli build` and `dockerfile` call it, so finding (or downloading) weights costs nothing elsewhere",
      ),
    env: z
      .record(z.string(), z.string({ error: () => 'must be text, e.g. "1"' }), {
        error: () => 'must map names to text, e.g. { MODEL_DIR: "/srv/weights" }',
      })
      .default({})
      .describe("Environment variables set in the image"),
    baseImage: z
      .string()
      .min(1, 'must name an image, e.g. "node:20-bookworm-slim"')
      .optional()
      .describe("Runtime and builder base image"),
  },
  { error: () => "must be { weights?, env?, baseImage? }" },
);

/** `build` as a config file writes it. */
export type BuildSettings = z.input<typeof buildSettingsSchema>;

/** `build` checked, with defaults (`weights` may still be a function). */
export type ResolvedBuildSettings = z.output<typeof buildSettingsSchema>;

/**
 * Checks a config's `build` section; throws a {@link ConfigError} naming the
 * file and each field as `build.weights` etc.
 *
 * @example
 * parseBuildSettings({ weights: ["model.onnx"] }, "serve.config.ts").env; // {}
 */
export function parseBuildSettings(
  value: unknown,
  source = "serve.config.ts",
): ResolvedBuildSettings | undefined {
  if (value === undefined) return undefined;
  const result = buildSettingsSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const problems = configProblems(result.error, (path) =>
    path.length === 0 ? Object.keys(buildSettingsSchema.shape) : [],
  ).map((problem) => ({ ...problem, path: problem.path ? `build.${problem.path}` : "build" }));
  throw new ConfigError(problems, { source });
}
