/**
 * Tensor data as the protocol sends it: row-major, either flat or nested
 * the tensor's natural way ("Tensor Data" in the specification).
 */

/** Elements a tensor of `shape` holds: the product of its dimensions (1 for `[]`). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

/**
 * A tensor's elements in row-major order, from flat or nested `data`;
 * a message saying what is wrong when `data` does not hold `shape`'s elements.
 *
 * @example
 * flattenTensorData([[1, 2], [3, 4]], [2, 2]) // [1, 2, 3, 4]
 * flattenTensorData([1, 2, 3, 4], [2, 2])     // [1, 2, 3, 4]
 * flattenTensorData([1, 2, 3], [2, 2])        // "data holds 3 elements; shape [2,2] holds 4"
 */
export function flattenTensorData(data: unknown[], shape: readonly number[]): unknown[] | string {
  const expected = elementCount(shape);
  if (!data.some(Array.isArray)) {
    return data.length === expected
      ? data
      : `data holds ${data.length} elements; shape ${formatShape(shape)} holds ${expected}`;
  }
  const flat: unknown[] = [];
  const problem = collectNested(data, shape, 0, flat);
  return problem ?? flat;
}

function collectNested(
  level: unknown,
  shape: readonly number[],
  axis: number,
  into: unknown[],
): string | undefined {
  if (axis === shape.length) {
    if (Array.isArray(level)) return `data nests deeper than shape ${formatShape(shape)}`;
    into.push(level);
    return undefined;
  }
  if (!Array.isArray(level)) {
    return `data is not nested as shape ${formatShape(shape)}: expected an array of ${shape[axis]} at depth ${axis + 1}`;
  }
  if (level.length !== shape[axis]) {
    return `data is not nested as shape ${formatShape(shape)}: an array at depth ${axis + 1} holds ${level.length} items, not ${shape[axis]}`;
  }
  for (const item of level) {
    const problem = collectNested(item, shape, axis + 1, into);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Nested arrays of `shape` from row-major `flat` elements (which must number
 * {@link elementCount}`(shape)`).
 *
 * @example
 * reshapeTensorData([1, 2, 3, 4, 5, 6], [2, 3]) // [[1, 2, 3], [4, 5, 6]]
 */
export function reshapeTensorData(flat: readonly unknown[], shape: readonly number[]): unknown[] {
  if (shape.length <= 1) return [...flat];
  const [, ...inner] = shape;
  const stride = elementCount(inner);
  const rows: unknown[] = [];
  for (let row = 0; row < (shape[0] ?? 0); row++) {
    rows.push(reshapeTensorData(flat.slice(row * stride, (row + 1) * stride), inner));
  }
  return rows;
}

/**
 * The shape of `value`, nested arrays `rank` levels deep, and its elements in
 * row-major order; undefined when the arrays are ragged or not that deep.
 *
 * @example
 * tensorOf([[1, 2], [3, 4], [5, 6]], 2) // { shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }
 * tensorOf([[1], [2, 3]], 2)            // undefined
 */
export function tensorOf(
  value: unknown,
  rank: number,
): { shape: number[]; data: unknown[] } | undefined {
  const shape: number[] = [];
  let probe: unknown = value;
  for (let axis = 0; axis < rank; axis++) {
    if (!Array.isArray(probe)) return undefined;
    shape.push(probe.length);
    // An empty array has no items to measure: its inner dimensions are 0 too.
    if (probe.length === 0) {
      while (shape.length < rank) shape.push(0);
      break;
    }
    probe = probe[0];
  }
  const data: unknown[] = [];
  return collectNested(value, shape, 0, data) === undefined ? { shape, data } : undefined;
}

/** A shape as the messages show it: `[2,3]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}
