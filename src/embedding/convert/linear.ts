/**
 * The one place where fp32 and int8 graphs differ: how a dense layer
 * (y = x·W + b) is expressed. bert-graph.ts is written against this interface.
 */
import { float32Tensor } from "./onnx-writer.js";
import type { GraphBuilder } from "./graph-builder.js";

export interface LinearWeight {
  /** Row-major [rows=in, cols=out], i.e. already transposed from PyTorch's [out, in]. */
  data: Float32Array;
  rows: number;
  cols: number;
  bias: Float32Array;
}

/** Emits y = input·W + b and returns the name of y. `name` is the tensor prefix, e.g. "encoder.layer.0.attention.self.query". */
export type Linear = (input: string, name: string, weight: LinearWeight) => string;

export function float32Linear(g: GraphBuilder): Linear {
  return (input, name, weight) => {
    const w = g.initializer(float32Tensor(`${name}.weight`, [weight.rows, weight.cols], weight.data));
    const b = g.initializer(float32Tensor(`${name}.bias`, [weight.cols], weight.bias));
    return g.op1("Add", `${name}/Add`, [g.op1("MatMul", `${name}/MatMul`, [input, w]), b]);
  };
}
