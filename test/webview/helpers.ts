// Hand-built traces with known numbers for the webview tests (no forward pass involved, so a failure points here).
import type { TracePayload } from '../../src/protocol/messages';

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

const buf = (values: number[]): ArrayBuffer => Float64Array.from(values).buffer;

/**
 * The worked example of gate-conventions.md §9: Keras LSTM(3), input size 1, kernels 0, bias
 * [0,0,0, 1,1,1, 0,0,0, 0,0,0], x = 1, h0 = 0, c0 = 1. Keras returns c = 0.7310586, h = 0.3118563 after one step.
 * Two steps, so step 1 reads c₋₁ from the trace itself.
 */
export function seedLstmPayload(withInitialState = true): TracePayload {
  const H = 3;
  const bias = [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0];
  const steps = 2;
  const zx: number[] = [], zh: number[] = [], z: number[] = [], a: number[] = [], c: number[] = [], h: number[] = [];
  let cPrev = [1, 1, 1];
  for (let t = 0; t < steps; t++) {
    zx.push(...bias);
    zh.push(...new Array(12).fill(0));
    z.push(...bias);
    const i = sigmoid(0), f = sigmoid(1), g = Math.tanh(0), o = sigmoid(0);
    a.push(i, i, i, f, f, f, g, g, g, o, o, o);
    const cNew = cPrev.map((cp) => f * cp + i * g);
    c.push(...cNew);
    h.push(...cNew.map((cv) => o * Math.tanh(cv)));
    cPrev = cNew;
  }
  return {
    runId: 7, layerId: 'L0', layerName: 'lstm', cell: 'lstm', convention: 'keras', units: H, inputSize: 1, steps, direction: 0,
    x: buf([1, 1]), zx: buf(zx), zh: buf(zh), z: buf(z), a: buf(a), c: buf(c), h: buf(h),
    timeIndex: Int32Array.from([0, 1]).buffer, bW: buf(bias), bR: buf(new Array(12).fill(0)),
    ...(withInitialState ? { h0: buf([0, 0, 0]), c0: buf([1, 1, 1]) } : {}),
  };
}

/**
 * A PyTorch GRU, 2 units, one step, reset_after, with distinct numbers per canonical column (z, r, n) so that any
 * mix-up of blocks shows. zh's n block is U_n·h + bU_n; z's n block is zx_n + r⊙zh_n.
 */
export function pytorchGruPayload(): TracePayload {
  const H = 2;
  const zx = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]; // canonical z0 z1 r0 r1 n0 n1
  const zh = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06];
  const bW = [0.001, 0.002, 0.003, 0.004, 0.005, 0.006];
  const bR = [0.0001, 0.0002, 0.0003, 0.0004, 0.0005, 0.0006];
  const zz = [zx[0] + zh[0], zx[1] + zh[1]];
  const rr = [zx[2] + zh[2], zx[3] + zh[3]];
  const zGate = zz.map(sigmoid), rGate = rr.map(sigmoid);
  const zn = [zx[4] + rGate[0] * zh[4], zx[5] + rGate[1] * zh[5]];
  const n = zn.map(Math.tanh);
  const h0 = [0.5, -0.25];
  const h = [0, 1].map((u) => zGate[u] * h0[u] + (1 - zGate[u]) * n[u]);
  return {
    runId: 1, layerId: 'G', cell: 'gru', convention: 'pytorch', units: H, inputSize: 1, steps: 1, direction: 0, resetAfter: true,
    x: buf([0.7]), zx: buf(zx), zh: buf(zh), z: buf([...zz, ...rr, ...zn]), a: buf([...zGate, ...rGate, ...n]), h: buf(h),
    timeIndex: Int32Array.from([0]).buffer, bW: buf(bW), bR: buf(bR), h0: buf(h0),
  };
}
