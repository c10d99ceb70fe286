import type { InferRequest } from "./infer-request.js";
import { OipError } from "./oip-error.js";
import { flattenTensorData, formatShape, reshapeTensorData } from "./tensor-data.js";
import { type OipSignature, unmappableReason } from "./tensor-metadata.js";
import { elementFits, type RequestInput, type TensorField } from "./tensor-types.js";

/**
 * Turns an inference request's input tensors into the predictor's input
 * object: each tensor becomes the field of its name, one value for shape
 * `[1]` (or `[]`), nested arrays otherwise. Throws a 400 naming the input
 * for an unknown or missing input, a datatype or shape other than the
 * model's metadata says, or data that does not fill the shape. The object
 * still goes through the predictor's schema (`runtime.parseInput`).
 *
 * @example
 * tensorsToInput(
 *   { inputs: [{ name: "scores", shape: [2, 2], datatype: "FP64", data: [1, 2, 3, 4] }] },
 *   oipSignature(predictor),
 * ) // { scores: [[1, 2], [3, 4]] }
 */
export function tensorsToInput(
  request: InferRequest,
  signature: OipSignature,
): Record<string, unknown> {
  const reason = unmappableReason(signature);
  if (reason) throw new OipError(400, reason);
  const fields = new Map(signature.inputs.map((field) => [field.name, field]));
  const omitted = new Map(signature.omitted.map((field) => [field.name, field]));
  const input: Record<string, unknown> = {};
  for (const tensor of request.inputs) {
    const field = fields.get(tensor.name);
    const left = omitted.get(tensor.name);
    if (left) {
      throw new OipError(
        400,
        `input "${tensor.name}" cannot be sent as a tensor: ${left.reason}; leave it out (it is optional), or send it with POST /models/{name}/predict`,
      );
    }
    if (!field) {
      throw new OipError(
        400,
        `unknown input "${tensor.name}"; this model's inputs are ${listInputs(signature.inputs)}`,
      );
    }
    if (tensor.name in input) {
      throw new OipError(400, `input "${tensor.name}" is given twice; send each input once`);
    }
    input[tensor.name] = tensorValue(tensor, field);
  }
  const missing = signature.inputs.filter((field) => !field.optional && !(field.name in input));
  if (missing.length > 0) {
    const names = missing.map(describeField).join(", ");
    throw new OipError(400, `missing input${missing.length > 1 ? "s" : ""} ${names}`);
  }
  return input;
}

/** One tensor's value for its field, checked against the field's datatype and shape. */
function tensorValue(tensor: RequestInput, field: TensorField): unknown {
  if (tensor.datatype !== field.datatype) {
    throw new OipError(
      400,
      `input "${tensor.name}" has datatype ${tensor.datatype}; this model takes ${describeField(field)}`,
    );
  }
  if (!shapeFits(tensor.shape, field)) {
    throw new OipError(
      400,
      `input "${tensor.name}" has shape ${formatShape(tensor.shape)}; this model takes ${describeField(field)}${field.shape.includes(-1) ? " (-1: any size)" : ""}`,
    );
  }
  const flat = flattenTensorData(tensor.data, tensor.shape);
  if (typeof flat === "string") throw new OipError(400, `input "${tensor.name}": ${flat}`);
  const wrong = flat.findIndex((element) => !elementFits(element, field));
  if (wrong >= 0) {
    throw new OipError(
      400,
      `input "${tensor.name}": element ${wrong} is ${JSON.stringify(flat[wrong])}; ${field.datatype} data must be ${ELEMENT_WORDS[field.datatype]}`,
    );
  }
  return field.rank === 0 ? flat[0] : reshapeTensorData(flat, tensor.shape);
}

/** One value takes `[1]` or `[]`; an array as many dimensions as its schema nests, fixed ones as given. */
function shapeFits(shape: number[], field: TensorField): boolean {
  if (field.rank === 0) return shape.length === 0 || (shape.length === 1 && shape[0] === 1);
  return (
    shape.length === field.shape.length &&
    shape.every((dim, axis) => field.shape[axis] === -1 || field.shape[axis] === dim)
  );
}

const ELEMENT_WORDS: Record<TensorField["datatype"], string> = {
  FP64: "numbers",
  INT64: "whole numbers",
  BOOL: "true or false",
  BYTES: "strings (files as base64 or a data: URL)",
};

function describeField(field: TensorField): string {
  return `"${field.name}" (${field.datatype} ${formatShape(field.shape)})`;
}

function listInputs(inputs: TensorField[]): string {
  if (inputs.length === 0) return "none";
  return inputs
    .map((field) => `${describeField(field)}${field.optional ? " optional" : ""}`)
    .join(", ");
}
