/**
 * Serialises a plain description of an ONNX model into ModelProto bytes.
 *
 * Field numbers follow onnx/onnx.proto (IR version 8). Only the messages an
 * inference graph with initializers needs are covered: ModelProto, GraphProto,
 * NodeProto, AttributeProto, TensorProto, ValueInfoProto/TypeProto. Repeated
 * scalars are written unpacked, the proto2 default that every parser accepts.
 * Nothing time- or host-dependent is written, so equal input gives equal bytes.
 */
import { endianness } from "node:os";
import { ProtoWriter } from "./protobuf.js";

/** TensorProto.DataType values. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
} as const;
export type DataType = (typeof DataType)[keyof typeof DataType];

export interface Tensor {
  name: string;
  dataType: DataType;
  dims: number[];
  /** Little-endian element bytes (TensorProto.raw_data). */
  raw: Uint8Array;
}

export type Attribute =
  | { name: string; type: "int"; value: number }
  | { name: string; type: "ints"; value: number[] }
  | { name: string; type: "float"; value: number };

export interface Node {
  name: string;
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes?: Attribute[];
  domain?: string;
}

export interface ValueInfo {
  name: string;
  elemType: DataType;
  /** Numbers are fixed sizes; strings are symbolic (dynamic) dimensions. */
  shape: (number | string)[];
}

export interface Model {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  graphName: string;
  docString?: string;
  nodes: Node[];
  initializers: Tensor[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

// ONNX raw_data is little-endian; typed-array views are host-endian.
if (endianness() !== "LE") throw new Error("onnx-writer: big-endian hosts are not supported");

export function float32Tensor(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dataType: DataType.FLOAT, dims, raw: bytesOf(data) };
}

export function float16Tensor(name: string, dims: number[], halves: Uint16Array): Tensor {
  return { name, dataType: DataType.FLOAT16, dims, raw: bytesOf(halves) };
}

export function int8Tensor(name: string, dims: number[], data: Int8Array): Tensor {
  return { name, dataType: DataType.INT8, dims, raw: bytesOf(data) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): Tensor {
  return { name, dataType: DataType.INT64, dims, raw: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))) };
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

export function encodeModel(model: Model): Uint8Array {
  const graph = new ProtoWriter();
  for (const node of model.nodes) graph.messageField(1, encodeNode(node));
  graph.stringField(2, model.graphName);
  for (const tensor of model.initializers) graph.messageField(5, encodeTensor(tensor));
  if (model.docString) graph.stringField(10, model.docString);
  for (const input of model.inputs) graph.messageField(11, encodeValueInfo(input));
  for (const output of model.outputs) graph.messageField(12, encodeValueInfo(output));

  const opset = new ProtoWriter().stringField(1, "").varintField(2, model.opsetVersion);

  return new ProtoWriter()
    .varintField(1, model.irVersion)
    .stringField(2, model.producerName)
    .stringField(3, model.producerVersion)
    .messageField(7, graph)
    .messageField(8, opset)
    .finish();
}

function encodeNode(node: Node): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  w.stringField(3, node.name);
  w.stringField(4, node.opType);
  for (const attribute of node.attributes ?? []) w.messageField(5, encodeAttribute(attribute));
  if (node.domain) w.stringField(7, node.domain);
  return w;
}

// AttributeProto.AttributeType: FLOAT=1, INT=2, INTS=7.
function encodeAttribute(attribute: Attribute): ProtoWriter {
  const w = new ProtoWriter().stringField(1, attribute.name);
  switch (attribute.type) {
    case "float":
      return w.floatField(2, attribute.value).varintField(20, 1);
    case "int":
      return w.varintField(3, attribute.value).varintField(20, 2);
    case "ints":
      for (const v of attribute.value) w.varintField(8, v);
      return w.varintField(20, 7);
  }
}

function encodeTensor(tensor: Tensor): ProtoWriter {
  const w = new ProtoWriter();
  for (const dim of tensor.dims) w.varintField(1, dim);
  w.varintField(2, tensor.dataType);
  w.stringField(8, tensor.name);
  w.bytesField(9, tensor.raw);
  return w;
}

function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.shape) {
    const d = new ProtoWriter();
    if (typeof dim === "number") d.varintField(1, dim);
    else d.stringField(2, dim);
    shape.messageField(1, d);
  }
  const tensorType = new ProtoWriter().varintField(1, info.elemType).messageField(2, shape);
  const type = new ProtoWriter().messageField(1, tensorType);
  return new ProtoWriter().stringField(1, info.name).messageField(2, type);
}
