/** Every key and channel of the Redis store starts with this. */
const PREFIX = "servekit:predictions";

/**
 * The Redis keys of one async prediction: its record (the JSON clients see),
 * the model-version that runs it, its lease, and its claimed webhook events;
 * plus the set of leases by deadline and the cancel channel, shared by all.
 *
 * @example
 * redisKeys("p1").record; // "servekit:predictions:record:p1"
 */
export function redisKeys(id: string) {
  return {
    record: `${PREFIX}:record:${id}`,
    model: `${PREFIX}:model:${id}`,
    lease: `${PREFIX}:lease:${id}`,
    event: (event: string) => `${PREFIX}:event:${id}:${event}`,
    /** Running predictions by lease deadline (ms since the epoch). */
    leases: `${PREFIX}:leases`,
    /** Published: the id of a prediction finished (canceled, failed) by a replica other than its runner. */
    cancels: `${PREFIX}:cancels`,
  };
}
