import { z } from "zod";
import { shown } from "./config-error.js";
import { isHostPattern } from "./host-pattern.js";
import { atLeastZero, doc, mustBe, positive, wholeNumber } from "./option-schema-parts.js";

const hostPatterns = z.array(
  z.string(mustBe("text")).refine(isHostPattern, {
    error: (issue) =>
      `must be a host name, address or CIDR range (e.g. "hooks.example.com", "*.example.com", "10.0.0.0/8"), got ${shown(issue.input)}`,
  }),
  mustBe("a list of host names, addresses or CIDR ranges"),
);

const webhookRetrySchema = z.strictObject({
  attempts: doc(wholeNumber(1).default(5), { description: "Tries in all, the first included." }),
  initialDelayMs: doc(atLeastZero().default(500), { description: "Wait before the second try." }),
  maxDelayMs: doc(atLeastZero().default(30_000), { description: "Longest wait between tries." }),
  timeoutMs: doc(positive().default(10_000), { description: "Time one try may take." }),
});

/** The options of async predictions: where they live, how long they are kept, and their webhooks. */
export const asyncOptionsShape = {
  journalDir: doc(z.string(mustBe("a directory path")).min(1).optional(), {
    description:
      "Directory of the async-prediction journal (`predictions.jsonl`): accepted async predictions survive a crash and are re-run on start.",
    env: "SERVEKIT_JOURNAL_DIR",
    defaultText: "none (memory only)",
  }),
  store: doc(
    z
      .string(mustBe('"memory" or a redis:// URL'))
      .regex(/^(memory|rediss?:\/\/[^\s]+)$/, {
        error: 'must be "memory" or a Redis URL such as "redis://redis:6379/0"',
      })
      .default("memory"),
    {
      description:
        'Where async predictions live: "memory" (one process, with `journalDir` on disk), or a Redis URL (`redis://host:port[/db]`) shared by every replica, which then answers for predictions any of them accepted and takes over those of a replica that died. Not with `journalDir`.',
      env: "SERVEKIT_STORE",
    },
  ),
  storeLeaseMs: doc(positive().default(10_000), {
    description:
      "With a Redis `store`: how long a replica's lease on a running async prediction lasts without its heartbeat (renewed every third of it); once it lapses another replica re-runs the prediction.",
  }),
  storeReclaimIntervalMs: doc(positive().default(2_000), {
    description:
      "With a Redis `store`: how often each replica looks for async predictions whose lease lapsed, to take them over.",
  }),
  predictionRetentionMs: doc(atLeastZero().default(3_600_000), {
    description: "How long a finished async prediction stays readable at `GET /predictions/{id}`.",
  }),
  maxRetainedPredictions: doc(wholeNumber(0).default(1_000), {
    description: "Most finished async predictions kept; the oldest are forgotten first.",
  }),
  asyncRetainedInputBytes: doc(
    wholeNumber(1, "a whole number of bytes ≥ 1").default(256 * 1024 * 1024),
    {
      description:
        "Bytes of async prediction inputs kept in memory and in the journal; beyond it the oldest finished predictions forget their input.",
    },
  ),
  webhookAllowHosts: doc(hostPatterns.default([]), {
    description:
      "When non-empty, webhooks may only go to these hosts: names, addresses or CIDR ranges, checked against the name and every address it resolves to.",
  }),
  webhookDenyHosts: doc(hostPatterns.default([]), {
    description:
      "Hosts webhooks may not reach, on top of link-local and cloud metadata addresses, which are always denied.",
  }),
  webhookRetry: doc(webhookRetrySchema.prefault({}), {
    description: "Retries of webhook deliveries (network errors, 5xx, 429).",
  }),
};

/** How webhook deliveries are retried: delays double from `initialDelayMs` up to `maxDelayMs`. */
export type WebhookRetryOptions = z.input<typeof webhookRetrySchema>;
