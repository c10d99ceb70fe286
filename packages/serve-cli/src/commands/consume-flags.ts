import { type ConsumeOptions, consumeOptionsSchema } from "@servekit/core";
import { usageError } from "../cli-error.js";
import { schemaFlag } from "../option-flag.js";

type ConsumeKey = keyof typeof consumeOptionsSchema.shape;

/**
 * A commander parser for a `serve-cli consume` flag that sets the consumer
 * option `key`: numbers read as numbers, then checked by
 * `consumeOptionsSchema`'s rule; a bad value is a usage error naming the flag.
 *
 * @example
 * command.option("--max-attempts <n>", "…", consumeFlag("maxAttempts", "--max-attempts"));
 * // serve-cli consume … --max-attempts 0 → error: --max-attempts must be a whole number ≥ 1, got 0
 */
export function consumeFlag<K extends ConsumeKey>(
  key: K,
  flag: string,
): (text: string) => NonNullable<ConsumeOptions[K]> {
  return schemaFlag(consumeOptionsSchema.shape[key], flag) as (
    text: string,
  ) => NonNullable<ConsumeOptions[K]>;
}

/** The flags `consume` reads, as commander hands them over. */
export interface ConsumeFlags {
  redis?: string;
  stream?: string;
  group?: string;
  consumer?: string;
  outputStream?: string;
  deadLetterStream?: string;
  maxAttempts?: number;
  claimIdleMs?: number;
  model?: string;
}

/**
 * The consumer's options: the config's `consume` (if any), then
 * `$REDIS_URL`, then the flags. Throws a usage error naming the flags that
 * are still missing.
 */
export function consumeOptionsFrom(
  flags: ConsumeFlags,
  fromConfig: Partial<ConsumeOptions> = {},
  env: NodeJS.ProcessEnv = process.env,
): ConsumeOptions {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const merged: Partial<ConsumeOptions> = {
    ...fromConfig,
    ...(env.REDIS_URL && !fromConfig.redis ? { redis: env.REDIS_URL } : {}),
    ...given,
  };
  const missing = (
    [
      ["redis", "--redis redis://HOST:PORT"],
      ["stream", "--stream <key>"],
      ["group", "--group <name>"],
    ] as const
  ).filter(([key]) => !merged[key]);
  if (missing.length > 0)
    throw usageError(
      `missing ${missing.map(([, flag]) => `\`${flag}\``).join(", ")} (or \`consume\` in serve.config.ts${missing.some(([k]) => k === "redis") ? ", or $REDIS_URL" : ""})`,
    );
  return merged as ConsumeOptions;
}
