/**
 * The Open Inference Protocol's JSON objects, as servekit sends and reads
 * them (KServe's "Predict Protocol - Version 2", REST). Names follow the
 * specification's: `$metadata_tensor`, `$request_input`, `$response_output`.
 */

/** The protocol's tensor data types; servekit's schemas map onto the four it produces. */
export type OipDatatype =
  | "BOOL"
  | "UINT8"
  | "UINT16"
  | "UINT32"
  | "UINT64"
  | "INT8"
  | "INT16"
  | "INT32"
  | "INT64"
  | "FP16"
  | "FP32"
  | "FP64"
  | "BYTES";

/** What one element of a tensor is, on servekit's side of the mapping. */
export type TensorElement =
  /** A JSON number: FP64. */
  | "number"
  /** A whole number (`z.number().int()`): INT64. */
  | "integer"
  | "boolean"
  /** A string or enum value: BYTES, as UTF-8 text. */
  | "string"
  /** A `file()` or `image()` input: BYTES, as base64 or a data: URL. */
  | "file"
  /** An output with no tensor form (objects, unions, arrays of objects): BYTES holding its JSON text. */
  | "json";

/** One schema field as a tensor: the mapping both directions work from. */
export interface TensorField {
  /** The field's name, which is the tensor's name. */
  name: string;
  datatype: "FP64" | "INT64" | "BOOL" | "BYTES";
  /** `[1]` for one value; one entry per array level, -1 where any length is allowed. */
  shape: number[];
  /** Array levels of the value: 0 for one value (whose tensor shape is `[1]`, or `[]`). */
  rank: number;
  element: TensorElement;
  /** An input that may be left out (optional or defaulted). */
  optional: boolean;
}

/** A field that has no tensor form, and why. */
export interface UnmappableField {
  name: string;
  reason: string;
  /** An optional input: the model still maps, without it. */
  optional: boolean;
}

/** `$parameters`: name/value pairs whose values are strings, numbers or booleans. */
export type OipParameters = Record<string, string | number | boolean>;

/** `$metadata_tensor`. */
export interface MetadataTensor {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: OipParameters;
}

/** `$request_input`, after the request's own shape was checked. */
export interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: OipParameters | undefined;
  data: unknown[];
}

/** `$response_output`. */
export interface ResponseOutput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: OipParameters;
  data: unknown[];
}

/**
 * Whether one element of a tensor's data has its field's datatype: a finite
 * number for FP64, a whole number JSON can carry exactly for INT64.
 */
export function elementFits(element: unknown, field: TensorField): boolean {
  switch (field.datatype) {
    case "FP64":
      return typeof element === "number" && Number.isFinite(element);
    case "INT64":
      return Number.isSafeInteger(element);
    case "BOOL":
      return typeof element === "boolean";
    case "BYTES":
      return typeof element === "string";
    default: {
      const never: never = field.datatype;
      throw new Error(`unknown datatype ${never}`);
    }
  }
}
