import { z } from "zod";
import { doc, mustBe, positive, wholeNumber } from "../option-schema-parts.js";

const name = (what: string) => z.string(mustBe(what)).min(1, mustBe(what));

/** Every option of a Redis Streams consumer, its rule, default and description. */
export const consumeOptionsSchema = z.strictObject(
  {
    redis: doc(
      z
        .string(mustBe('a Redis URL, e.g. "redis://127.0.0.1:6379"'))
        .regex(/^rediss?:\/\/./, mustBe('a Redis URL, e.g. "redis://127.0.0.1:6379"')),
      {
        description:
          "Redis server to consume from: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS.",
      },
    ),
    stream: doc(name("a stream key"), {
      description: "Stream the input messages are added to (`XADD`).",
    }),
    group: doc(name("a consumer group name"), {
      description:
        "Consumer group: every consumer in it shares the stream's messages. Created (with `MKSTREAM`, from the stream's first entry) when missing.",
    }),
    consumer: doc(name("a consumer name").optional(), {
      description:
        "This consumer's name in the group; unique per running consumer (two live consumers with one name would share their pending messages).",
      defaultText: "`<hostname>-<pid>`",
    }),
    outputStream: doc(name("a stream key").optional(), {
      description: "Stream the outputs and errors are added to, each with the input's `id`.",
      defaultText: "`<stream>:out`",
    }),
    deadLetterStream: doc(name("a stream key").optional(), {
      description:
        "Stream of messages that failed `maxAttempts` times or had invalid input, with their last error and original fields.",
      defaultText: "`<stream>:dead`",
    }),
    maxAttempts: doc(wholeNumber(1).default(3), {
      description:
        "Deliveries of a message whose prediction fails before it goes to the dead-letter stream.",
    }),
    claimIdleMs: doc(positive().default(30_000), {
      description:
        "A message pending this long without a sign of life (its consumer died, or its prediction failed) is claimed by another consumer and tried again.",
    }),
    blockMs: doc(positive().default(2_000), {
      description:
        "Longest one read waits for new messages; on shutdown, reading stops within this time.",
    }),
    model: doc(name("a model name").optional(), {
      description:
        "Model whose runtime predicts (a server with several); its traffic policy picks the version.",
      defaultText: "the default model",
    }),
  },
  mustBe("{ redis, stream, group, consumer?, outputStream?, deadLetterStream?, maxAttempts?, … }"),
);

/** The `consume` server option: `serve()` also consumes a Redis stream. Spread into the server options. */
export const streamOptionsShape = {
  consume: doc(consumeOptionsSchema.optional(), {
    description:
      "Also consume a Redis stream (consumer group) with the same runtime: `{ redis, stream, group, ... }` (see docs/streaming.md).",
    defaultText: "none",
  }),
};

/** Options of a stream consumer, as given: see {@link consumeOptionsSchema}. */
export type ConsumeOptions = z.input<typeof consumeOptionsSchema>;
