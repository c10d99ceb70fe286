import type { z } from "zod";
import { fileFields } from "../../input/file-input.js";
import type { TensorElement, TensorField, UnmappableField } from "./tensor-types.js";

/**
 * Which side of a predictor a schema is on: an input is read as the client
 * sends it (a pipe's `in`), an output as `predict` returns it (a pipe's `out`).
 */
export type SchemaSide = "input" | "output";

/** A check's definition: `.int()`, `.length(n)`, `.min(n)`, `.max(n)` are read from these. */
interface CheckDef {
  check: string;
  format?: string;
  length?: number;
  minimum?: number;
  maximum?: number;
}

/** The parts of zod's internals read here (zod 4: `_zod.def` with its checks, `_zod.values`). */
interface ZodInternals {
  _zod: {
    def: {
      type: string;
      innerType?: z.ZodType;
      in?: z.ZodType;
      out?: z.ZodType;
      getter?: () => z.ZodType;
      element?: z.ZodType;
      items?: z.ZodType[];
      rest?: z.ZodType | null;
      format?: string;
      checks?: { _zod: { def: CheckDef } }[];
    };
    values?: Set<unknown>;
  };
}

const SCALAR_DATATYPE = {
  number: "FP64",
  integer: "INT64",
  boolean: "BOOL",
  string: "BYTES",
  file: "BYTES",
  json: "BYTES",
} as const satisfies Record<TensorElement, TensorField["datatype"]>;

const SUPPORTED =
  "numbers, integers, booleans, strings, enums, files and arrays (nested or not) of one of them";

/** Wrappers that leave the value's type alone; the first three also make an input optional. */
const OPTIONAL_WRAPPERS = new Set(["optional", "default", "prefault"]);
const PLAIN_WRAPPERS = new Set(["nullable", "readonly", "catch", "nonoptional"]);

/**
 * A schema field as a tensor: its datatype, shape and element kind, or why
 * it has none (an input) — outputs without one become BYTES holding JSON.
 *
 * @example
 * describeTensor("scores", z.array(z.number()).length(3), "input")
 * // { name: "scores", datatype: "FP64", shape: [3], rank: 1, element: "number", optional: false }
 * describeTensor("box", z.object({ x: z.number() }), "input")
 * // { name: "box", reason: "`box` is an object; ...", optional: false }
 */
export function describeTensor(
  name: string,
  schema: z.ZodType,
  side: SchemaSide,
): TensorField | UnmappableField {
  const described = describe(schema, side, 0);
  if ("reason" in described) {
    if (side === "output") return jsonTensor(name);
    return { name, reason: `\`${name}\` ${described.reason}`, optional: described.optional };
  }
  const { element, dims, optional } = described;
  return {
    name,
    datatype: SCALAR_DATATYPE[element],
    shape: dims.length === 0 ? [1] : dims,
    rank: dims.length,
    element,
    optional,
  };
}

/** The BYTES tensor that carries an output with no tensor form as its JSON text. */
export function jsonTensor(name: string): TensorField {
  return { name, datatype: "BYTES", shape: [1], rank: 0, element: "json", optional: false };
}

/** Why a schema has no tensor form; `optional` as for {@link Described}. */
interface NoTensor {
  reason: string;
  optional: boolean;
}

interface Described {
  element: Exclude<TensorElement, "json">;
  /** One entry per array level (-1: any length); empty for one value. */
  dims: number[];
  optional: boolean;
}

/** Deeper arrays than any tensor needs: also where a self-referring lazy schema stops. */
const MAX_RANK = 16;

function describe(schema: z.ZodType, side: SchemaSide, depth: number): Described | NoTensor {
  if (depth > MAX_RANK) {
    return { reason: `nests arrays more than ${MAX_RANK} levels deep`, optional: false };
  }
  let current = schema;
  let optional = false;
  // Bounded: a lazy schema that refers to itself has no tensor form anyway.
  for (let step = 0; step < 32; step++) {
    if (side === "input" && fileFields.get(current)) return { element: "file", dims: [], optional };
    const internals = (current as unknown as ZodInternals)._zod;
    const { def } = internals;
    if (OPTIONAL_WRAPPERS.has(def.type) && def.innerType) {
      optional = true;
      current = def.innerType;
    } else if (PLAIN_WRAPPERS.has(def.type) && def.innerType) {
      if (def.type === "nonoptional") optional = false;
      current = def.innerType;
    } else if (def.type === "pipe" && def.in && def.out) {
      current = side === "input" ? def.in : def.out;
    } else if (def.type === "lazy" && def.getter) {
      current = def.getter();
    } else {
      const scalar = scalarElement(internals);
      if (scalar) return { element: scalar, dims: [], optional };
      const found =
        def.type === "array" && def.element
          ? arrayOf(current, def.element, side, depth)
          : def.type === "tuple" && def.items
            ? tupleOf(def.items, def.rest, side, depth)
            : { reason: `is ${kindName(def.type)}; only ${SUPPORTED} have a tensor form` };
      return { ...found, optional };
    }
  }
  return { reason: `nests too many wrappers; only ${SUPPORTED} have a tensor form`, optional };
}

function scalarElement(internals: ZodInternals["_zod"]): Described["element"] | undefined {
  const { def } = internals;
  switch (def.type) {
    case "number":
    case "int": {
      const formats = [def.format, ...checksOf(internals).map((check) => check.format)];
      const whole = def.type === "int" || formats.some((format) => format?.includes("int"));
      return whole ? "integer" : "number";
    }
    case "boolean":
      return "boolean";
    case "string":
    case "template_literal":
      return "string";
    case "enum":
    case "literal":
      return elementOfValues(internals.values);
    default:
      return undefined;
  }
}

/** An enum's or literal's element kind, when all its values have the same one. */
function elementOfValues(values: Set<unknown> | undefined): Described["element"] | undefined {
  const all = [...(values ?? [])];
  if (all.length === 0) return undefined;
  if (all.every((v) => typeof v === "string")) return "string";
  if (all.every((v) => typeof v === "boolean")) return "boolean";
  if (all.every((v) => Number.isInteger(v))) return "integer";
  if (all.every((v) => typeof v === "number")) return "number";
  return undefined;
}

/** An array's or tuple's tensor form, before its wrappers say whether it is optional. */
type Found = Omit<Described, "optional"> | { reason: string };

function arrayOf(array: z.ZodType, element: z.ZodType, side: SchemaSide, depth: number): Found {
  const inner = describe(element, side, depth + 1);
  if ("reason" in inner) {
    return { reason: `is an array whose items have no tensor form: each ${inner.reason}` };
  }
  return { element: inner.element, dims: [fixedLength(array), ...inner.dims] };
}

/** A tuple of items of one element kind and shape is a fixed-length array. */
function tupleOf(
  items: z.ZodType[],
  rest: z.ZodType | null | undefined,
  side: SchemaSide,
  depth: number,
): Found {
  const all = [...items, ...(rest ? [rest] : [])];
  const described = all.map((item) => describe(item, side, depth + 1));
  const first = described[0];
  if (
    first === undefined ||
    "reason" in first ||
    !described.every(
      (d) => !("reason" in d) && d.element === first.element && sameDims(d.dims, first.dims),
    )
  ) {
    return {
      reason: "is a tuple whose items differ in kind; only tuples of one kind have a tensor form",
    };
  }
  return { element: first.element, dims: [rest ? -1 : items.length, ...first.dims] };
}

/** An array's length when its schema fixes one (`.length(n)`, or equal min and max), else -1. */
function fixedLength(array: z.ZodType): number {
  let minimum: number | undefined;
  let maximum: number | undefined;
  for (const check of checksOf((array as unknown as ZodInternals)._zod)) {
    if (check.check === "length_equals" && check.length !== undefined) return check.length;
    if (check.check === "min_length") minimum = Math.max(minimum ?? 0, check.minimum ?? 0);
    if (check.check === "max_length")
      maximum = Math.min(maximum ?? Infinity, check.maximum ?? Infinity);
  }
  return minimum !== undefined && minimum === maximum ? minimum : -1;
}

function checksOf(internals: ZodInternals["_zod"]): CheckDef[] {
  return (internals.def.checks ?? []).map((check) => check._zod.def);
}

function sameDims(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function kindName(type: string): string {
  switch (type) {
    case "object":
      return "an object";
    case "record":
      return "a record (an object with any keys)";
    case "union":
      return "a union of several types";
    case "any":
    case "unknown":
      return "of any type";
    default:
      return `a ${type}`;
  }
}
