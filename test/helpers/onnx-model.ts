// Writes a tiny ONNX model by hand (protobuf wire format) so the ONNX
// detector's test needs no model file from anywhere: input "images"
// [1,3,S,S]; output "output0" = a constant prediction tensor + 0 × sum(images)
// (the input is read, the answer is known). Field numbers from onnx.proto.

const enc = new TextEncoder();

function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, v: number) => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: Uint8Array | number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, enc.encode(s));
const msg = (field: number, parts: number[]) => bytes(field, parts);

function floats(values: Float32Array): number[] {
  return [...new Uint8Array(values.buffer, values.byteOffset, values.byteLength)];
}

function tensor(name: string, dims: number[], values: Float32Array): number[] {
  return [...dims.flatMap((d) => int(1, d)), ...int(2, 1 /* FLOAT */), ...bytes(4, floats(values)), ...str(8, name)];
}

function valueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => msg(1, int(1, d)));
  return [...str(1, name), ...msg(2, msg(1, [...int(1, 1 /* FLOAT */), ...msg(2, shape)]))];
}

function node(op: string, inputs: string[], outputs: string[], attrs: number[][] = []): number[] {
  return [...inputs.flatMap((i) => str(1, i)), ...outputs.flatMap((o) => str(2, o)), ...str(3, `${op}_${outputs[0]}`), ...str(4, op),
    ...attrs.flatMap((a) => msg(5, a))];
}

/** An int attribute. */
const intAttr = (name: string, v: number) => [...str(1, name), ...int(3, v), ...int(20, 2 /* INT */)];

/** The model's bytes: prediction `pred` with dims `predDims` (e.g. [1, 84, N]), input side `size`. */
export function constantYoloModel(pred: Float32Array, predDims: number[], size: number): Uint8Array {
  const graph = [
    ...msg(1, node('ReduceSum', ['images'], ['s'], [intAttr('keepdims', 0)])),
    ...msg(1, node('Mul', ['s', 'zero'], ['z'])),
    ...msg(1, node('Add', ['pred', 'z'], ['output0'])),
    ...str(2, 'tiny_yolo'),
    ...msg(5, tensor('pred', predDims, pred)),
    ...msg(5, tensor('zero', [], new Float32Array([0]))),
    ...msg(11, valueInfo('images', [1, 3, size, size])),
    ...msg(12, valueInfo('output0', predDims)),
  ];
  const model = [...int(1, 8 /* IR v8 */), ...str(2, 'skyfeed-test'), ...msg(7, graph), ...msg(8, [...str(1, ''), ...int(2, 13)])];
  return Uint8Array.from(model);
}
