import { z } from "@servekit/core";
import { usageError } from "../cli-error.js";
import {
  envPairsSchema,
  localImageSchema,
  matching,
  missingToDeploy,
  wholeNumber,
} from "./deploy-option-schemas.js";

/** What `serve-cli deploy heroku` deploys, and where. */
export interface HerokuDeployOptions {
  /** Heroku app name: 3–30 lowercase letters, digits and dashes, starting with a letter. */
  app: string;
  /** The locally built image, `name:tag`. Required unless `delete`. */
  image?: string;
  /** Region for a new app ("us", "eu"). @default Heroku's default */
  region?: string;
  /** Team that owns a new app. @default your personal account */
  team?: string;
  /** Config vars (`heroku config:set`): `KEY=VALUE` strings or a record. `PORT` is Heroku's to set. @default {} */
  env?: readonly string[] | Readonly<Record<string, string>>;
  /** Seconds to wait for `/health/ready` after the release. @default 300 */
  timeoutSeconds?: number | string;
  /** Print the commands instead of running them. @default false */
  dryRun?: boolean;
  /** Destroy the app instead of deploying. @default false */
  delete?: boolean;
}

/** {@link HerokuDeployOptions} checked, with defaults applied and the registry image named. */
export interface ResolvedHerokuOptions {
  app: string;
  /** The local image and its name in Heroku's registry (`registry.heroku.com/APP/web`). */
  image: { local: string; remote: string } | undefined;
  region?: string;
  team?: string;
  env: [key: string, value: string][];
  timeoutSeconds: number;
  dryRun: boolean;
  delete: boolean;
}

/** Heroku's container registry. */
export const HEROKU_REGISTRY = "registry.heroku.com";
const APP = /^[a-z][a-z0-9-]{2,29}$/;

const schema = z.object({
  app: matching(
    APP,
    "a Heroku app name: 3–30 lowercase letters, digits or dashes, starting with a letter (e.g. yolov5-demo)",
  ),
  image: localImageSchema.optional(),
  region: z.string().min(1).optional(),
  team: z.string().min(1).optional(),
  env: envPairsSchema({
    reserved: { PORT: "Heroku assigns the port of each dyno and the server listens on it" },
  }).default([]),
  timeoutSeconds: wholeNumber(1, 86_400).default(300),
  dryRun: z.boolean().default(false),
  delete: z.boolean().default(false),
});

const FLAGS: Record<string, string> = { timeoutSeconds: "--timeout" };

/**
 * Checks {@link HerokuDeployOptions} and names the image in Heroku's
 * registry. Every problem is reported at once, as a usage error (exit 2).
 *
 * @example
 * resolveHerokuOptions({ app: "yolov5-demo", image: "yolov5:latest" }).image?.remote;
 * // "registry.heroku.com/yolov5-demo/web"
 */
export function resolveHerokuOptions(options: HerokuDeployOptions): ResolvedHerokuOptions {
  const parsed = schema.safeParse(options);
  // Checked apart from the schema so it is reported together with any other problem.
  const missingImage = missingToDeploy(options, ["image"]);
  const problems = [...(parsed.success ? [] : parsed.error.issues), ...missingImage].map(
    (issue) => {
      const key = String(issue.path[0] ?? "");
      return `- \`${FLAGS[key] ?? `--${key}`}\` ${issue.message}`;
    },
  );
  if (!parsed.success || problems.length > 0)
    throw usageError(`invalid \`deploy heroku\` options:\n${problems.join("\n")}`);
  const { image, ...rest } = parsed.data;
  return {
    ...rest,
    // Heroku releases the image named after the process type: `web` gets HTTP traffic.
    image:
      image === undefined
        ? undefined
        : { local: image, remote: `${HEROKU_REGISTRY}/${rest.app}/web` },
  };
}
