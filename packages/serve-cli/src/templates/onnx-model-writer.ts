import { bytesField, concatBytes, intField, messageField, stringField } from "./protobuf-writer.js";

// Field numbers from onnx/onnx.proto (the ONNX IR), for the messages written here.
const MODEL = { irVersion: 1, producerName: 2, docString: 6, graph: 7, opsetImport: 8 } as const;
const OPSET_ID = { domain: 1, version: 2 } as const;
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;
const NODE = { input: 1, output: 2, name: 3, opType: 4 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE = { tensorType: 1 } as const;
const TENSOR_TYPE = { elemType: 1, shape: 2 } as const;
const SHAPE = { dim: 1 } as const;
const DIMENSION = { dimValue: 1, dimParam: 2 } as const;
/** TensorProto.DataType.FLOAT: the only element type written here. */
const FLOAT = 1;

/** One operator of the graph, e.g. `{ opType: "MatMul", inputs: ["x", "w"], outputs: ["y"] }`. */
export interface OnnxNode {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  /** @default the op type in lower case followed by the node's index */
  name?: string;
}

/** A float32 constant stored in the model (weights, biases). */
export interface OnnxInitializer {
  name: string;
  dims: readonly number[];
  /** Row-major values; their count must be the product of `dims`. */
  values: Float32Array;
}

/** A float32 graph input or output; a string dimension is symbolic (dynamic), e.g. `"batch"`. */
export interface OnnxValueInfo {
  name: string;
  shape: readonly (number | string)[];
}

/** What {@link encodeOnnxModel} writes: one graph of float32 tensors in the default domain. */
export interface OnnxModelSpec {
  /** @default 8 */
  irVersion?: number;
  /** Version of the default ("ai.onnx") operator set. @default 13 */
  opsetVersion?: number;
  producerName: string;
  docString?: string;
  graphName: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxInitializer[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/**
 * Serialises a small float32 ONNX model (a ModelProto) without any ONNX or
 * protobuf library: enough for linear layers and element-wise operators.
 *
 * @example
 * const bytes = encodeOnnxModel({
 *   producerName: "me",
 *   graphName: "double",
 *   nodes: [{ opType: "Add", inputs: ["x", "x"], outputs: ["y"] }],
 *   initializers: [],
 *   inputs: [{ name: "x", shape: ["batch", 2] }],
 *   outputs: [{ name: "y", shape: ["batch", 2] }],
 * });
 * // await InferenceSession.create(bytes)
 */
export function encodeOnnxModel(spec: OnnxModelSpec): Uint8Array {
  const graph = [
    ...spec.nodes.map((node, i) => messageField(GRAPH.node, encodeNode(node, i))),
    stringField(GRAPH.name, spec.graphName),
    ...spec.initializers.map((init) => messageField(GRAPH.initializer, encodeInitializer(init))),
    ...spec.inputs.map((value) => messageField(GRAPH.input, encodeValueInfo(value))),
    ...spec.outputs.map((value) => messageField(GRAPH.output, encodeValueInfo(value))),
  ];
  return concatBytes([
    intField(MODEL.irVersion, spec.irVersion ?? 8),
    stringField(MODEL.producerName, spec.producerName),
    ...(spec.docString ? [stringField(MODEL.docString, spec.docString)] : []),
    messageField(MODEL.graph, graph),
    messageField(MODEL.opsetImport, [
      stringField(OPSET_ID.domain, ""),
      intField(OPSET_ID.version, spec.opsetVersion ?? 13),
    ]),
  ]);
}

function encodeNode(node: OnnxNode, index: number): Uint8Array[] {
  return [
    ...node.inputs.map((name) => stringField(NODE.input, name)),
    ...node.outputs.map((name) => stringField(NODE.output, name)),
    stringField(NODE.name, node.name ?? `${node.opType.toLowerCase()}${index}`),
    stringField(NODE.opType, node.opType),
  ];
}

function encodeInitializer(init: OnnxInitializer): Uint8Array[] {
  const count = init.dims.reduce((product, dim) => product * dim, 1);
  if (count !== init.values.length) {
    throw new RangeError(
      `initializer "${init.name}" has dims [${init.dims.join(", ")}] (${count} values) but ${init.values.length} values`,
    );
  }
  // raw_data is little-endian; a DataView writes it so on any host.
  const raw = new DataView(new ArrayBuffer(init.values.length * 4));
  for (const [i, value] of init.values.entries()) raw.setFloat32(i * 4, value, true);
  return [
    ...init.dims.map((dim) => intField(TENSOR.dims, dim)),
    intField(TENSOR.dataType, FLOAT),
    stringField(TENSOR.name, init.name),
    bytesField(TENSOR.rawData, new Uint8Array(raw.buffer)),
  ];
}

function encodeValueInfo(value: OnnxValueInfo): Uint8Array[] {
  const dims = value.shape.map((dim) =>
    messageField(SHAPE.dim, [
      typeof dim === "string"
        ? stringField(DIMENSION.dimParam, dim)
        : intField(DIMENSION.dimValue, dim),
    ]),
  );
  const tensorType = [intField(TENSOR_TYPE.elemType, FLOAT), messageField(TENSOR_TYPE.shape, dims)];
  return [
    stringField(VALUE_INFO.name, value.name),
    messageField(VALUE_INFO.type, [messageField(TYPE.tensorType, tensorType)]),
  ];
}
