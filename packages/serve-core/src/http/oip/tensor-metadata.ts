import type { z } from "zod";
import type { AnyPredictor } from "../../predictor.js";
import { describeTensor, type SchemaSide } from "./describe-tensor.js";
import type {
  MetadataTensor,
  OipParameters,
  TensorField,
  UnmappableField,
} from "./tensor-types.js";

/** A predictor's schemas as the protocol's tensors, found once per predictor. */
export interface OipSignature {
  /** One tensor per top-level input field that has a tensor form. */
  inputs: TensorField[];
  /** Required input fields (or the whole input) with no tensor form: infer answers 400 saying why. */
  unmappable: UnmappableField[];
  /** Optional input fields with no tensor form: left out of the tensors, the model maps without them. */
  omitted: UnmappableField[];
  /** One tensor per top-level output field, or one named `output` (see `wholeOutput`). */
  outputs: TensorField[];
  /** The output is not an object: one tensor named `output` carries all of it. */
  wholeOutput: boolean;
}

/** The name of the one output tensor of a predictor whose output is not an object. */
export const WHOLE_OUTPUT_NAME = "output";

/** What `platform` says of every servekit model (the spec's names are `<project>_<format>` of a backend). */
export const OIP_PLATFORM = "servekit";

const signatures = new WeakMap<AnyPredictor, OipSignature>();

/**
 * The tensors a predictor's input and output schemas map to: each
 * top-level field of the input object is one input tensor, each field of the
 * output object one output tensor.
 *
 * @example
 * const { inputs } = oipSignature(definePredictor({ name: "m", input: z.object({ x: z.number() }), ... }));
 * // inputs: [{ name: "x", datatype: "FP64", shape: [1], rank: 0, element: "number", optional: false }]
 */
export function oipSignature(predictor: AnyPredictor): OipSignature {
  let signature = signatures.get(predictor);
  if (!signature) {
    signature = { ...inputTensors(predictor.input), ...outputTensors(predictor.output) };
    signatures.set(predictor, signature);
  }
  return signature;
}

/** Why infer cannot run on a model, for its 400 and its metadata; undefined when it can. */
export function unmappableReason(signature: OipSignature): string | undefined {
  if (signature.unmappable.length === 0) return undefined;
  const reasons = signature.unmappable.map((field) => field.reason).join("; ");
  return `this model's input cannot be sent as Open Inference Protocol tensors: ${reasons}. Use POST /models/{name}/predict with a JSON body instead`;
}

/** `$metadata_model_response` for one version of a model. */
export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: MetadataTensor[];
  outputs: MetadataTensor[];
  parameters?: OipParameters;
}

/**
 * The model metadata response: name, the versions a client may ask for,
 * platform and tensors, plus `parameters.servekit_unmappable` when the input
 * cannot map and `parameters.servekit_omitted_inputs` naming optional
 * inputs that cannot be sent as tensors.
 *
 * @example
 * modelMetadata({ name: "yolov5", versions: ["fp32", "fp16"], predictor })
 */
export function modelMetadata(options: {
  name: string;
  versions: string[];
  predictor: AnyPredictor;
}): ModelMetadata {
  const signature = oipSignature(options.predictor);
  const parameters: OipParameters = {};
  const reason = unmappableReason(signature);
  if (reason) parameters.servekit_unmappable = reason;
  if (signature.omitted.length > 0) {
    parameters.servekit_omitted_inputs = signature.omitted.map((f) => f.reason).join("; ");
  }
  return {
    name: options.name,
    versions: options.versions,
    platform: OIP_PLATFORM,
    inputs: signature.inputs.map(metadataTensor),
    outputs: signature.outputs.map(metadataTensor),
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}

/**
 * `$metadata_tensor` for a field; its `parameters` say how BYTES are read
 * (`content_type`: `str` text, `base64` a file, `json` JSON text) and
 * whether an input may be left out.
 */
export function metadataTensor(field: TensorField): MetadataTensor {
  const parameters: OipParameters = {};
  const contentType = contentTypeOf(field);
  if (contentType) parameters.content_type = contentType;
  if (field.optional) parameters.optional = true;
  return {
    name: field.name,
    datatype: field.datatype,
    shape: field.shape,
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
  };
}

/** How a BYTES tensor's strings are to be read (the names MLServer uses for the first two). */
export function contentTypeOf(field: TensorField): "str" | "base64" | "json" | undefined {
  switch (field.element) {
    case "string":
      return "str";
    case "file":
      return "base64";
    case "json":
      return "json";
    default:
      return undefined;
  }
}

interface ObjectInternals {
  _zod: { def: { type: string; shape?: Record<string, z.ZodType> } };
}

function inputTensors(schema: z.ZodType): Pick<OipSignature, "inputs" | "unmappable" | "omitted"> {
  const shape = objectShape(schema, "input");
  if (!shape) {
    const reason = `the input schema is ${typeName(schema)}, not an object (each top-level field of an object input is one tensor)`;
    return { inputs: [], unmappable: [{ name: "", reason, optional: false }], omitted: [] };
  }
  const inputs: TensorField[] = [];
  const unmappable: UnmappableField[] = [];
  const omitted: UnmappableField[] = [];
  for (const [name, field] of Object.entries(shape)) {
    const described = describeTensor(name, field, "input");
    if (!("reason" in described)) inputs.push(described);
    else if (described.optional) omitted.push(described);
    else unmappable.push(described);
  }
  return { inputs, unmappable, omitted };
}

function outputTensors(schema: z.ZodType): Pick<OipSignature, "outputs" | "wholeOutput"> {
  const shape = objectShape(schema, "output");
  if (!shape) {
    const whole = describeTensor(WHOLE_OUTPUT_NAME, schema, "output") as TensorField;
    return { outputs: [whole], wholeOutput: true };
  }
  const outputs = Object.entries(shape).map(
    ([name, field]) => describeTensor(name, field, "output") as TensorField,
  );
  return { outputs, wholeOutput: false };
}

/** The fields of an object schema under its wrappers; undefined when it is not an object. */
function objectShape(schema: z.ZodType, side: SchemaSide): Record<string, z.ZodType> | undefined {
  let current = schema as unknown as ObjectInternals & {
    _zod: { def: { innerType?: unknown; in?: unknown; out?: unknown; getter?: () => unknown } };
  };
  for (let step = 0; step < 32; step++) {
    const { def } = current._zod;
    if (def.type === "object") return def.shape ?? {};
    const next =
      def.type === "pipe"
        ? side === "input"
          ? def.in
          : def.out
        : (def.innerType ?? def.getter?.());
    if (!next) return undefined;
    current = next as typeof current;
  }
  return undefined;
}

function typeName(schema: z.ZodType): string {
  const type = (schema as unknown as ObjectInternals)._zod.def.type;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
