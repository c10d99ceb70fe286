import { describe, expect, it } from "vitest";
import { flattenTensorData, reshapeTensorData, tensorOf } from "./tensor-data.js";

describe("tensor data", () => {
  it("reads flat and nested data of a shape alike", () => {
    expect(flattenTensorData([1, 2, 3, 4, 5, 6], [2, 3])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(
      flattenTensorData(
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
        [2, 3],
      ),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(flattenTensorData([7], [])).toEqual([7]);
  });

  it("says how data misses its shape", () => {
    expect(flattenTensorData([1, 2, 3], [2, 2])).toBe("data holds 3 elements; shape [2,2] holds 4");
    expect(flattenTensorData([[1, 2], [3]], [2, 2])).toMatch(/holds 1 items, not 2/);
    expect(flattenTensorData([[[1]], [[2]]], [2, 1])).toMatch(/nests deeper than shape/);
  });

  it("reshapes row-major data and measures nested arrays back", () => {
    const nested = reshapeTensorData([1, 2, 3, 4, 5, 6], [3, 1, 2]);
    expect(nested).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
    expect(tensorOf(nested, 3)).toEqual({ shape: [3, 1, 2], data: [1, 2, 3, 4, 5, 6] });
    expect(tensorOf([[1], [2, 3]], 2)).toBeUndefined();
    expect(tensorOf([], 2)).toEqual({ shape: [0, 0], data: [] });
  });
});
