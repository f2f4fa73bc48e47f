// AssemblyScript source of Gate Lens' WebAssembly SIMD kernels, compiled by scripts/build.mjs (asc compileString)
// into kernels.wasm, which esbuild embeds into every bundle. The extension is .as, not .ts, so that the project's
// TypeScript and ESLint passes (which do not know v128, f64x2 …) leave it alone.
//
// The module owns no heap: the JavaScript side (../wasm.ts) lays out every buffer in linear memory and passes byte
// offsets. Weights are stored once in a packed panel layout chosen for these loops:
//   panel p holds rows [R·p, R·p + R) of the (M × K) row-major matrix; inside a panel, column k is R consecutive
//   numbers, so one k step reads 64 contiguous bytes (R = 8 f64 = 4 × f64x2, or R = 16 f32 = 4 × f32x4); the float64
//   matrix–vector product has its own packing with R = 12 (96 bytes, 6 × f64x2).
// Rows past M are zero, so the kernels never need a row remainder; every k is processed one (or two) at a time, so
// odd K needs no special case either. Outputs are written with the padded row stride (panels · R).
//
// relaxed-simd (fused multiply-add) is not enabled by default in Node 20, so products and sums are separate
// instructions; the accumulators are independent so the adds pipeline. V8 keeps only about a dozen v128 values
// in registers: the blockings below (6 accumulators for the f64 gemv, 4 for the f32 one, 8 for gemm) are the fastest
// measured.

const PANEL_BYTES: usize = 64;

// c + a·b. The same source is compiled twice (scripts/build-wasm.mjs): plain SIMD, and with relaxed-simd, where
// this becomes one fused multiply-add (Chrome ≥ 114 and Electron, i.e. the VS Code desktop host, Node ≥ 22, and Node 20
// behind --experimental-wasm-relaxed-simd, which the gate-lens command turns on). The loader picks the relaxed build
// where the host validates it.
// @ts-ignore: decorator
@inline function madd64(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(c, f64x2.mul(a, b));
}

// @ts-ignore: decorator
@inline function madd32(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// ---------------------------------------------------------------------------------------------------------------
// float64

// The matrix–vector product reads its own packing, 12 rows per panel (GEMV_PANEL_BYTES = 96 per k): six independent
// accumulators. Each row's sum is one chain of additions, so with four (8-row panels) the add latency, not the
// arithmetic, set the pace; six keep the adders busy, and with the six loads and x they still fit V8's registers
// (eight accumulators spill). Measured under V8 (Node 20): 1.1–1.2× the 8-row kernel. The order of each row's sum
// (bias, then k = 0, 1, …) is the same in both, so the results are too.
const GEMV_PANEL_BYTES: usize = 96;

/** out[0 .. panels·12) = bias + A·x (A packed in 12-row panels); bias = 0 means no bias. */
export function gemv64(a: usize, panels: i32, K: i32, x: usize, bias: usize, out: usize): void {
  const xEnd = x + (<usize>K << 3);
  for (let p = 0; p < panels; p++) {
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0;
    if (bias != 0) {
      s0 = v128.load(bias, 0); s1 = v128.load(bias, 16); s2 = v128.load(bias, 32);
      s3 = v128.load(bias, 48); s4 = v128.load(bias, 64); s5 = v128.load(bias, 80);
      bias += GEMV_PANEL_BYTES;
    }
    let ap = a + <usize>p * <usize>K * GEMV_PANEL_BYTES;
    for (let xp = x; xp < xEnd; xp += 8) {
      const x0 = v128.load64_splat(xp);
      s0 = madd64(v128.load(ap, 0), x0, s0);
      s1 = madd64(v128.load(ap, 16), x0, s1);
      s2 = madd64(v128.load(ap, 32), x0, s2);
      s3 = madd64(v128.load(ap, 48), x0, s3);
      s4 = madd64(v128.load(ap, 64), x0, s4);
      s5 = madd64(v128.load(ap, 80), x0, s5);
      ap += GEMV_PANEL_BYTES;
    }
    v128.store(out, s0, 0); v128.store(out, s1, 16); v128.store(out, s2, 32);
    v128.store(out, s3, 48); v128.store(out, s4, 64); v128.store(out, s5, 80);
    out += GEMV_PANEL_BYTES;
  }
}

/**
 * out[t·(panels·8) + m] = bias[m] + Σ_k A[m, k]·X[t·K + k] for t < T. Two time steps share each pass over a panel
 * column, so a panel (8 rows × K) is read once per pair of steps while it sits in L1.
 */
export function gemm64(a: usize, panels: i32, K: i32, X: usize, T: i32, bias: usize, out: usize): void {
  const zero = f64x2.splat(0);
  const rowBytes = <usize>K * 8;
  const outRowBytes = <usize>panels * PANEL_BYTES;
  for (let p = 0; p < panels; p++) {
    const panel = a + <usize>p * <usize>K * PANEL_BYTES;
    let b0 = zero, b1 = zero, b2 = zero, b3 = zero;
    if (bias != 0) {
      const bp = bias + <usize>p * PANEL_BYTES;
      b0 = v128.load(bp, 0); b1 = v128.load(bp, 16); b2 = v128.load(bp, 32); b3 = v128.load(bp, 48);
    }
    let t = 0;
    for (; t + 1 < T; t += 2) {
      let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
      let u0 = b0, u1 = b1, u2 = b2, u3 = b3;
      let ap = panel;
      let xp = X + <usize>t * rowBytes;
      const xEnd = xp + rowBytes;
      for (; xp < xEnd; xp += 8) {
        const x0 = v128.load64_splat(xp, 0);
        const x1 = v128.load64_splat(xp + rowBytes, 0);
        const a0 = v128.load(ap, 0);
        const a1 = v128.load(ap, 16);
        s0 = madd64(a0, x0, s0);
        u0 = madd64(a0, x1, u0);
        s1 = madd64(a1, x0, s1);
        u1 = madd64(a1, x1, u1);
        const a2 = v128.load(ap, 32);
        const a3 = v128.load(ap, 48);
        s2 = madd64(a2, x0, s2);
        u2 = madd64(a2, x1, u2);
        s3 = madd64(a3, x0, s3);
        u3 = madd64(a3, x1, u3);
        ap += PANEL_BYTES;
      }
      const o = out + <usize>t * outRowBytes + <usize>p * PANEL_BYTES;
      v128.store(o, s0, 0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
      const o1 = o + outRowBytes;
      v128.store(o1, u0, 0); v128.store(o1, u1, 16); v128.store(o1, u2, 32); v128.store(o1, u3, 48);
    }
    if (t < T) {
      let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
      let ap = panel;
      let xp = X + <usize>t * rowBytes;
      const xEnd = xp + rowBytes;
      for (; xp < xEnd; xp += 8) {
        const x0 = v128.load64_splat(xp, 0);
        s0 = madd64(v128.load(ap, 0), x0, s0);
        s1 = madd64(v128.load(ap, 16), x0, s1);
        s2 = madd64(v128.load(ap, 32), x0, s2);
        s3 = madd64(v128.load(ap, 48), x0, s3);
        ap += PANEL_BYTES;
      }
      const o = out + <usize>t * outRowBytes + <usize>p * PANEL_BYTES;
      v128.store(o, s0, 0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// float32 (the fast, no-trace mode of ../../fast32.ts)

export function gemv32(a: usize, panels: i32, K: i32, x: usize, bias: usize, out: usize): void {
  const xEnd = x + (<usize>K << 2);
  for (let p = 0; p < panels; p++) {
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    if (bias != 0) {
      s0 = v128.load(bias, 0); s1 = v128.load(bias, 16); s2 = v128.load(bias, 32); s3 = v128.load(bias, 48);
      bias += PANEL_BYTES;
    }
    let ap = a + <usize>p * <usize>K * PANEL_BYTES;
    for (let xp = x; xp < xEnd; xp += 4) {
      const x0 = v128.load32_splat(xp);
      s0 = madd32(v128.load(ap, 0), x0, s0);
      s1 = madd32(v128.load(ap, 16), x0, s1);
      s2 = madd32(v128.load(ap, 32), x0, s2);
      s3 = madd32(v128.load(ap, 48), x0, s3);
      ap += PANEL_BYTES;
    }
    v128.store(out, s0, 0); v128.store(out, s1, 16); v128.store(out, s2, 32); v128.store(out, s3, 48);
    out += PANEL_BYTES;
  }
}

export function gemm32(a: usize, panels: i32, K: i32, X: usize, T: i32, bias: usize, out: usize): void {
  const zero = f32x4.splat(0);
  const rowBytes = <usize>K * 4;
  const outRowBytes = <usize>panels * PANEL_BYTES;
  for (let p = 0; p < panels; p++) {
    const panel = a + <usize>p * <usize>K * PANEL_BYTES;
    let b0 = zero, b1 = zero, b2 = zero, b3 = zero;
    if (bias != 0) {
      const bp = bias + <usize>p * PANEL_BYTES;
      b0 = v128.load(bp, 0); b1 = v128.load(bp, 16); b2 = v128.load(bp, 32); b3 = v128.load(bp, 48);
    }
    let t = 0;
    for (; t + 1 < T; t += 2) {
      let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
      let u0 = b0, u1 = b1, u2 = b2, u3 = b3;
      let ap = panel;
      let xp = X + <usize>t * rowBytes;
      const xEnd = xp + rowBytes;
      for (; xp < xEnd; xp += 4) {
        const x0 = v128.load32_splat(xp, 0);
        const x1 = v128.load32_splat(xp + rowBytes, 0);
        const a0 = v128.load(ap, 0);
        const a1 = v128.load(ap, 16);
        s0 = madd32(a0, x0, s0);
        u0 = madd32(a0, x1, u0);
        s1 = madd32(a1, x0, s1);
        u1 = madd32(a1, x1, u1);
        const a2 = v128.load(ap, 32);
        const a3 = v128.load(ap, 48);
        s2 = madd32(a2, x0, s2);
        u2 = madd32(a2, x1, u2);
        s3 = madd32(a3, x0, s3);
        u3 = madd32(a3, x1, u3);
        ap += PANEL_BYTES;
      }
      const o = out + <usize>t * outRowBytes + <usize>p * PANEL_BYTES;
      v128.store(o, s0, 0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
      const o1 = o + outRowBytes;
      v128.store(o1, u0, 0); v128.store(o1, u1, 16); v128.store(o1, u2, 32); v128.store(o1, u3, 48);
    }
    if (t < T) {
      let s0 = b0, s1 = b1, s2 = b2, s3 = b3;
      let ap = panel;
      let xp = X + <usize>t * rowBytes;
      const xEnd = xp + rowBytes;
      for (; xp < xEnd; xp += 4) {
        const x0 = v128.load32_splat(xp, 0);
        s0 = madd32(v128.load(ap, 0), x0, s0);
        s1 = madd32(v128.load(ap, 16), x0, s1);
        s2 = madd32(v128.load(ap, 32), x0, s2);
        s3 = madd32(v128.load(ap, 48), x0, s3);
        ap += PANEL_BYTES;
      }
      const o = out + <usize>t * outRowBytes + <usize>p * PANEL_BYTES;
      v128.store(o, s0, 0); v128.store(o, s1, 16); v128.store(o, s2, 32); v128.store(o, s3, 48);
    }
  }
}

// exp on four lanes: Cody–Waite range reduction x = n·ln2 + r, |r| ≤ ln2/2, and the degree-6 minimax polynomial of
// Cephes expf (cephes/single/expf.c), then 2^n assembled in the exponent bits. Relative error ≈ 2e-7 (float32
// rounding); inputs are clamped to ±87 so that 2^n stays a normal float and the logistic saturates cleanly.
// @ts-ignore: decorator
@inline function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.add(r, f32x4.mul(n, f32x4.splat(2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(p, r), r), r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

// @ts-ignore: decorator
@inline function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

// tanh(x) = 1 − 2/(1 + e^{2x}): saturates to ±1 without overflow once exp4 clamps.
// @ts-ignore: decorator
@inline function tanh4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(one, exp4(f32x4.add(x, x)))));
}

/** Test hook: out[i] = exp, sigmoid or tanh of x[i] (kind 0, 1, 2), n a multiple of 4. */
export function activate32(kind: i32, x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const y = kind == 0 ? exp4(v) : kind == 1 ? sigmoid4(v) : tanh4(v);
    v128.store(out + (<usize>i << 2), y);
  }
}

// The step functions below read zx (this step's x·Wᵀ + bW) and zh (h·Rᵀ + bR) with gate blocks at g·H, and update
// h (and c) in place over Hp = H rounded up to 4 lanes. Lanes past H read the next block or padding and produce
// values nobody reads (the buffers carry 16 floats of slack).

/** LSTM, canonical gates i, f, c, o; σ and tanh. */
export function lstmStep32(zx: usize, zh: usize, H: i32, h: usize, c: usize): void {
  const gb = <usize>H << 2;
  for (let j: usize = 0; j < (<usize>H << 2); j += 16) {
    const i = sigmoid4(f32x4.add(v128.load(zx + j), v128.load(zh + j)));
    const f = sigmoid4(f32x4.add(v128.load(zx + gb + j), v128.load(zh + gb + j)));
    const g = tanh4(f32x4.add(v128.load(zx + 2 * gb + j), v128.load(zh + 2 * gb + j)));
    const o = sigmoid4(f32x4.add(v128.load(zx + 3 * gb + j), v128.load(zh + 3 * gb + j)));
    const cNew = f32x4.add(f32x4.mul(f, v128.load(c + j)), f32x4.mul(i, g));
    v128.store(c + j, cNew);
    v128.store(h + j, f32x4.mul(o, tanh4(cNew)));
  }
}

/** GRU with the reset gate after the recurrent product (Keras reset_after=True, PyTorch, ONNX lbr=1): z, r, n. */
export function gruStep32(zx: usize, zh: usize, H: i32, h: usize): void {
  const gb = <usize>H << 2;
  for (let j: usize = 0; j < gb; j += 16) {
    const z = sigmoid4(f32x4.add(v128.load(zx + j), v128.load(zh + j)));
    const r = sigmoid4(f32x4.add(v128.load(zx + gb + j), v128.load(zh + gb + j)));
    const n = tanh4(f32x4.add(v128.load(zx + 2 * gb + j), f32x4.mul(r, v128.load(zh + 2 * gb + j))));
    const hOld = v128.load(h + j);
    v128.store(h + j, f32x4.add(n, f32x4.mul(z, f32x4.sub(hOld, n))));
  }
}

/** GRU reset-before, first half: z and r from zh (z, r blocks only); writes r⊙h into rh and z into zOut. */
export function gruGates32(zx: usize, zh: usize, H: i32, h: usize, rh: usize, zOut: usize): void {
  const gb = <usize>H << 2;
  for (let j: usize = 0; j < gb; j += 16) {
    const z = sigmoid4(f32x4.add(v128.load(zx + j), v128.load(zh + j)));
    const r = sigmoid4(f32x4.add(v128.load(zx + gb + j), v128.load(zh + gb + j)));
    v128.store(zOut + j, z);
    v128.store(rh + j, f32x4.mul(r, v128.load(h + j)));
  }
}

/** GRU reset-before, second half: n = tanh(zx_n + zhn) with zhn = R_n·(r⊙h) + bR_n, then h = n + z⊙(h − n). */
export function gruUpdate32(zx: usize, zhn: usize, H: i32, z: usize, h: usize): void {
  const gb = <usize>H << 2;
  for (let j: usize = 0; j < gb; j += 16) {
    const n = tanh4(f32x4.add(v128.load(zx + 2 * gb + j), v128.load(zhn + j)));
    const hOld = v128.load(h + j);
    v128.store(h + j, f32x4.add(n, f32x4.mul(v128.load(z + j), f32x4.sub(hOld, n))));
  }
}

/** SimpleRNN: h = tanh(zx + zh), or relu when relu != 0 (PyTorch nonlinearity='relu'). */
export function rnnStep32(zx: usize, zh: usize, H: i32, h: usize, relu: i32): void {
  const gb = <usize>H << 2;
  for (let j: usize = 0; j < gb; j += 16) {
    const s = f32x4.add(v128.load(zx + j), v128.load(zh + j));
    v128.store(h + j, relu != 0 ? f32x4.max(s, f32x4.splat(0)) : tanh4(s));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// float64 exp, σ and tanh, two lanes at a time, bit for bit equal to V8's Math.exp and Math.tanh
//
// V8 computes Math.exp and Math.tanh with fdlibm's algorithms (v8/src/base/ieee754.cc: exp, expm1, tanh; error
// < 1 ulp). The functions below evaluate the same algorithms with every branch turned into a lane select: each lane
// performs the same IEEE operations on the same operands in the same order as the scalar code, so it rounds the same
// way and the results are identical (test/core/kernels/activations64.test.ts compares millions of points with
// Math.exp / Math.tanh). No fused multiply-add is used here, in either build.


// The constants, in a static table: V8 builds an f64x2.splat of a constant from a general register each time it is
// used (three instructions); v128.load64_splat from memory is one. Comments give the fdlibm names. The thresholds are
// |x| > 0.5·ln2 (high word above 0x3FD62E42), |x| < 1.5·ln2 (below 0x3FF0A2B2), |x| < 2^-28 (below 0x3E300000).
const CONSTANTS64 = memory.data<f64>([
  -1.0, // MINUS_ONE
  1.0, // ONE
  0.0, // ZERO
  1.44269504088896338700e+00, // INV_LN2
  0.5, // HALF
  1.0397205352783203, // BELOW_THREE_HALVES_LN2
  0.3465735912322998, // ABOVE_HALF_LN2
  6.93147180369123816490e-01, // LN2_HI
  1.90821492927058770002e-10, // LN2_LO
  -1.65339022054652515390e-06, // P4
  4.13813679705723846039e-08, // P5
  6.61375632143793436117e-05, // P3
  -2.77777777770155933842e-03, // P2
  1.66666666666666019037e-01, // P1
  2.0, // TWO
  1024.0, // K_OVERFLOW
  -1021.0, // K_SUBNORMAL
  1023.0, // K_MAX
  1000.0, // K_SHIFT
  9.33263618503218878990e-302, // TWO_M1000
  3.725290298461914e-09, // TWO_M28
  2.718281828459045, // E
  Infinity, // INFINITY
  7.09782712893383973096e+02, // O_THRESHOLD
  -7.45133219101941108420e+02, // U_THRESHOLD
  4.00821782732936239552e-06, // Q4
  -2.01099218183624371326e-07, // Q5
  -7.93650757867487942473e-05, // Q3
  1.58730158725481460165e-03, // Q2
  -3.33333333333331316428e-02, // Q1
  3.0, // THREE
  6.0, // SIX
  -2.0, // MINUS_TWO
  -0.25, // MINUS_QUARTER
  20.0, // TWENTY
  56.0, // FIFTY_SIX
  22.0, // TWENTY_TWO
  6755399441056767.0, // POW2_SHIFT = 1.5·2^52 + 1023
  708.0, // EXP_ORDINARY: |x| ≤ 708 keeps k in [−1021, 1021], where 2^k is a normal number
  6.5, // TANH_BELOW20: 1 ≤ |x| < 6.5 gives expm1(2|x|) a k in [3, 19]
]);

// @ts-ignore: decorator
@inline const MINUS_ONE: i32 = 0;
// @ts-ignore: decorator
@inline const ONE: i32 = 1;
// @ts-ignore: decorator
@inline const ZERO: i32 = 2;
// @ts-ignore: decorator
@inline const INV_LN2: i32 = 3;
// @ts-ignore: decorator
@inline const HALF: i32 = 4;
// @ts-ignore: decorator
@inline const BELOW_THREE_HALVES_LN2: i32 = 5;
// @ts-ignore: decorator
@inline const ABOVE_HALF_LN2: i32 = 6;
// @ts-ignore: decorator
@inline const LN2_HI: i32 = 7;
// @ts-ignore: decorator
@inline const LN2_LO: i32 = 8;
// @ts-ignore: decorator
@inline const P4: i32 = 9;
// @ts-ignore: decorator
@inline const P5: i32 = 10;
// @ts-ignore: decorator
@inline const P3: i32 = 11;
// @ts-ignore: decorator
@inline const P2: i32 = 12;
// @ts-ignore: decorator
@inline const P1: i32 = 13;
// @ts-ignore: decorator
@inline const TWO: i32 = 14;
// @ts-ignore: decorator
@inline const K_OVERFLOW: i32 = 15;
// @ts-ignore: decorator
@inline const K_SUBNORMAL: i32 = 16;
// @ts-ignore: decorator
@inline const K_MAX: i32 = 17;
// @ts-ignore: decorator
@inline const K_SHIFT: i32 = 18;
// @ts-ignore: decorator
@inline const TWO_M1000: i32 = 19;
// @ts-ignore: decorator
@inline const TWO_M28: i32 = 20;
// @ts-ignore: decorator
@inline const E: i32 = 21;
// @ts-ignore: decorator
@inline const INFINITY: i32 = 22;
// @ts-ignore: decorator
@inline const O_THRESHOLD: i32 = 23;
// @ts-ignore: decorator
@inline const U_THRESHOLD: i32 = 24;
// @ts-ignore: decorator
@inline const Q4: i32 = 25;
// @ts-ignore: decorator
@inline const Q5: i32 = 26;
// @ts-ignore: decorator
@inline const Q3: i32 = 27;
// @ts-ignore: decorator
@inline const Q2: i32 = 28;
// @ts-ignore: decorator
@inline const Q1: i32 = 29;
// @ts-ignore: decorator
@inline const THREE: i32 = 30;
// @ts-ignore: decorator
@inline const SIX: i32 = 31;
// @ts-ignore: decorator
@inline const MINUS_TWO: i32 = 32;
// @ts-ignore: decorator
@inline const MINUS_QUARTER: i32 = 33;
// @ts-ignore: decorator
@inline const TWENTY: i32 = 34;
// @ts-ignore: decorator
@inline const FIFTY_SIX: i32 = 35;
// @ts-ignore: decorator
@inline const TWENTY_TWO: i32 = 36;
// @ts-ignore: decorator
@inline const POW2_SHIFT: i32 = 37;
// @ts-ignore: decorator
@inline const EXP_ORDINARY: i32 = 38;
// @ts-ignore: decorator
@inline const TANH_BELOW20: i32 = 39;

// a where the mask lane is all ones, else b (masks from comparisons). Relaxed SIMD's lane select is one instruction
// (blendvpd) where bitselect is three; for such masks both give the same lanes.
// @ts-ignore: decorator
@inline function select64(a: v128, b: v128, m: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i64x2.relaxed_laneselect(a, b, m);
  return v128.bitselect(a, b, m);
}

// @ts-ignore: decorator
@inline function c64(index: i32): v128 {
  return v128.load64_splat(CONSTANTS64 + (<usize>index << 3));
}

// 2^k for lanes holding whole numbers k in [-1023, 1024]: k + 1.5·2^52 + 1023 carries k + 1023 in its low mantissa
// bits, which the shift moves into the exponent field (one add and one shift; the conversion instructions cost more).
// @ts-ignore: decorator
@inline function pow2(k: v128): v128 {
  return i64x2.shl(f64x2.add(k, c64(POW2_SHIFT)), 52);
}

// The reduction x = k·ln2 + (hi − lo) shared by exp and expm1; returns k (0 where |x| ≤ 0.5·ln2).
// @ts-ignore: decorator
@inline function reductionK(x: v128): v128 {
  const ax = f64x2.abs(x);
  const sgn = select64(c64(MINUS_ONE), c64(ONE), f64x2.lt(x, c64(ZERO)));
  let k = f64x2.trunc(f64x2.add(f64x2.mul(c64(INV_LN2), x), f64x2.mul(c64(HALF), sgn)));
  k = select64(sgn, k, f64x2.lt(ax, c64(BELOW_THREE_HALVES_LN2)));
  return select64(k, c64(ZERO), f64x2.ge(ax, c64(ABOVE_HALF_LN2)));
}

/** e^x (fdlibm e_exp.c as in V8, which returns the correctly rounded e for x = 1). */
// @ts-ignore: decorator
@inline function exp2v(x: v128): v128 {
  const k = reductionK(x);
  // Where k = 0, hi = x − 0 = x and lo = +0, and the k ≠ 0 formula below reduces to fdlibm's k = 0 one.
  const hi = f64x2.sub(x, f64x2.mul(k, c64(LN2_HI)));
  const lo = f64x2.mul(k, c64(LN2_LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = f64x2.add(c64(P4), f64x2.mul(t, c64(P5)));
  p = f64x2.add(c64(P3), f64x2.mul(t, p));
  p = f64x2.add(c64(P2), f64x2.mul(t, p));
  p = f64x2.add(c64(P1), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(c64(TWO), c));
  let y = f64x2.sub(c64(ONE), f64x2.sub(f64x2.sub(lo, q), hi));
  // The usual case, both lanes 2^-28 ≤ |x| ≤ 708 and x ≠ 1: 2^k is a normal number and no special case applies, so
  // the general scaling below would multiply by 1, by 2^k and by 1 and select nothing: the same bits, 15 operations
  // fewer (one predictable branch per pair of units).
  const ax = f64x2.abs(x);
  const ordinary = v128.and(v128.and(f64x2.ge(ax, c64(TWO_M28)), f64x2.le(ax, c64(EXP_ORDINARY))), f64x2.ne(x, c64(ONE)));
  if (i64x2.all_true(ordinary)) return f64x2.mul(y, pow2(k));
  // Scale by 2^k; k = 1024 as (y·2)·2^1023, k < −1021 as (y·2^(k+1000))·2^−1000, multiplying by 1 elsewhere.
  const top = f64x2.eq(k, c64(K_OVERFLOW));
  const tiny = f64x2.lt(k, c64(K_SUBNORMAL));
  const kk = select64(c64(K_MAX), select64(f64x2.add(k, c64(K_SHIFT)), k, tiny), top);
  y = f64x2.mul(y, select64(c64(TWO), c64(ONE), top));
  y = f64x2.mul(y, pow2(kk));
  y = f64x2.mul(y, select64(c64(TWO_M1000), c64(ONE), tiny));
  y = select64(f64x2.add(c64(ONE), x), y, f64x2.lt(ax, c64(TWO_M28)));
  y = select64(c64(E), y, f64x2.eq(x, c64(ONE)));
  y = select64(c64(INFINITY), y, f64x2.gt(x, c64(O_THRESHOLD)));
  return select64(c64(ZERO), y, f64x2.lt(x, c64(U_THRESHOLD)));
}

// e^x − 1 (fdlibm s_expm1.c as in V8), in pieces so that tanh can evaluate only the branches its arguments reach.
// Every piece performs fdlibm's operations in fdlibm's order; a lane's result does not depend on which pieces run.

// @ts-ignore: decorator
@inline function expm1Hi(x: v128, k: v128): v128 {
  return f64x2.sub(x, f64x2.mul(k, c64(LN2_HI)));
}

// @ts-ignore: decorator
@inline function expm1Lo(k: v128): v128 {
  return f64x2.mul(k, c64(LN2_LO));
}

/** fdlibm's e: the correction term of the rational approximation on the reduced argument r (hfx = r/2, hxs = r·hfx). */
// @ts-ignore: decorator
@inline function expm1E(r: v128, hfx: v128, hxs: v128): v128 {
  let p = f64x2.add(c64(Q4), f64x2.mul(hxs, c64(Q5)));
  p = f64x2.add(c64(Q3), f64x2.mul(hxs, p));
  p = f64x2.add(c64(Q2), f64x2.mul(hxs, p));
  p = f64x2.add(c64(Q1), f64x2.mul(hxs, p));
  const r1 = f64x2.add(c64(ONE), f64x2.mul(hxs, p));
  const t = f64x2.sub(c64(THREE), f64x2.mul(r1, hfx));
  return f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(c64(SIX), f64x2.mul(r, t))));
}

/** fdlibm's e after `e = x*(e-c) - c; e -= hxs` (the k ≠ 0 cases). */
// @ts-ignore: decorator
@inline function expm1E2(r: v128, e: v128, c: v128, hxs: v128): v128 {
  return f64x2.sub(f64x2.sub(f64x2.mul(r, f64x2.sub(e, c)), c), hxs);
}

// The k-specific results: k = 0, k = −1, k ≤ −2 or k > 56, 2 ≤ k < 20, 20 ≤ k ≤ 56.
// @ts-ignore: decorator
@inline function expm1AtZero(r: v128, e: v128, hxs: v128): v128 {
  return f64x2.sub(r, f64x2.sub(f64x2.mul(r, e), hxs));
}

// @ts-ignore: decorator
@inline function expm1AtMinusOne(r: v128, e2: v128): v128 {
  return f64x2.sub(f64x2.mul(c64(HALF), f64x2.sub(r, e2)), c64(HALF));
}

// @ts-ignore: decorator
@inline function expm1Far(r: v128, e2: v128, twopk: v128): v128 {
  const one = c64(ONE);
  return f64x2.sub(f64x2.mul(f64x2.sub(one, f64x2.sub(e2, r)), twopk), one);
}

// @ts-ignore: decorator
@inline function expm1Below20(r: v128, e2: v128, k: v128, twopk: v128): v128 {
  return f64x2.mul(f64x2.sub(f64x2.sub(c64(ONE), pow2(f64x2.neg(k))), f64x2.sub(e2, r)), twopk);
}

/**
 * e^x − 1 for the arguments tanh gives it: 2^-27 ≤ |x| < 2 when negative, 2 ≤ x < 44 when positive (the
 * x < −56·ln2, overflow and non-finite branches are never reached from there).
 */
// @ts-ignore: decorator
@inline function expm1v(x: v128): v128 {
  const k = reductionK(x);
  const hi = expm1Hi(x, k);
  const lo = expm1Lo(k);
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const one = c64(ONE);
  const hfx = f64x2.mul(c64(HALF), r);
  const hxs = f64x2.mul(r, hfx);
  const e = expm1E(r, hfx, hxs);
  const atZero = expm1AtZero(r, e, hxs);
  const e2 = expm1E2(r, e, c, hxs);
  const atMinusOne = expm1AtMinusOne(r, e2);
  const atOne = select64(
    f64x2.mul(c64(MINUS_TWO), f64x2.sub(e2, f64x2.add(r, c64(HALF)))),
    f64x2.add(one, f64x2.mul(c64(TWO), f64x2.sub(r, e2))),
    f64x2.lt(r, c64(MINUS_QUARTER)),
  );
  const twopk = pow2(k);
  const twomk = pow2(f64x2.neg(k));
  const far = expm1Far(r, e2, twopk);
  const below20 = expm1Below20(r, e2, k, twopk);
  const from20 = f64x2.mul(f64x2.add(f64x2.sub(r, f64x2.add(e2, twomk)), one), twopk);
  let y = select64(below20, from20, f64x2.lt(k, c64(TWENTY)));
  y = select64(far, y, v128.or(f64x2.le(k, c64(MINUS_TWO)), f64x2.gt(k, c64(FIFTY_SIX))));
  y = select64(atOne, y, f64x2.eq(k, one));
  y = select64(atMinusOne, y, f64x2.eq(k, c64(MINUS_ONE)));
  return select64(atZero, y, f64x2.eq(k, c64(ZERO)));
}

/**
 * tanh of lanes with 2^-28 ≤ |x| < 1: −t/(t + 2) with t = expm1(−2|x|), whose k is 0, −1, −2 or −3, so only the
 * k = 0, k = −1 and k ≤ −2 results are needed (the same operations as expm1v's for those lanes).
 */
// @ts-ignore: decorator
@inline function tanhSmall(ax: v128): v128 {
  const u = f64x2.mul(c64(MINUS_TWO), ax);
  const k = reductionK(u);
  const hi = expm1Hi(u, k);
  const lo = expm1Lo(k);
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const hfx = f64x2.mul(c64(HALF), r);
  const hxs = f64x2.mul(r, hfx);
  const e = expm1E(r, hfx, hxs);
  const e2 = expm1E2(r, e, c, hxs);
  let t = select64(expm1AtMinusOne(r, e2), expm1Far(r, e2, pow2(k)), f64x2.eq(k, c64(MINUS_ONE)));
  t = select64(expm1AtZero(r, e, hxs), t, f64x2.eq(k, c64(ZERO)));
  return f64x2.div(f64x2.neg(t), f64x2.add(t, c64(TWO)));
}

/** tanh of lanes with 1 ≤ |x| < 6.5: 1 − 2/(t + 2) with t = expm1(2|x|), whose k is in [3, 19] (one branch). */
// @ts-ignore: decorator
@inline function tanhMedium(ax: v128): v128 {
  const u = f64x2.mul(c64(TWO), ax);
  const k = reductionK(u);
  const hi = expm1Hi(u, k);
  const lo = expm1Lo(k);
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const hfx = f64x2.mul(c64(HALF), r);
  const hxs = f64x2.mul(r, hfx);
  const e = expm1E(r, hfx, hxs);
  const t = expm1Below20(r, expm1E2(r, e, c, hxs), k, pow2(k));
  return f64x2.sub(c64(ONE), f64x2.div(c64(TWO), f64x2.add(t, c64(TWO))));
}

/**
 * tanh of lanes with 2^-28 ≤ |x| < 6.5 that are not all on one side of 1 (one lane of each range): one reduction of
 * ±2|x|, then per lane the branch tanhSmall or tanhMedium would take (k = 0, −1, ≤ −2 below 1; 3 ≤ k < 20 above),
 * and the general path's shared division. The same operations per lane as the general path, in about 2/3 of them.
 */
// @ts-ignore: decorator
@inline function tanhMixed(ax: v128, large: v128): v128 {
  const u = select64(f64x2.mul(c64(TWO), ax), f64x2.mul(c64(MINUS_TWO), ax), large);
  const k = reductionK(u);
  const hi = expm1Hi(u, k);
  const lo = expm1Lo(k);
  const r = f64x2.sub(hi, lo);
  const c = f64x2.sub(f64x2.sub(hi, r), lo);
  const hfx = f64x2.mul(c64(HALF), r);
  const hxs = f64x2.mul(r, hfx);
  const e = expm1E(r, hfx, hxs);
  const e2 = expm1E2(r, e, c, hxs);
  const twopk = pow2(k);
  let t = select64(expm1AtMinusOne(r, e2), expm1Far(r, e2, twopk), f64x2.eq(k, c64(MINUS_ONE)));
  t = select64(expm1AtZero(r, e, hxs), t, f64x2.eq(k, c64(ZERO)));
  t = select64(expm1Below20(r, e2, k, twopk), t, large);
  const d = f64x2.div(select64(c64(TWO), f64x2.neg(t), large), f64x2.add(t, c64(TWO)));
  return select64(f64x2.sub(c64(ONE), d), d, large);
}

/**
 * tanh (fdlibm s_tanh.c as in V8). When both lanes fall in one of the two usual ranges (2^-28 ≤ |x| < 1, or
 * 1 ≤ |x| < 6.5), only that range's branch of expm1 is evaluated: the same bits as the general path, in about 60%
 * of its operations.
 */
// @ts-ignore: decorator
@inline function tanh2v(x: v128): v128 {
  const ax = f64x2.abs(x);
  const negative = i64x2.shr_s(x, 63);
  const belowOne = f64x2.lt(ax, c64(ONE));
  if (i64x2.all_true(v128.and(belowOne, f64x2.ge(ax, c64(TWO_M28))))) {
    const z = tanhSmall(ax);
    return select64(f64x2.neg(z), z, negative);
  }
  const belowMedium = f64x2.lt(ax, c64(TANH_BELOW20));
  if (i64x2.all_true(v128.andnot(belowMedium, belowOne))) {
    const z = tanhMedium(ax);
    return select64(f64x2.neg(z), z, negative);
  }
  const large = f64x2.ge(ax, c64(ONE));
  if (i64x2.all_true(v128.and(belowMedium, f64x2.ge(ax, c64(TWO_M28))))) {
    const z = tanhMixed(ax, large);
    return select64(f64x2.neg(z), z, negative);
  }
  const t = expm1v(select64(f64x2.mul(c64(TWO), ax), f64x2.mul(c64(MINUS_TWO), ax), large));
  // |x| ≥ 1: 1 − 2/(t + 2); else −t/(t + 2): one division for both.
  const d = f64x2.div(select64(c64(TWO), f64x2.neg(t), large), f64x2.add(t, c64(TWO)));
  let z = select64(f64x2.sub(c64(ONE), d), d, large);
  z = select64(c64(ONE), z, f64x2.ge(ax, c64(TWENTY_TWO)));
  z = select64(ax, z, f64x2.lt(ax, c64(TWO_M28)));
  return select64(f64x2.neg(z), z, negative);
}

/** 1/(1 + e^−x), as forward.ts writes it. */
// @ts-ignore: decorator
@inline function sigmoid2v(x: v128): v128 {
  const one = c64(ONE);
  return f64x2.div(one, f64x2.add(one, exp2v(f64x2.neg(x))));
}

/** Test hook: out[i] = e^x, σ(x) or tanh(x) of x[i] (kind 0, 1, 2) for i < n, n even. */
export function activate64(kind: i32, x: usize, n: i32, out: usize): void {
  for (let i = 0; i < n; i += 2) {
    const v = v128.load(x + (<usize>i << 3));
    const y = kind == 0 ? exp2v(v) : kind == 1 ? sigmoid2v(v) : tanh2v(v);
    v128.store(out + (<usize>i << 3), y);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The float64 standard cells over a whole sequence (forward.ts runSingleSequence with these kernels)
//
// Per step: the recurrent product (gemv64, into a padded scratch row), then the cell with the expressions of
// forward.ts' fused steps (same operations, same order, the activations above), writing every trace row in place:
// zx and zh (copied while they are read), z, a, c, h, and the output row. Units go two at a time; an odd last unit
// stores lane 0 only (its loads read 8 bytes past the block: every region carries slack).
// The cell runs in passes with one activation per loop iteration: first each gate block's σ or tanh, then the state
// update (LSTM: c and tanh(c); GRU: the candidate's tanh, which needs r, and h). Each activation is a long chain of
// dependent operations (fdlibm's exp/expm1 with two divisions); one pass per unit with all of a unit's activations
// chained through r → n or c → tanh(c) left the out-of-order core waiting on that chain, whereas short independent
// iterations overlap (the same operations on the same values, so the same bits).

// @ts-ignore: decorator
@inline function put(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else v128.store64_lane(p, v, 0);
}

/**
 * Units j, j+1 of one gate block (all pointers at the block): copies zx, zh into the trace, z = zx + zh (+ the
 * forget bias when `withBias`), a = tanh(z) when `candidate`, else σ(z).
 */
// @ts-ignore: decorator
@inline function gateUnits(
  j: usize, full: bool, x: usize, zh: usize, tzx: usize, tzh: usize, tz: usize, ta: usize, withBias: bool, fb: f64, candidate: bool,
): void {
  const xv = v128.load(x + j), hv = v128.load(zh + j);
  put(tzx + j, xv, full); put(tzh + j, hv, full);
  let z = f64x2.add(xv, hv);
  if (withBias) z = f64x2.add(z, f64x2.splat(fb));
  put(tz + j, z, full);
  put(ta + j, candidate ? tanh2v(z) : sigmoid2v(z), full);
}

/** Every unit of one gate block (pointers at the block; gb bytes per block). */
// @ts-ignore: decorator
@inline function gateBlock(
  gb: usize, pairsEnd: usize, tail: bool, x: usize, zh: usize, tzx: usize, tzh: usize, tz: usize, ta: usize, withBias: bool, fb: f64, candidate: bool,
): void {
  for (let j: usize = 0; j < pairsEnd; j += 16) gateUnits(j, true, x, zh, tzx, tzh, tz, ta, withBias, fb, candidate);
  if (tail) gateUnits(pairsEnd, false, x, zh, tzx, tzh, tz, ta, withBias, fb, candidate);
}

/** LSTM state of units j, j+1 from the activations i, f, g, o in ta: c = f·c' + i·g, h = tanh(c)·o. */
// @ts-ignore: decorator
@inline function lstmState(j: usize, full: bool, gb: usize, ta: usize, cPrev: usize, tc: usize, th: usize, out: usize): void {
  const i = v128.load(ta + j), f = v128.load(ta + gb + j), g = v128.load(ta + 2 * gb + j), o = v128.load(ta + 3 * gb + j);
  const c = f64x2.add(f64x2.mul(f, v128.load(cPrev + j)), f64x2.mul(i, g));
  put(tc + j, c, full);
  const h = f64x2.mul(tanh2v(c), o);
  put(th + j, h, full);
  put(out + j, h, full);
}

/**
 * GRU (reset after) candidate and state of units j, j+1, with u and r already in ta: n = tanh(x_n + r·(zh_n)),
 * h = u·h' + (1 − u)·n.
 */
// @ts-ignore: decorator
@inline function gruState(
  j: usize, full: bool, gb: usize, zx: usize, zh: usize, hPrev: usize, tzx: usize, tzh: usize, tz: usize, ta: usize, th: usize, out: usize,
): void {
  const nb = 2 * gb;
  const xn = v128.load(zx + nb + j), hn = v128.load(zh + nb + j);
  put(tzx + nb + j, xn, full); put(tzh + nb + j, hn, full);
  const u = v128.load(ta + j), r = v128.load(ta + gb + j);
  const zn = f64x2.add(xn, f64x2.mul(r, hn));
  const n = tanh2v(zn);
  put(tz + nb + j, zn, full);
  put(ta + nb + j, n, full);
  const h = f64x2.add(f64x2.mul(u, v128.load(hPrev + j)), f64x2.mul(f64x2.sub(c64(ONE), u), n));
  put(th + j, h, full);
  put(out + j, h, full);
}

// @ts-ignore: decorator
@inline function rnnUnits(j: usize, full: bool, zx: usize, zh: usize, tzx: usize, tzh: usize, tz: usize, ta: usize, th: usize, out: usize): void {
  const x = v128.load(zx + j), hh = v128.load(zh + j);
  put(tzx + j, x, full); put(tzh + j, hh, full);
  const z = f64x2.add(x, hh);
  const v = tanh2v(z);
  put(tz + j, z, full); put(ta + j, v, full); put(th + j, v, full); put(out + j, v, full);
}

/**
 * Runs steps [from, to) of a `len`-step sequence through a standard cell (0 LSTM σ/tanh, 1 GRU reset-after, 2 tanh
 * RNN). The caller may run a sequence in pieces: the next piece starts from hFinal/cFinal of the one before.
 *   R, panels, bR   the recurrent matrix (G·H × H) packed for gemv64 (12-row panels) and its bias (0 = none)
 *   zx              x·Wᵀ + bW for every time step, rows of G·H rounded up to 8 (gemm64's output)
 *   h0, c0          the state before step `from` (may be hFinal, cFinal)
 *   out             output rows of H; row (processingOrder ? s : t) for step s at time t
 *   trace           1: trace rows at trZx … trC (rows of G·H, H) and time indices at trT, row s − from for step s;
 *                   0: those pointers are ignored and `work` holds the step's rows
 *   work            scratch: panels·12 + 4·G·H + 4·H doubles plus slack
 *   hFinal, cFinal  receive the state after the last step
 */
export function sequence64(
  cell: i32, H: i32, panels: i32, R: usize, bR: usize, zx: usize, len: i32, from: i32, to: i32, reverse: i32, processingOrder: i32, forgetBias: f64,
  h0: usize, c0: usize, out: usize, trace: i32, trZx: usize, trZh: usize, trZ: usize, trA: usize, trH: usize, trC: usize, trT: usize,
  work: usize, hFinal: usize, cFinal: usize,
): void {
  const G: usize = cell == 0 ? 4 : cell == 1 ? 3 : 1;
  const gb = <usize>H << 3;
  const rowG = G * gb;
  // zx rows come from gemm64 (8-row panels); zh from gemv64 (12-row panels).
  const zxStride = ((G * <usize>H + 7) >> 3) * PANEL_BYTES;
  const zh = work;
  // Without a trace: one row each for zx, zh, z, a, and two alternating rows for h and c.
  const sZx = zh + <usize>panels * GEMV_PANEL_BYTES + 16, sZh = sZx + rowG + 16, sZ = sZh + rowG + 16, sA = sZ + rowG + 16;
  const sH = sA + rowG + 16, sC = sH + 2 * (gb + 16);
  const tail = (gb & 8) != 0; // H odd
  const pairsEnd = gb & ~(<usize>15);
  let hPrev = h0, cPrev = c0;
  for (let s = from; s < to; s++) {
    const t = reverse != 0 ? len - 1 - s : s;
    gemv64(R, panels, H, hPrev, bR, zh);
    const x = zx + <usize>t * zxStride;
    const o = out + <usize>(processingOrder != 0 ? s : t) * gb;
    let tzx = sZx, tzh = sZh, tz = sZ, ta = sA;
    let th = sH + <usize>(s & 1) * (gb + 16), tc = sC + <usize>(s & 1) * (gb + 16);
    if (trace != 0) {
      const row = <usize>(s - from);
      const g = row * rowG;
      tzx = trZx + g; tzh = trZh + g; tz = trZ + g; ta = trA + g;
      th = trH + row * gb; tc = trC + row * gb;
      store<i32>(trT + (row << 2), t);
    }
    if (cell == 0) {
      gateBlock(gb, pairsEnd, tail, x, zh, tzx, tzh, tz, ta, false, 0, false);
      gateBlock(gb, pairsEnd, tail, x + gb, zh + gb, tzx + gb, tzh + gb, tz + gb, ta + gb, forgetBias != 0, forgetBias, false);
      gateBlock(gb, pairsEnd, tail, x + 2 * gb, zh + 2 * gb, tzx + 2 * gb, tzh + 2 * gb, tz + 2 * gb, ta + 2 * gb, false, 0, true);
      gateBlock(gb, pairsEnd, tail, x + 3 * gb, zh + 3 * gb, tzx + 3 * gb, tzh + 3 * gb, tz + 3 * gb, ta + 3 * gb, false, 0, false);
      for (let j: usize = 0; j < pairsEnd; j += 16) lstmState(j, true, gb, ta, cPrev, tc, th, o);
      if (tail) lstmState(pairsEnd, false, gb, ta, cPrev, tc, th, o);
      cPrev = tc;
    } else if (cell == 1) {
      gateBlock(gb, pairsEnd, tail, x, zh, tzx, tzh, tz, ta, false, 0, false);
      gateBlock(gb, pairsEnd, tail, x + gb, zh + gb, tzx + gb, tzh + gb, tz + gb, ta + gb, false, 0, false);
      for (let j: usize = 0; j < pairsEnd; j += 16) gruState(j, true, gb, x, zh, hPrev, tzx, tzh, tz, ta, th, o);
      if (tail) gruState(pairsEnd, false, gb, x, zh, hPrev, tzx, tzh, tz, ta, th, o);
    } else {
      for (let j: usize = 0; j < pairsEnd; j += 16) rnnUnits(j, true, x, zh, tzx, tzh, tz, ta, th, o);
      if (tail) rnnUnits(pairsEnd, false, x, zh, tzx, tzh, tz, ta, th, o);
    }
    hPrev = th;
  }
  for (let j: usize = 0; j < gb; j += 8) store<f64>(hFinal + j, load<f64>(hPrev + j));
  if (cell == 0) for (let j: usize = 0; j < gb; j += 8) store<f64>(cFinal + j, load<f64>(cPrev + j));
}

// ---------------------------------------------------------------------------------------------------------------
// Packing (PackedCache.pack in ../wasm.ts): the row-major (rows × cols) float64 matrix at `src` into panels of R
// rows, column k of panel p as R consecutive numbers, rows past `rows` zero. Here rather than in JavaScript because a
// one-shot CLI run packs each matrix once: the JavaScript loop ran interpreted until V8 optimised it, and the
// optimising compile alone took ~8 ms of a background thread. The writes run through `dst` in order; the reads keep R
// rows' cache lines in use.

// @ts-ignore: decorator
@inline function packPanels<T>(src: usize, rows: i32, cols: i32, R: i32, dst: usize): void {
  const rowBytes = <usize>cols << 3;
  const size = <usize>sizeof<T>();
  let d = dst;
  for (let first = 0; first < rows; first += R) {
    const n = min(R, rows - first);
    const panel = src + <usize>first * rowBytes;
    for (let k = 0; k < cols; k++) {
      let s = panel + (<usize>k << 3);
      let i = 0;
      for (; i < n; i++, s += rowBytes) store<T>(d + <usize>i * size, <T>load<f64>(s));
      for (; i < R; i++) store<T>(d + <usize>i * size, <T>0);
      d += <usize>R * size;
    }
  }
}

export function pack64(src: usize, rows: i32, cols: i32, R: i32, dst: usize): void {
  packPanels<f64>(src, rows, cols, R, dst);
}

/** pack64 into float32 panels: each value rounded to the nearest float32, as a store into a Float32Array does. */
export function pack32(src: usize, rows: i32, cols: i32, R: i32, dst: usize): void {
  packPanels<f32>(src, rows, cols, R, dst);
}

/**
 * dst ← columns [colStart, colStart + width) of the (rows × totalCols) row-major float64 matrix at src, transposed
 * (width × rows): columnsToCanonical's gate blocks (../../conventions/layout.ts), eight source rows at a time so each
 * source cache line serves consecutive columns. In the module for the reason pack64 is.
 */
export function transposeColumns64(src: usize, totalCols: i32, rows: i32, colStart: i32, width: i32, dst: usize): void {
  const rowBytes = <usize>totalCols << 3;
  for (let j0 = 0; j0 < rows; j0 += 8) {
    const j1 = min(rows, j0 + 8);
    for (let m = 0; m < width; m++) {
      let s = src + <usize>j0 * rowBytes + (<usize>(colStart + m) << 3);
      let d = dst + ((<usize>m * <usize>rows + <usize>j0) << 3);
      for (let j = j0; j < j1; j++, s += rowBytes, d += 8) store<f64>(d, load<f64>(s));
    }
  }
}
