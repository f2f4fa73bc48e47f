// Seeded pasted Keras LSTMs (Python files of printed np.array literals) shared by the benchmarks that read text.

/** Seeded uniform values in [-scale, scale): the same paste every run. */
export function seeded(seed) {
  let s = seed >>> 0;
  return (scale) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  };
}

const literal = (rows, cols, next, scale) => {
  const out = [];
  for (let r = 0; r < rows; r++) {
    const row = new Array(cols);
    for (let c = 0; c < cols; c++) row[c] = String(next(scale));
    out.push(`[${row.join(', ')}]`);
  }
  return out;
};

/**
 * A Keras LSTM(H) pasted as a Python file: kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,) as float64 np.array
 * literals (17 significant digits, as repr prints them), the input x (T, D), and a commented constructor line.
 */
export function kerasPaste(D, H, T, seed) {
  const next = seeded(seed);
  const G = 4 * H;
  const x = literal(T, D, next, 1);
  const text = [
    'import numpy as np\n',
    `# model = keras.Sequential([keras.Input((${T}, ${D})), keras.layers.LSTM(${H}, return_sequences=True)])\n`,
    `kernel = np.array([${literal(D, G, next, 1 / Math.sqrt(D)).join(',\n       ')}])\n`,
    `recurrent_kernel = np.array([${literal(H, G, next, 1 / Math.sqrt(H)).join(',\n       ')}])\n`,
    `bias = np.array(${literal(1, G, next, 0.1)[0]})\n`,
    `x = np.array([${x.join(',\n       ')}])\n`,
  ].join('');
  return { text, input: `{"x": [${x.join(', ')}]}` };
}
