/** A prediction's input, read and validated by {@link readInput}. */
export interface ReadInput {
  /** The input as the predictor's schema parsed it. */
  input: unknown;
  /** A copy of the body for the shadow version, when the lease has one. */
  shadowInput: unknown;
  /** `performance.now()` when the body was read (before validation). */
  readAt: number;
  /** `performance.now()` when the input was validated. */
  validatedAt: number;
}

/**
 * Reads a prediction's body, copies it for the shadow version if there is
 * one, and validates it, in an async frame of its own. The body as parsed
 * is garbage once this returns. Held in the route's frame through the
 * prediction, it outlived two young collections, so under load each request
 * moved it into the HTTP thread's old generation: the YOLOv5 demo's heap
 * there climbed to 80–94 MiB before each full collection, 21 a minute
 * (docs/production.md#memory).
 *
 * @example
 * const { input, readAt } = await readInput(() => readIncomingBody(…), (raw) => runtime.parseInput(raw), false);
 */
export async function readInput(
  read: () => Promise<unknown>,
  validate: (raw: unknown) => Promise<unknown>,
  copyForShadow: boolean,
): Promise<ReadInput> {
  const raw = await read();
  const readAt = performance.now();
  // The shadow's own copy: the answer's run moves file bytes to its worker.
  const shadowInput = copyForShadow ? structuredClone(raw) : undefined;
  const input = await validate(raw);
  return { input, shadowInput, readAt, validatedAt: performance.now() };
}
