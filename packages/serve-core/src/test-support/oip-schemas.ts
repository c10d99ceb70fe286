// The Open Inference Protocol's REST payloads as JSON Schema (draft-07), for
// tests to validate servekit's /v2 responses against. Transcribed from the
// specification: KServe's "Predict Protocol - Version 2"
// (kserve/kserve docs/predict-api/v2/required_api.md, "HTTP/REST") and its
// successor, kserve/open-inference-protocol
// specification/protocol/inference_rest.md with its OpenAPI document
// open_inference_rest.yaml. Where they differ, the stricter reading is
// taken: the markdown lists model metadata's `inputs` and `outputs` without
// "#optional", so they are required here though the YAML only requires
// `name` and `platform`; datatypes are the "Tensor Data Types" table; a
// request's or response's shape dimensions are "representable as an
// unsigned 64-bit integer" (≥ 0) while metadata shapes use -1 for a
// variable-size dimension. Extra properties are allowed, as the
// specification does not forbid them.

/** The "Tensor Data Types" table. */
const DATATYPES = [
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
  "BYTES",
];

const ref = (name: OipSchemaName) => ({ $ref: `#/definitions/${name}` });

/** `{"error": $string}`: every error object of the protocol has this shape. */
const errorResponse = {
  type: "object",
  required: ["error"],
  properties: { error: { type: "string" } },
};

/** `$request_input` and `$response_output` are one shape in the specification: a named tensor with its data. */
const tensorWithData = {
  type: "object",
  required: ["name", "shape", "datatype", "data"],
  properties: {
    name: { type: "string" },
    shape: { type: "array", items: { type: "integer", minimum: 0 } },
    datatype: { enum: DATATYPES },
    parameters: ref("parameters"),
    data: ref("tensor_data"),
  },
};

/** The document: one definition per `$name` of the specification (without the `$`). */
export const OIP_SCHEMA_DOCUMENT = {
  $id: "https://servekit.dev/schemas/open-inference-protocol.json",
  $schema: "http://json-schema.org/draft-07/schema#",
  definitions: {
    // $parameter = $string : $string | $number | $boolean
    parameters: {
      type: "object",
      additionalProperties: {
        anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }],
      },
    },
    // Tensor Data: row-major, flat or nested; elements are numbers, strings or booleans.
    tensor_data: {
      type: "array",
      items: {
        anyOf: [
          { $ref: "#/definitions/tensor_data" },
          { type: "number" },
          { type: "string" },
          { type: "boolean" },
        ],
      },
    },
    metadata_server_response: {
      type: "object",
      required: ["name", "version", "extensions"],
      properties: {
        name: { type: "string" },
        version: { type: "string" },
        extensions: { type: "array", items: { type: "string" } },
      },
    },
    metadata_server_error_response: errorResponse,
    // inference_rest.md: $live_server_response = { "live": $bool }
    live_server_response: {
      type: "object",
      required: ["live"],
      properties: { live: { type: "boolean" } },
    },
    // inference_rest.md writes $ready_server_response = { "live": $bool } (its gRPC
    // message, ServerReadyResponse, names the field `ready`); transcribed as written.
    ready_server_response: {
      type: "object",
      required: ["live"],
      properties: { live: { type: "boolean" }, ready: { type: "boolean" } },
    },
    ready_model_response: {
      type: "object",
      required: ["name", "ready"],
      properties: { name: { type: "string" }, ready: { type: "boolean" } },
    },
    metadata_tensor: {
      type: "object",
      required: ["name", "datatype", "shape"],
      properties: {
        name: { type: "string" },
        datatype: { enum: DATATYPES },
        shape: { type: "array", items: { type: "integer", minimum: -1 } },
      },
    },
    metadata_model_response: {
      type: "object",
      required: ["name", "platform", "inputs", "outputs"],
      properties: {
        name: { type: "string" },
        versions: { type: "array", items: { type: "string" } },
        platform: { type: "string" },
        inputs: { type: "array", items: ref("metadata_tensor") },
        outputs: { type: "array", items: ref("metadata_tensor") },
      },
    },
    metadata_model_error_response: errorResponse,
    request_input: tensorWithData,
    request_output: {
      type: "object",
      required: ["name"],
      properties: { name: { type: "string" }, parameters: ref("parameters") },
    },
    inference_request: {
      type: "object",
      required: ["inputs"],
      properties: {
        id: { type: "string" },
        parameters: ref("parameters"),
        inputs: { type: "array", items: ref("request_input") },
        outputs: { type: "array", items: ref("request_output") },
      },
    },
    response_output: tensorWithData,
    inference_response: {
      type: "object",
      required: ["model_name", "outputs"],
      properties: {
        model_name: { type: "string" },
        model_version: { type: "string" },
        id: { type: "string" },
        parameters: ref("parameters"),
        outputs: { type: "array", items: ref("response_output") },
      },
    },
    inference_error_response: errorResponse,
  },
} as const;

/** A payload of the specification, by its name there (`$inference_response` → `inference_response`). */
export type OipSchemaName =
  | "parameters"
  | "tensor_data"
  | "metadata_server_response"
  | "metadata_server_error_response"
  | "live_server_response"
  | "ready_server_response"
  | "ready_model_response"
  | "metadata_tensor"
  | "metadata_model_response"
  | "metadata_model_error_response"
  | "request_input"
  | "request_output"
  | "inference_request"
  | "response_output"
  | "inference_response"
  | "inference_error_response";

/** The `$ref` of one payload's schema inside {@link OIP_SCHEMA_DOCUMENT}, for a validator's `getSchema`. */
export function oipSchemaRef(name: OipSchemaName): string {
  return `${OIP_SCHEMA_DOCUMENT.$id}#/definitions/${name}`;
}
