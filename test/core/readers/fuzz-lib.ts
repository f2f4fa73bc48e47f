// Mutations for the reader fuzzer (fuzz-main.ts) and its seeded sample in hostile.test.ts.

export { mulberry32 as mulberry } from '../../../src/core/random';

/** One model file per reader family (the framework-written fixtures). */
export const FUZZ_FIXTURES = [
  'npz_lstm_compressed.npz', 'safetensors_lstm_bidi.safetensors', 'pytorch_module_lstm_proj.pt', 'pytorch_rnn_relu_legacy.pt',
  'onnx_lstm_peepholes_bidi.onnx', 'keras_sequential.keras', 'keras_legacy_h5.h5', 'keras_lstm_h5_latest_chunked.weights.h5',
  'keras_lstm_h5_resizable_lzf.weights.h5', 'keras_gru_legacy_h5_resizable_lzf.h5', 'hdf5_resizable_index_kinds.h5', 'hdf5_chunked_default_format.h5',
];

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x40];

/** A copy with one to three damages: bit flips, interesting bytes, truncation, a duplicated or zeroed range, inserted bytes. */
export function mutate(original: Uint8Array, random: () => number): Uint8Array {
  let bytes = new Uint8Array(original);
  const at = (): number => Math.floor(random() * bytes.length);
  const rounds = 1 + Math.floor(random() * 3);
  for (let r = 0; r < rounds; r++) {
    const kind = Math.floor(random() * 7);
    if (kind === 0) { for (let k = 0, n = 1 + Math.floor(random() * 8); k < n; k++) bytes[at()] ^= 1 << Math.floor(random() * 8); }
    else if (kind === 1) { for (let k = 0, n = 1 + Math.floor(random() * 4); k < n; k++) bytes[at()] = INTERESTING[Math.floor(random() * INTERESTING.length)]; }
    else if (kind === 2) bytes = bytes.slice(0, at());
    else if (kind === 3) { const s = at(); const n = Math.min(bytes.length - s, 1 + Math.floor(random() * 64)); const copy = bytes.slice(s, s + n); const d = at(); const out = new Uint8Array(bytes.length + n); out.set(bytes.subarray(0, d)); out.set(copy, d); out.set(bytes.subarray(d), d + n); bytes = out; }
    else if (kind === 4) { const s = at(); bytes.fill(0, s, Math.min(bytes.length, s + 1 + Math.floor(random() * 256))); }
    else if (kind === 5) { const s = at(); const v = new DataView(bytes.buffer); if (s + 4 <= bytes.length) v.setUint32(s, Math.floor(random() * 0xffffffff), true); }
    else { const d = at(); const n = 1 + Math.floor(random() * 16); const out = new Uint8Array(bytes.length + n); out.set(bytes.subarray(0, d)); for (let k = 0; k < n; k++) out[d + k] = Math.floor(random() * 256); out.set(bytes.subarray(d), d + n); bytes = out; }
    if (!bytes.length) break;
  }
  return bytes;
}
