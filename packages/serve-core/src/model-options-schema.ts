import { z } from "zod";
import { atLeastZero, doc, flag, keyList, mustBe, wholeNumber } from "./option-schema-parts.js";

const fraction = () => z.number(mustBe("a fraction from 0 to 1")).min(0).max(1);

/** A model's initial traffic policy; the versions it names are checked when the models are known. */
export const trafficPolicySchema = z.strictObject(
  {
    weights: z.record(
      z.string(),
      atLeastZero(),
      mustBe('{ version: share }, e.g. { "1.0.0": 95, "2.0.0": 5 }'),
    ),
    shadow: z
      .strictObject({ version: z.string(mustBe("a version")), fraction: fraction() })
      .nullable()
      .optional(),
  },
  mustBe("{ weights, shadow? }"),
);

const predictionLogSchema = z.strictObject(
  {
    dir: z.string(mustBe("a directory path")).min(1),
    sampleRate: doc(fraction().default(1), {
      description: "Fraction of predictions written (0–1).",
    }),
    keepFileBytes: doc(flag().default(false), {
      description:
        "Write file inputs' bytes (base64) too; by default a file is written as its sha256, size and media type.",
    }),
    maxFileBytes: doc(
      wholeNumber(1024, "a whole number of bytes ≥ 1024").default(10 * 1024 * 1024),
      { description: "Size at which the log file is rotated." },
    ),
    maxFiles: doc(wholeNumber(1).default(5), {
      description: "Rotated files kept per model-version; the oldest go first.",
    }),
  },
  mustBe("{ dir, sampleRate?, keepFileBytes?, maxFileBytes?, maxFiles? }"),
);

/** The options about several models and versions: traffic, releases, the prediction log. */
export const modelOptionsShape = {
  traffic: doc(
    z
      .record(z.string(), trafficPolicySchema, mustBe("{ modelName: { weights, shadow? } }"))
      .optional(),
    {
      description:
        "Initial traffic policy per model name: `weights` per version (relative shares) and an optional `shadow: { version, fraction }`.",
      defaultText: "none: each model sends everything to its first listed version",
    },
  ),
  adminApiKeys: doc(keyList().default([]), {
    description:
      "Keys for the admin routes (`/admin/...`: traffic changes, retiring versions), as `Authorization: Bearer <key>`; with none, those routes answer 403.",
    env: "SERVEKIT_ADMIN_KEYS",
  }),
  predictionLog: doc(predictionLogSchema.optional(), {
    description:
      "Sample inputs and outputs into size-rotated JSONL files under `dir/<model>/<version>/` (new training data): `{ dir, sampleRate, keepFileBytes, maxFileBytes, maxFiles }`.",
    defaultText: "none",
  }),
};

/** A model's traffic policy as options give it. */
export type TrafficPolicyOption = z.input<typeof trafficPolicySchema>;
