/** Awaits a promise that must reject with `type`, and returns the error for further checks. */
export async function rejectionOf<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw error;
  }
  throw new Error(`expected the promise to reject with ${type.name}, but it resolved`);
}
