import { closeSync, openSync, readSync } from "node:fs";

/** Bytes read from the journal at a time while replaying it. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The lines of a file, read in fixed-size chunks so a file of any size can be
 * replayed: only one line at a time is ever held as a string (V8 strings stop
 * at ~512 MiB, which a journal of large inputs passes). A line longer than
 * `maxLineBytes` is not buffered: it is yielded as `undefined` (a skipped line).
 * Synchronous: it runs once, at start-up, before the server takes requests.
 */
export function* journalLines(
  path: string,
  maxLineBytes: number,
): Generator<string | undefined, void, void> {
  const fd = openSync(path, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let pieces: Buffer[] = [];
    let pending = 0;
    let oversized = false;
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(10, start);
        const end = newline === -1 || newline >= read ? read : newline;
        if (!oversized && pending + (end - start) > maxLineBytes) {
          oversized = true;
          pieces = [];
        } else if (!oversized && end === read) {
          // The line goes on into the next read, which reuses `chunk`: keep a copy.
          pieces.push(Buffer.from(chunk.subarray(start, end)));
        }
        pending += end - start;
        if (end === read) break;
        if (oversized) yield undefined;
        else if (pieces.length === 0) yield chunk.toString("utf8", start, end);
        else yield Buffer.concat([...pieces, chunk.subarray(start, end)]).toString("utf8");
        pieces = [];
        pending = 0;
        oversized = false;
        start = end + 1;
      }
    }
    if (pending > 0) yield oversized ? undefined : Buffer.concat(pieces).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
