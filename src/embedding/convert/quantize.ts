/**
 * Dynamic int8 quantization of linear layers, built only from standard ONNX ops
 * (DynamicQuantizeLinear, MatMulInteger, Cast, Mul) so any onnxruntime can run
 * it; onnxruntime's CPU optimizer fuses the pattern into its DynamicQuantizeMatMul
 * kernel. This mirrors what onnxruntime.quantization.quantize_dynamic emits with
 * per_channel=True, without needing Python.
 *
 * Weights are symmetric int8 with one scale per output column: a per-tensor
 * scale lets a few large columns crush the resolution of all others, which
 * costs noticeably more cosine similarity on this model. Activations are
 * quantized at run time (uint8, asymmetric) because their range depends on
 * the input text.
 */
import { DataType, int8Tensor, float32Tensor } from "./onnx-writer.js";
import type { GraphBuilder } from "./graph-builder.js";
import type { Linear, LinearWeight } from "./linear.js";

export interface QuantizedWeight {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * 127 rather than 128 keeps the range symmetric so the zero point is exactly 0.
 * (onnxruntime's "reduce_range" 7-bit mode exists for old x86 CPUs whose int8
 * dot product can saturate; it costs accuracy everywhere, so it is not used.)
 */
const INT8_MAX = 127;

/** Quantizes a row-major [rows=in, cols=out] weight with one scale per column. */
export function quantizePerColumn(weight: Float32Array, rows: number, cols: number): QuantizedWeight {
  if (weight.length !== rows * cols) throw new Error("quantize: weight size does not match its shape");
  const scales = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    let maxAbs = 0;
    for (let r = 0; r < rows; r++) maxAbs = Math.max(maxAbs, Math.abs(weight[r * cols + c] ?? 0));
    // An all-zero column would give scale 0 and a division by zero below.
    scales[c] = maxAbs > 0 ? maxAbs / INT8_MAX : 1;
  }
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = r * cols + c;
      const q = Math.round((weight[i] ?? 0) / (scales[c] ?? 1));
      values[i] = Math.max(-INT8_MAX, Math.min(INT8_MAX, q));
    }
  }
  return { values, scales };
}

/** Linear layer factory whose MatMuls run in int8. */
export function quantizedLinear(g: GraphBuilder): Linear {
  // Q, K and V read the same activation; quantize it once, not three times.
  const quantizedInputs = new Map<string, string[]>();

  return (input: string, name: string, weight: LinearWeight): string => {
    let qInput = quantizedInputs.get(input);
    if (!qInput) {
      qInput = g.op("DynamicQuantizeLinear", `${name}/DynamicQuantizeLinear`, [input], [], 3);
      quantizedInputs.set(input, qInput);
    }
    const [xq, xScale, xZeroPoint] = qInput as [string, string, string];

    const { values, scales } = quantizePerColumn(weight.data, weight.rows, weight.cols);
    const w = g.initializer(int8Tensor(`${name}.weight_quantized`, [weight.rows, weight.cols], values));
    const wScale = g.initializer(float32Tensor(`${name}.weight_scale`, [weight.cols], scales));

    // No weight zero point input: symmetric weights, and MatMulInteger defaults it to 0.
    const acc = g.op1("MatMulInteger", `${name}/MatMulInteger`, [xq, w, xZeroPoint]);
    const accF = g.op1("Cast", `${name}/Cast`, [acc], [{ name: "to", type: "int", value: DataType.FLOAT }]);
    const scale = g.op1("Mul", `${name}/ScaleMul`, [xScale, wScale]);
    const y = g.op1("Mul", `${name}/Mul`, [accF, scale]);
    const bias = g.initializer(float32Tensor(`${name}.bias`, [weight.cols], weight.bias));
    return g.op1("Add", `${name}/Add`, [y, bias]);
  };
}
