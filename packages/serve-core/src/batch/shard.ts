import { createHash } from "node:crypto";
import { BatchInputError } from "./batch-input-error.js";

/** One slice of a batch: rows whose id hashes to `index` out of `count`. */
export interface Shard {
  /** 0-based: 0 … count − 1. */
  index: number;
  count: number;
}

/**
 * Parses `"i/n"` (e.g. `"0/3"`, 0-based) into a {@link Shard}; throws a
 * {@link BatchInputError} saying what would be right otherwise.
 *
 * @example
 * parseShard("1/3") // { index: 1, count: 3 }
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new BatchInputError(
      `shard must be i/n with 0 ≤ i < n, e.g. 0/3, 1/3 and 2/3 for three machines; got "${text}"`,
    );
  }
  return { index, count };
}

/**
 * Whether the row with `id` belongs to `shard`: a hash of the id's text, so
 * the split depends on nothing but the ids (not on order, file or machine),
 * and every row lands in exactly one of the `count` shards.
 *
 * @example
 * [0, 1, 2].filter((index) => inShard("row-7", { index, count: 3 })).length // 1
 */
export function inShard(id: string | number, shard: Shard | undefined): boolean {
  if (!shard || shard.count === 1) return true;
  const digest = createHash("sha256").update(String(id)).digest();
  return digest.readUInt32BE(0) % shard.count === shard.index;
}
