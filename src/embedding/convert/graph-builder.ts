/**
 * Small helper for assembling an ONNX graph in code: hands out unique,
 * readable node/value names (deterministic — derived from call order only)
 * and de-duplicates shared constants.
 */
import { float32Tensor, int64Tensor, type Attribute, type Model, type Node, type Tensor, type ValueInfo } from "./onnx-writer.js";

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private readonly usedNames = new Set<string>();
  private readonly constants = new Map<string, string>();

  /** Registers a weight tensor and returns its value name. */
  initializer(tensor: Tensor): string {
    this.claim(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  /** A float32 scalar constant, shared between all users of the same value. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(float32Tensor(this.freeName(`const_f32_${this.constants.size}`), [], Float32Array.of(value)));
      this.constants.set(key, name);
    }
    return name;
  }

  /** A 1-D int64 constant (shapes, axes), shared between users. */
  int64s(values: number[]): string {
    const key = `i64:${values.join(",")}`;
    let name = this.constants.get(key);
    if (!name) {
      name = this.initializer(int64Tensor(this.freeName(`const_i64_${this.constants.size}`), [values.length], values));
      this.constants.set(key, name);
    }
    return name;
  }

  /** Adds a node and returns its output names. `name` scopes the node, e.g. "layer.0/attention/MatMul". */
  op(opType: string, name: string, inputs: string[], attributes: Attribute[] = [], outputCount = 1, domain?: string): string[] {
    const nodeName = this.unique(name);
    const outputs = Array.from({ length: outputCount }, (_, i) => this.unique(`${nodeName}:${i}`));
    this.nodes.push({ name: nodeName, opType, inputs, outputs, attributes, ...(domain ? { domain } : {}) });
    return outputs;
  }

  /** Single-output convenience form of op(). */
  op1(opType: string, name: string, inputs: string[], attributes: Attribute[] = []): string {
    const [output] = this.op(opType, name, inputs, attributes);
    if (output === undefined) throw new Error("unreachable: op() returned no output");
    return output;
  }

  /** Renames the value produced by the most recent node (to expose it as a graph output). */
  renameLastOutput(from: string, to: string): void {
    const last = this.nodes.at(-1);
    const index = last?.outputs.indexOf(from) ?? -1;
    if (!last || index < 0) throw new Error(`graph-builder: ${from} is not an output of the last node`);
    this.claim(to);
    last.outputs[index] = to;
  }

  toModel(meta: Omit<Model, "nodes" | "initializers" | "inputs" | "outputs">, inputs: ValueInfo[], outputs: ValueInfo[]): Model {
    return { ...meta, nodes: this.nodes, initializers: this.initializers, inputs, outputs };
  }

  /** Marks a name (e.g. a graph input) as taken. */
  claim(name: string): void {
    if (this.usedNames.has(name)) throw new Error(`graph-builder: duplicate name ${name}`);
    this.usedNames.add(name);
  }

  private unique(base: string): string {
    const name = this.freeName(base);
    this.usedNames.add(name);
    return name;
  }

  private freeName(base: string): string {
    let name = base;
    for (let i = 1; this.usedNames.has(name); i++) name = `${base}_${i}`;
    return name;
  }
}
