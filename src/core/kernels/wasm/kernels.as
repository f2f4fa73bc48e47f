// AssemblyScript source of Gate Lens' WebAssembly SIMD kernels, compiled by scripts/build.mjs (asc compileString)
// into kernels.wasm, which esbuild embeds into every bundle. The extension is .as, not .ts, so that the project's
// TypeScript and ESLint passes (which do not know v128, f64x2 …) leave it alone.
//
// The module owns no heap: the JavaScript side (../wasm.ts) lays out every buffer in linear memory and passes byte
// offsets. Weights are stored once in a packed panel layout chosen for these loops:
//   panel p holds rows [R·p, R·p + R) of the (M × K) row-major matrix; inside a panel, column k is R consecutive
//   numbers, so one k step reads 64 contiguous bytes (R = 8 f64 = 4 × f64x2, or R = 16 f32 = 4 × f32x4).
// Rows past M are zero, so the kernels never need a row remainder; every k is processed one (or two) at a time, so
// odd K needs no special case either. Outputs are written with the padded row stride (panels · R).
//
// relaxed-simd (fused multiply-add) is not enabled by default in Node 20, so products and sums are separate
// instructions; the accumulators are independent so the adds pipeline. V8 keeps only about a dozen v128 values
// in registers: the blockings below (4 accumulators for gemv, 8 for gemm) are the fastest measured.

const PANEL_BYTES: usize = 64;

// c + a·b. The same source is compiled twice (scripts/build-wasm.mjs): plain SIMD, and with relaxed-simd, where
// this becomes one fused multiply-add (Chrome ≥ 114 and Electron, i.e. the VS Code desktop host; Node 20 only behind
// --experimental-wasm-relaxed-simd). The loader picks the relaxed build where the host validates it.
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

/**
 * out[0 .. panels·8) = bias + A·x; bias = 0 means no bias. One k per iteration into four accumulators: measured
 * under V8 (Node 20), this beats two k per iteration into eight accumulators by 1.5× (the larger set spills).
 */
export function gemv64(a: usize, panels: i32, K: i32, x: usize, bias: usize, out: usize): void {
  const xEnd = x + (<usize>K << 3);
  for (let p = 0; p < panels; p++) {
    let s0 = f64x2.splat(0), s1 = s0, s2 = s0, s3 = s0;
    if (bias != 0) {
      s0 = v128.load(bias, 0); s1 = v128.load(bias, 16); s2 = v128.load(bias, 32); s3 = v128.load(bias, 48);
      bias += PANEL_BYTES;
    }
    let ap = a + <usize>p * <usize>K * PANEL_BYTES;
    for (let xp = x; xp < xEnd; xp += 8) {
      const x0 = v128.load64_splat(xp);
      s0 = madd64(v128.load(ap, 0), x0, s0);
      s1 = madd64(v128.load(ap, 16), x0, s1);
      s2 = madd64(v128.load(ap, 32), x0, s2);
      s3 = madd64(v128.load(ap, 48), x0, s3);
      ap += PANEL_BYTES;
    }
    v128.store(out, s0, 0); v128.store(out, s1, 16); v128.store(out, s2, 32); v128.store(out, s3, 48);
    out += PANEL_BYTES;
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
