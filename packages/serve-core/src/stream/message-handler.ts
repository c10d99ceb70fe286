import type { Logger } from "../logger.js";
import { deadLetterEntry } from "./dead-letter.js";
import {
  isRetryable,
  type MessageResult,
  messageInput,
  outputEntry,
  type StreamEntry,
  streamError,
} from "./stream-message.js";
import type { StreamMetrics } from "./stream-metrics.js";
import type { StreamModels } from "./stream-models.js";
import type { StreamRedis } from "./stream-redis.js";

/** The streams and limits a {@link MessageHandler} works with. */
export interface MessageHandlerOptions {
  stream: string;
  consumer: string;
  outputStream: string;
  deadLetterStream: string;
  maxAttempts: number;
}

/** How one message ended, for the consumer's log and counts. */
export type MessageOutcome = "succeeded" | "failed" | "dead_lettered";

/**
 * Takes one delivered message through: input from its fields → predict
 * (request id = the message's id) → its output published and the message
 * acknowledged, in one MULTI. A failed prediction with attempts left stays
 * pending (a consumer claims it again after `claimIdleMs`); one without, or
 * an input no retry can fix (4xx), goes to the dead-letter stream, its error
 * to the output stream, and is acknowledged.
 */
export class MessageHandler {
  constructor(
    private readonly deps: {
      redis: StreamRedis;
      models: StreamModels;
      metrics: StreamMetrics;
      log: Logger;
      options: MessageHandlerOptions;
    },
  ) {}

  /** Handles one delivery (`deliveries`: how often this message was delivered, this time included). Never rejects. */
  async handle(entry: StreamEntry, deliveries: number): Promise<MessageOutcome | undefined> {
    const { metrics, log } = this.deps;
    metrics.count("consumed");
    try {
      const outcome = await this.run(entry, deliveries);
      metrics.count(outcome);
      return outcome;
    } catch (error) {
      // Publishing or acknowledging failed (Redis gone): the message stays pending and is claimed again.
      log.error(
        { err: error, entry_id: entry.entryId },
        "could not publish or acknowledge a stream message; it stays pending and will be retried",
      );
      return undefined;
    }
  }

  private async run(entry: StreamEntry, deliveries: number): Promise<MessageOutcome> {
    const { models } = this.deps;
    let id = entry.fields.id || entry.entryId;
    let where = { name: models.name, version: models.primary.predictor.version };
    try {
      const message = messageInput(entry, models.inputShape);
      id = message.id;
      const lease = models.lease(id);
      where = lease;
      try {
        // The shadow's own copy: the answer's run may move file bytes to its worker.
        const shadowInput = lease.hasShadow ? structuredClone(message.raw) : undefined;
        const input = await lease.runtime.parseInput(message.raw);
        const { output, runMs } = await lease.runtime.predict(input, {
          requestId: id,
          accepted: true,
        });
        await this.publish(entry, id, { output }, where, runMs);
        if (lease.hasShadow) void lease.shadow(shadowInput, output);
        return "succeeded";
      } finally {
        lease.release();
      }
    } catch (error) {
      return this.failed({ entry, id, error, deliveries, where });
    }
  }

  private async failed(failure: {
    entry: StreamEntry;
    id: string;
    error: unknown;
    deliveries: number;
    where: { name: string; version: string };
  }): Promise<MessageOutcome> {
    const { entry, id, error, deliveries, where } = failure;
    const { options, log } = this.deps;
    const retryable = isRetryable(error);
    const fields = { entry_id: entry.entryId, id, attempt: deliveries, error: streamError(error) };
    if (retryable && deliveries < options.maxAttempts) {
      log.warn(fields, `stream message failed; left pending for attempt ${deliveries + 1}`);
      return "failed";
    }
    log.warn(
      fields,
      retryable
        ? `stream message failed ${deliveries} times; moved to ${options.deadLetterStream}`
        : `stream message cannot succeed (${streamError(error).code}); moved to ${options.deadLetterStream}`,
    );
    const deadLetter = deadLetterEntry({
      entry,
      id,
      error,
      attempts: deliveries,
      stream: options.stream,
      consumer: options.consumer,
    });
    await this.publish(entry, id, { error: streamError(error) }, where, undefined, deadLetter);
    return "dead_lettered";
  }

  private publish(
    entry: StreamEntry,
    id: string,
    result: MessageResult,
    where: { name: string; version: string },
    predictTimeMs?: number,
    deadLetter?: Record<string, string>,
  ): Promise<void> {
    const { redis, options } = this.deps;
    return redis.finish({
      entryId: entry.entryId,
      output: {
        stream: options.outputStream,
        fields: outputEntry({
          id,
          result,
          model: where.name,
          version: where.version,
          predictTimeMs,
        }),
      },
      ...(deadLetter
        ? { deadLetter: { stream: options.deadLetterStream, fields: deadLetter } }
        : {}),
    });
  }
}
