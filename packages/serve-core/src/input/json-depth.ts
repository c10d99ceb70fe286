/**
 * Whether a parsed JSON value nests arrays and objects deeper than
 * `maxDepth`. Walks with its own stack, so a 10 000-level body that
 * JSON.parse accepted is measured without overflowing the call stack the way
 * the schema check and the echo of `input` would. Only plain arrays and
 * objects count: decoded file bytes (Uint8Array) are leaves.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    let children: unknown[];
    if (Array.isArray(current)) children = current;
    else if (isPlainObject(current)) children = Object.values(current);
    else continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of children) {
      if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
