// Protocol Buffers wire format, just what writing an ONNX model needs:
// varints (wire type 0) and length-delimited fields (wire type 2).
// https://protobuf.dev/programming-guides/encoding/

const VARINT = 0;
const LENGTH_DELIMITED = 2;

/**
 * A non-negative integer as a base-128 varint, least significant group first.
 *
 * @example
 * varint(300); // Uint8Array [0xac, 0x02]
 */
export function varint(value: number | bigint): Uint8Array {
  let rest = BigInt(value);
  if (rest < 0n) throw new RangeError(`varint: only non-negative values are written, got ${value}`);
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest > 0n ? low | 0x80 : low);
  } while (rest > 0n);
  return Uint8Array.from(bytes);
}

/** The key of a field: its number and wire type. */
function tag(field: number, wireType: number): Uint8Array {
  if (!Number.isInteger(field) || field < 1) {
    throw new RangeError(`protobuf field numbers start at 1, got ${field}`);
  }
  return varint(field * 8 + wireType);
}

/**
 * An integer field (int32, int64 or enum) with a non-negative value.
 *
 * @example
 * intField(1, 8); // ir_version = 8 → [0x08, 0x08]
 */
export function intField(field: number, value: number | bigint): Uint8Array {
  return concatBytes([tag(field, VARINT), varint(value)]);
}

/**
 * A length-delimited field: bytes, an embedded message, or packed values.
 *
 * @example
 * bytesField(9, new Uint8Array(Float32Array.of(1, 2).buffer)); // raw_data
 */
export function bytesField(field: number, bytes: Uint8Array): Uint8Array {
  return concatBytes([tag(field, LENGTH_DELIMITED), varint(bytes.length), bytes]);
}

/**
 * A string field, UTF-8 encoded.
 *
 * @example
 * stringField(4, "MatMul"); // NodeProto.op_type
 */
export function stringField(field: number, value: string): Uint8Array {
  return bytesField(field, new TextEncoder().encode(value));
}

/**
 * An embedded message field, the message given as its encoded fields.
 *
 * @example
 * messageField(8, [stringField(1, ""), intField(2, 13)]); // ModelProto.opset_import
 */
export function messageField(field: number, fields: readonly Uint8Array[]): Uint8Array {
  return bytesField(field, concatBytes(fields));
}

/**
 * Byte arrays joined end to end: a message is the concatenation of its fields.
 *
 * @example
 * concatBytes([intField(1, 8), stringField(2, "me")]);
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
