// What the stream tests do to Redis from the outside: add messages, read
// outputs and dead letters, look at the pending lists, wait for a condition.
import { createClient } from "redis";

export type TestRedis = ReturnType<typeof createClient>;

/** A connected client for a test; close it with `client.close()`. */
export async function testClient(url: string): Promise<TestRedis> {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Adds one message per field set, in order; returns their entry ids. */
export async function addMessages(
  client: TestRedis,
  stream: string,
  messages: Record<string, string>[],
): Promise<string[]> {
  const multi = client.multi();
  for (const fields of messages) multi.xAdd(stream, "*", fields);
  return (await multi.exec()) as unknown as string[];
}

/** Every entry of a stream, fields only, oldest first. */
export async function entries(
  client: TestRedis,
  stream: string,
): Promise<Record<string, string>[]> {
  const all = await client.xRange(stream, "-", "+");
  return all.map((e) => ({ ...(e.message as Record<string, string>) }));
}

/** Unacknowledged messages of the group by consumer name (`XPENDING` summary). */
export async function pendingByConsumer(
  client: TestRedis,
  stream: string,
  group: string,
): Promise<Map<string, number>> {
  const summary = await client.xPending(stream, group);
  return new Map(
    (summary.consumers ?? []).map((c) => [String(c.name), Number(c.deliveriesCounter)]),
  );
}

/** Unacknowledged messages of the whole group. */
export async function pendingCount(
  client: TestRedis,
  stream: string,
  group: string,
): Promise<number> {
  return Number((await client.xPending(stream, group)).pending);
}

/**
 * Polls `check` until it returns something truthy, and returns that; fails
 * after `timeoutMs` with `what` and the last value seen.
 */
export async function waitUntil<T>(
  what: string,
  check: () => Promise<T> | T,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`,
      );
    await new Promise((r) => setTimeout(r, 20));
  }
}
