import { describe, expect, it } from "vitest";
import {
  bytesField,
  concatBytes,
  intField,
  messageField,
  stringField,
  varint,
} from "./protobuf-writer.js";

const bytes = (data: Uint8Array) => [...data];

describe("protobuf writer", () => {
  it("writes varints in 7-bit groups, low group first", () => {
    expect(bytes(varint(0))).toEqual([0]);
    expect(bytes(varint(1))).toEqual([1]);
    expect(bytes(varint(127))).toEqual([0x7f]);
    expect(bytes(varint(128))).toEqual([0x80, 0x01]);
    expect(bytes(varint(300))).toEqual([0xac, 0x02]);
    expect(bytes(varint(2n ** 35n))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it("refuses negative varints and field numbers below 1", () => {
    expect(() => varint(-1)).toThrow(/non-negative.*-1/);
    expect(() => intField(0, 1)).toThrow(/start at 1, got 0/);
  });

  it("writes fields as the protobuf reference encodes them", () => {
    // From the protobuf encoding guide: field 1 = 150 is 08 96 01, field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
    expect(bytes(intField(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytes(stringField(2, "testing"))).toEqual([
      0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67,
    ]);
    // An embedded message is length-delimited: field 3 holding {1: 150} is 1a 03 08 96 01.
    expect(bytes(messageField(3, [intField(1, 150)]))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });

  it("prefixes long payloads with a multi-byte length", () => {
    const field = bytesField(9, new Uint8Array(200).fill(7));
    expect(bytes(field.subarray(0, 3))).toEqual([0x4a, 0xc8, 0x01]);
    expect(field.length).toBe(203);
  });

  it("writes multi-byte UTF-8 strings with their byte length", () => {
    expect(bytes(stringField(1, "é"))).toEqual([0x0a, 0x02, 0xc3, 0xa9]);
  });

  it("concatenates parts in order", () => {
    expect(bytes(concatBytes([Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3)]))).toEqual([
      1, 2, 3,
    ]);
  });
});
