import type { createClient } from "redis";
import type { Logger } from "../logger.js";
import type { StreamEntry } from "./stream-message.js";

type RedisClient = ReturnType<typeof createClient>;

/** Where one consumer reads and writes: the names its commands use. */
export interface StreamRedisOptions {
  url: string;
  stream: string;
  group: string;
  consumer: string;
  log: Logger;
}

/** An entry claimed back from a consumer that left it pending, with how often it was delivered (this time included). */
export interface ClaimedEntry extends StreamEntry {
  deliveries: number;
}

/** What the consumer writes when it is done with one message: all in one MULTI, then XACK. */
export interface FinishedMessage {
  entryId: string;
  /** Added to the output stream. */
  output?: { stream: string; fields: Record<string, string> };
  /** Added to the dead-letter stream. */
  deadLetter?: { stream: string; fields: Record<string, string> };
}

/**
 * The Redis side of one stream consumer, behind the few commands it needs
 * (node-redis v5). Two connections: one only for the blocking XREADGROUP,
 * so that publishing and acknowledging never wait behind a read.
 *
 * @example
 * const redis = await StreamRedis.connect({ url, stream: "in", group: "g", consumer: "c1", log });
 * const entries = await redis.read(4, 2_000);
 * await redis.finish({ entryId: entries[0].entryId, output: { stream: "out", fields } });
 */
export class StreamRedis {
  private constructor(
    private readonly options: StreamRedisOptions,
    private readonly commands: RedisClient,
    private readonly reader: RedisClient,
  ) {}

  /** Connects both connections; rejects with a message naming the URL when Redis cannot be reached. */
  static async connect(options: StreamRedisOptions): Promise<StreamRedis> {
    const { url, log } = options;
    // Reconnect on a dropped connection, but fail the first connect rather than retry forever.
    let connected = false;
    // Loaded on first use: a server that consumes no stream never loads the client.
    const { createClient } = await import("redis");
    const commands = createClient({
      url,
      socket: {
        reconnectStrategy: (retries) => (connected ? Math.min(100 * 2 ** retries, 5_000) : false),
      },
    });
    reportOutages(commands, log, () => connected);
    await commands.connect().catch((error: Error) => {
      throw new Error(
        `cannot connect to Redis at ${redactedUrl(url)}: ${error.message || error.name}; is the server running and the URL right?`,
        { cause: error },
      );
    });
    connected = true;
    const reader = commands.duplicate();
    reportOutages(reader, log, () => true);
    await reader.connect();
    return new StreamRedis(options, commands, reader);
  }

  /** Creates the group (and the stream, `MKSTREAM`) when missing, reading from the stream's first entry. */
  async ensureGroup(): Promise<void> {
    const { stream, group } = this.options;
    try {
      await this.commands.xGroupCreate(stream, group, "0", { MKSTREAM: true });
    } catch (error) {
      if (!String((error as Error).message).startsWith("BUSYGROUP")) throw error;
    }
  }

  /** New messages for this consumer (`XREADGROUP … >`): at most `count`, waiting at most `blockMs` for the first. */
  async read(count: number, blockMs: number): Promise<StreamEntry[]> {
    const { stream, group, consumer } = this.options;
    const reply = await this.reader.xReadGroup(
      group,
      consumer,
      { key: stream, id: ">" },
      { COUNT: count, BLOCK: blockMs },
    );
    if (!reply) return [];
    return (reply as { messages: RawMessage[] }[]).flatMap((s) => s.messages.map(entryOf));
  }

  /**
   * Claims up to `count` messages pending longer than `minIdleMs` (their
   * consumer died, or their prediction failed and was left to retry) from
   * `cursor` on (`XAUTOCLAIM`), each with its delivery count (`XPENDING`).
   * Returns the cursor to continue from ("0-0" once the whole list was seen).
   */
  async reclaim(
    minIdleMs: number,
    count: number,
    cursor: string,
  ): Promise<{ entries: ClaimedEntry[]; cursor: string }> {
    const { stream, group, consumer } = this.options;
    const reply = await this.commands.xAutoClaim(stream, group, consumer, minIdleMs, cursor, {
      COUNT: count,
    });
    const claimed = (reply.messages as (RawMessage | null)[])
      .filter((m): m is RawMessage => m !== null)
      .map(entryOf);
    if (claimed.length === 0) return { entries: [], cursor: String(reply.nextId) };
    // One XPENDING per entry, sent together (node-redis pipelines commands of one tick).
    const pending = await Promise.all(
      claimed.map((e) => this.commands.xPendingRange(stream, group, e.entryId, e.entryId, 1)),
    );
    const deliveries = new Map(
      pending.flat().map((p) => [String(p.id), Number(p.deliveriesCounter)] as const),
    );
    return {
      entries: claimed.map((e) => ({ ...e, deliveries: deliveries.get(e.entryId) ?? 1 })),
      cursor: String(reply.nextId),
    };
  }

  /**
   * Resets the idle time of messages this consumer is still working on
   * (`XCLAIM … JUSTID`, which leaves the delivery count alone), so that no
   * other consumer claims a long prediction while it runs.
   */
  async touch(entryIds: string[]): Promise<void> {
    if (entryIds.length === 0) return;
    const { stream, group, consumer } = this.options;
    await this.commands.xClaimJustId(stream, group, consumer, 0, entryIds);
  }

  /**
   * Publishes a message's output and/or dead letter and acknowledges it in
   * one MULTI: a crash leaves either all of it or none (then the message is
   * still pending and will be reclaimed).
   */
  async finish(message: FinishedMessage): Promise<void> {
    const { stream, group } = this.options;
    const multi = this.commands.multi();
    if (message.output) multi.xAdd(message.output.stream, "*", message.output.fields);
    if (message.deadLetter) multi.xAdd(message.deadLetter.stream, "*", message.deadLetter.fields);
    multi.xAck(stream, group, message.entryId);
    await multi.exec();
  }

  /** The group's lag (`XINFO GROUPS`): entries not yet delivered to it; undefined when Redis cannot tell. */
  async lag(): Promise<number | undefined> {
    const { stream, group } = this.options;
    const groups = await this.commands.xInfoGroups(stream);
    const mine = groups.find((g) => String(g.name) === group);
    const lag = mine?.lag as unknown;
    return typeof lag === "number" ? lag : undefined;
  }

  /**
   * Cuts off a read that is still waiting (Redis unreachable): it rejects.
   * What Redis delivered to it in that moment stays pending, to be claimed.
   */
  abortRead(): void {
    destroyQuietly(this.reader);
  }

  /**
   * Cuts off every command still waiting for a Redis that is gone (a claim
   * queued while node-redis reconnects waits forever otherwise): they reject.
   */
  abortAll(): void {
    destroyQuietly(this.reader);
    destroyQuietly(this.commands);
  }

  /** Closes both connections; replies still awaited from a Redis that is gone are given up after 1 s. */
  async close(): Promise<void> {
    destroyQuietly(this.reader);
    if (!this.commands.isOpen) return;
    const closed = this.commands.close().then(
      () => true,
      () => true,
    );
    const gaveUp = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000).unref());
    if (!(await Promise.race([closed, gaveUp]))) destroyQuietly(this.commands);
  }
}

/** Destroys a client; one destroyed already (node-redis then throws) is left as it is. */
function destroyQuietly(client: RedisClient): void {
  if (client.isOpen) client.destroy();
}

/** Logs a lost connection once (node-redis reconnects, and reports each failed try), and its return. */
function reportOutages(client: RedisClient, log: Logger, started: () => boolean): void {
  let down = false;
  client.on("error", (error: Error) => {
    if (!started() || down) return;
    down = true;
    log.warn({ err: error }, "lost the connection to Redis; reconnecting");
  });
  client.on("ready", () => {
    if (down) log.info("reconnected to Redis");
    down = false;
  });
}

type RawMessage = { id: unknown; message: unknown };

function entryOf(raw: RawMessage): StreamEntry {
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw.message as Record<string, unknown>))
    fields[key] = String(value);
  return { entryId: String(raw.id), fields };
}

/** The URL without its password, for messages. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url;
  }
}
