// The weights files of the VS Code benches (responsiveness.mjs, first-render.mjs): a Keras LSTM pasted as NumPy
// arrays, one matrix row per line, as model.get_weights() prints them, from a fixed seed.

/** Deterministic values in [-0.5, 0.5): mulberry32. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

export function kerasLstmFile(inputSize, units, seed) {
  const next = random(seed);
  const row = (n) => `[${Array.from({ length: n }, () => next().toFixed(8)).join(', ')}]`;
  const matrix = (name, rows, cols) => {
    const lines = Array.from({ length: rows }, () => row(cols));
    const indent = ' '.repeat(`${name} = np.array([`.length);
    return `${name} = np.array([${lines.join(`,\n${indent}`)}])`;
  };
  return [
    `# Keras LSTM(${units}) on ${inputSize} input features: model.get_weights() (generated for the responsiveness bench)`,
    'import numpy as np',
    matrix('lstm_kernel', inputSize, 4 * units),
    matrix('lstm_recurrent_kernel', units, 4 * units),
    `lstm_bias = np.array(${row(4 * units)})`,
    '',
  ].join('\n');
}
