import { OipError } from "./oip-error.js";
import { tensorOf } from "./tensor-data.js";
import { contentTypeOf, type OipSignature } from "./tensor-metadata.js";
import { elementFits, type ResponseOutput, type TensorField } from "./tensor-types.js";

/**
 * Turns a prediction's output into `$response_output` tensors: one per
 * field of an object output (a field that is absent or null is left out),
 * or one named `output` for any other output. Numbers, booleans, strings
 * and rectangular arrays of them are tensors of their own; anything else
 * (objects, arrays of objects, ragged arrays) is one BYTES element holding
 * its JSON text, marked `parameters.content_type: "json"`. `requested`
 * (see {@link requestedOutputs}) keeps only those tensors.
 *
 * @example
 * outputToTensors({ label: "cat", scores: [0.9, 0.1] }, signature)
 * // [{ name: "label", datatype: "BYTES", shape: [1], data: ["cat"], parameters: { content_type: "str" } },
 * //  { name: "scores", datatype: "FP64", shape: [2], data: [0.9, 0.1] }]
 */
export function outputToTensors(
  output: unknown,
  signature: OipSignature,
  requested: readonly TensorField[] = signature.outputs,
): ResponseOutput[] {
  const tensors: ResponseOutput[] = [];
  for (const field of requested) {
    const value = signature.wholeOutput ? output : fieldOf(output, field.name);
    if (value === undefined || value === null) continue;
    tensors.push(tensorFor(field, value));
  }
  return tensors;
}

/**
 * The output tensors a request asks for (its `outputs`), all of them when
 * it names none; a 400 listing the model's outputs for a name it lacks.
 *
 * @example
 * requestedOutputs(signature, [{ name: "scores" }]) // [the "scores" field]
 */
export function requestedOutputs(
  signature: OipSignature,
  requested: readonly { name: string }[] | undefined,
): TensorField[] {
  if (!requested || requested.length === 0) return signature.outputs;
  const byName = new Map(signature.outputs.map((field) => [field.name, field]));
  return requested.map(({ name }) => {
    const field = byName.get(name);
    if (!field) {
      const names = signature.outputs.map((f) => `"${f.name}"`).join(", ");
      throw new OipError(400, `unknown output "${name}"; this model's outputs are ${names}`);
    }
    return field;
  });
}

function fieldOf(output: unknown, name: string): unknown {
  if (typeof output !== "object" || output === null) return undefined;
  return (output as Record<string, unknown>)[name];
}

function tensorFor(field: TensorField, value: unknown): ResponseOutput {
  if (field.element !== "json") {
    const tensor = field.rank === 0 ? { shape: [1], data: [value] } : tensorOf(value, field.rank);
    if (tensor?.data.every((element) => elementFits(element, field))) {
      const contentType = contentTypeOf(field);
      return {
        name: field.name,
        datatype: field.datatype,
        shape: tensor.shape,
        data: tensor.data,
        ...(contentType ? { parameters: { content_type: contentType } } : {}),
      };
    }
  }
  // No tensor form (or, for a ragged array, not this time): the JSON text, as one BYTES element.
  return {
    name: field.name,
    datatype: "BYTES",
    shape: [1],
    data: [JSON.stringify(value)],
    parameters: { content_type: "json" },
  };
}
