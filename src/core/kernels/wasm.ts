// WebAssembly SIMD implementation of the Kernels interface, plus the small runtime (linear-memory layout, weight
// cache) that fast32.ts shares. The module is compiled from ./wasm/kernels.as at build time and embedded as bytes,
// so this file works the same in Node, a browser, a webview and a worker. Where WebAssembly or its SIMD extension is
// missing, wasmKernels() returns undefined and the caller keeps the plain JavaScript kernels.

import kernelBytes from './wasm/kernels.wasm';
import relaxedKernelBytes from './wasm/kernels-relaxed.wasm';
import { useModuleTranspose } from '../conventions/layout';
import { jsKernels } from './js';
import type { Kernels, SequenceJob } from './types';

/** The functions exported by kernels.as; every pointer is a byte offset into `memory`. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  gemv64(a: number, panels: number, K: number, x: number, bias: number, out: number): void;
  gemm64(a: number, panels: number, K: number, X: number, T: number, bias: number, out: number): void;
  gemv32(a: number, panels: number, K: number, x: number, bias: number, out: number): void;
  gemm32(a: number, panels: number, K: number, X: number, T: number, bias: number, out: number): void;
  activate32(kind: number, x: number, n: number, out: number): void;
  lstmStep32(zx: number, zh: number, H: number, h: number, c: number): void;
  gruStep32(zx: number, zh: number, H: number, h: number): void;
  gruGates32(zx: number, zh: number, H: number, h: number, rh: number, z: number): void;
  gruUpdate32(zx: number, zhn: number, H: number, z: number, h: number): void;
  rnnStep32(zx: number, zh: number, H: number, h: number, relu: number): void;
  activate64(kind: number, x: number, n: number, out: number): void;
  pack64(src: number, rows: number, cols: number, R: number, dst: number): void;
  pack32(src: number, rows: number, cols: number, R: number, dst: number): void;
  transposeColumns64(src: number, totalCols: number, rows: number, colStart: number, width: number, dst: number): void;
  sequence64(
    cell: number, H: number, panels: number, R: number, bR: number, zx: number, len: number, from: number, to: number, reverse: number, processingOrder: number,
    forgetBias: number, h0: number, c0: number, out: number, trace: number, trZx: number, trZh: number, trZ: number, trA: number,
    trH: number, trC: number, trT: number, work: number, hFinal: number, cFinal: number,
  ): void;
}

/** Rows per packed panel: 4 SIMD vectors of 128 bits (see kernels.as). */
export const PANEL_ROWS_F64 = 8;
export const PANEL_ROWS_F32 = 16;
/** Rows per panel of a float64 matrix packed for the matrix–vector product gemv64: 6 vectors (see kernels.as). */
export const GEMV_ROWS_F64 = 12;

const PAGE = 65536;
const ALIGN = 64;
/**
 * Above this many bytes of linear memory in use, every cached weight is dropped and the space reused: the cache
 * lives as long as the page, and a long session that loads many models must not grow without bound.
 */
const MEMORY_BUDGET = 512 * 1024 * 1024;
/** Below this, memory held by weights that were garbage-collected is not worth a reset to reclaim. */
const RECLAIM_FLOOR = 32 * 1024 * 1024;

export type KernelVariant = 'simd' | 'relaxed-simd';

/** The two builds of kernels.as, for tests that load one explicitly. */
export const KERNEL_MODULES: Readonly<Record<KernelVariant, Uint8Array<ArrayBuffer>>> = { simd: kernelBytes, 'relaxed-simd': relaxedKernelBytes };

export interface RuntimeLimits {
  readonly budget?: number;
  readonly reclaimFloor?: number;
}

// (func (result v128) i32.const 0 i8x16.splat): validates only where the SIMD proposal is implemented.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 8, 1, 6, 0, 65, 0, 253, 15, 11]);

/** Linear memory of the kernel module, handed out by a bump allocator that is reset as a whole (see `epoch`). */
export class WasmRuntime {
  /** Incremented whenever allocations are reclaimed: an offset obtained in an older epoch is no longer valid. */
  epoch = 0;
  private readonly base: number;
  private top: number;
  private scratchOffset = 0;
  private scratchBytes = 0;
  private f64View: Float64Array;
  private f32View: Float32Array;
  /** Bytes of this epoch's allocations whose owners were garbage-collected. */
  private freed = 0;
  private readonly registry = typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<{ epoch: number; bytes: number }>((held) => this.noteFreed(held.epoch, held.bytes))
    : undefined;

  private readonly budget: number;
  private readonly reclaimFloor: number;

  /** `variant`: which build of kernels.as `exports` come from ('relaxed-simd' = fused multiply-add). */
  constructor(readonly exports: KernelExports, limits: RuntimeLimits = {}, readonly variant: KernelVariant = 'simd') {
    this.budget = limits.budget ?? MEMORY_BUDGET;
    this.reclaimFloor = limits.reclaimFloor ?? RECLAIM_FLOOR;
    // The module's own static data (if any) sits below the initial size; allocations start above it, and never at
    // offset 0, which the kernels read as "no bias".
    this.base = Math.max(exports.memory.buffer.byteLength, ALIGN);
    this.top = this.base;
    this.f64View = new Float64Array(exports.memory.buffer);
    this.f32View = new Float32Array(exports.memory.buffer);
  }

  /** Float64 view of the whole memory, valid until the next allocation (growth detaches the old buffer). */
  get f64(): Float64Array {
    if (this.f64View.buffer !== this.exports.memory.buffer) this.refreshViews();
    return this.f64View;
  }

  get f32(): Float32Array {
    if (this.f32View.buffer !== this.exports.memory.buffer) this.refreshViews();
    return this.f32View;
  }

  /** Whether `bytes` more can be allocated without exceeding the budget even after a reset. */
  fits(bytes: number): boolean {
    return this.base + bytes + 2 * ALIGN <= this.budget;
  }

  /**
   * Counts an allocation as reclaimable once `owner` is garbage-collected (weights are cached per array, and an
   * editor re-parsing on every change drops old arrays all the time).
   */
  track(owner: object, bytes: number): void {
    this.registry?.register(owner, { epoch: this.epoch, bytes });
  }

  /** Called when a tracked owner was collected; public so tests can simulate it. */
  noteFreed(epoch: number, bytes: number): void {
    if (epoch === this.epoch) this.freed += bytes;
  }

  /** Long-lived allocation (weights). The caller must check `epoch` before reusing the offset later. */
  alloc(bytes: number): number {
    const size = Math.ceil(bytes / ALIGN) * ALIGN + ALIGN;
    const used = this.top - this.base;
    // Rather than grow, start over when most of what is allocated belongs to collected arrays: the live weights
    // are repacked on their next use, so memory stays near twice the live set.
    const mustGrow = this.top + size > this.exports.memory.buffer.byteLength;
    if (this.top + size > this.budget || (mustGrow && used > this.reclaimFloor && this.freed > used / 2)) this.reset();
    const offset = this.top;
    this.top += size;
    const need = this.top - this.exports.memory.buffer.byteLength;
    if (need > 0) {
      const exact = Math.ceil(need / PAGE);
      try {
        // Grow geometrically so a model loaded piece by piece does not grow the memory once per matrix.
        this.exports.memory.grow(Math.max(exact, Math.ceil(this.exports.memory.buffer.byteLength / PAGE / 2)));
      } catch {
        try {
          this.exports.memory.grow(exact);
        } catch (e) {
          this.top -= size; // nothing was allocated; the caller falls back to the plain kernels
          throw e;
        }
      }
      this.refreshViews();
    }
    return offset;
  }

  /**
   * `bytes` above every allocation, for data that lives only during one call into the module: valid until the next
   * alloc() or scratch(). Grows the memory if needed; a RangeError past the budget or when it cannot grow (the
   * callers of alloc() handle that already: they run on the plain kernels).
   */
  transient(bytes: number): number {
    if (this.top + bytes > this.budget) throw new RangeError(`${bytes} bytes of transient memory would exceed the budget`);
    const need = this.top + bytes - this.exports.memory.buffer.byteLength;
    if (need > 0) {
      this.exports.memory.grow(Math.ceil(need / PAGE));
      this.refreshViews();
    }
    return this.top;
  }

  /** A work area of at least `bytes`, valid until the next scratch() or reset. */
  scratch(bytes: number): number {
    if (bytes > this.scratchBytes || this.scratchOffset === 0) {
      const size = Math.max(bytes, 2 * this.scratchBytes, 4096);
      this.scratchOffset = this.alloc(size);
      this.scratchBytes = size;
    }
    return this.scratchOffset;
  }

  private reset(): void {
    this.epoch++;
    this.freed = 0;
    this.top = this.base;
    this.scratchOffset = 0;
    this.scratchBytes = 0;
  }

  private refreshViews(): void {
    this.f64View = new Float64Array(this.exports.memory.buffer);
    this.f32View = new Float32Array(this.exports.memory.buffer);
  }
}

let runtime: WasmRuntime | undefined;
let loadState: 'idle' | 'loading' | 'ready' | 'unavailable' = 'idle';

function instantiate(module: WebAssembly.Module, variant: KernelVariant): void {
  const instance = new WebAssembly.Instance(module, {});
  runtime = new WasmRuntime(instance.exports as unknown as KernelExports, {}, variant);
  loadState = 'ready';
}

/**
 * The shared runtime, or undefined where WebAssembly SIMD is unavailable. Compiles synchronously (9 kB); where a
 * host refuses synchronous compilation (a browser main thread over its size limit), compiles asynchronously and
 * returns undefined until that finishes.
 */
export function wasmRuntime(): WasmRuntime | undefined {
  if (loadState === 'ready' || loadState === 'unavailable' || loadState === 'loading') return runtime;
  loadState = 'unavailable';
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return undefined;
  try {
    if (!WebAssembly.validate(SIMD_PROBE)) return undefined;
  } catch {
    return undefined;
  }
  // Fused multiply-add where the host ships relaxed-simd: one instruction instead of two per product, and one
  // rounding instead of two (results move by an ulp or so, as BLAS libraries' do).
  let variant: KernelVariant = 'simd';
  try {
    if (WebAssembly.validate(relaxedKernelBytes)) variant = 'relaxed-simd';
  } catch {
    variant = 'simd';
  }
  const bytes = KERNEL_MODULES[variant];
  try {
    instantiate(new WebAssembly.Module(bytes), variant);
  } catch {
    loadState = 'loading';
    WebAssembly.compile(bytes).then((m) => instantiate(m, variant), () => {
      loadState = 'unavailable';
    });
  }
  return runtime;
}

/**
 * columnsToCanonical's transpose (../conventions/layout.ts) in the module: rows [rowOff, rowOff + nRows) of `src`
 * (rows × totalCols) copied in, the gate blocks perm[k]·H … + H transposed into canonical rows, the result copied out;
 * the same numbers as the JavaScript loop. A one-shot CLI run transposes each matrix once, and the JavaScript loop
 * ran interpreted until V8 optimised it (~5 ms of a background thread for that compile). Undefined where the module is
 * not loaded or its memory cannot hold both copies: the caller transposes in JavaScript.
 */
export function transposeColumnBlocks(src: Float64Array, totalCols: number, rowOff: number, nRows: number, perm: readonly number[], H: number): Float64Array | undefined {
  const srcCount = nRows * totalCols;
  const outCount = perm.length * H * nRows;
  // The module's memory never shrinks: a big matrix (whose JavaScript loop runs optimised for most of its length
  // anyway) is not worth growing it by two copies.
  if ((srcCount + outCount) * 8 > TRANSPOSE_MAX_BYTES) return undefined;
  const rt = wasmRuntime();
  if (!rt) return undefined;
  try {
    const srcBytes = Math.ceil((srcCount * 8) / ALIGN) * ALIGN;
    const at = rt.transient(srcBytes + outCount * 8);
    const outAt = at + srcBytes;
    rt.f64.set(src.subarray(rowOff * totalCols, rowOff * totalCols + srcCount), at / 8);
    for (let k = 0; k < perm.length; k++) rt.exports.transposeColumns64(at, totalCols, nRows, perm[k] * H, H, outAt + k * H * nRows * 8);
    return rt.f64.slice(outAt / 8, outAt / 8 + outCount);
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

/** Source and result of transposeColumnBlocks together at most this size (a 1024 × 4096 matrix). */
const TRANSPOSE_MAX_BYTES = 64 * 1024 * 1024;

useModuleTranspose(transposeColumnBlocks);

// ---------------------------------------------------------------------------------------------------------------
// Packed weights, cached per array

/** 'panels': for the matrix products (gemm, and all float32 kernels); 'gemv': float64 matrix–vector panels; 'vector': a bias. */
type Layout = 'panels' | 'gemv' | 'vector';

export interface PackedMatrix {
  readonly epoch: number;
  /** Byte offset in linear memory. */
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly layout: Layout;
  readonly panels: number;
  /** A few sampled positions and their values: a cheap guard against an array edited in place after packing. */
  readonly probeAt: readonly number[];
  readonly probe: readonly number[];
}

/**
 * Weights are copied into linear memory once and found again by array identity. A subarray view created afresh
 * for each call is found through its buffer, offset and length, so callers that slice blocks per step stay fast.
 * Contract: treat weight arrays as immutable once used; the sampled probe catches most in-place edits, not all.
 */
export class PackedCache {
  private byView = new WeakMap<Float64Array, PackedMatrix>();
  private byBuffer = new WeakMap<ArrayBufferLike, Map<string, PackedMatrix>>();

  constructor(private readonly rt: WasmRuntime, private readonly precision: 'f64' | 'f32') {}

  /** Byte offset of A (rows × cols, row-major) packed in panels; padded rows are zero. */
  matrix(A: Float64Array, rows: number, cols: number, layout: Layout = 'panels'): PackedMatrix {
    const cached = this.byView.get(A);
    if (cached && this.valid(cached, A, rows, cols, layout)) return cached;
    const key = `${A.byteOffset}:${A.length}:${rows}:${cols}:${layout}`;
    let perBuffer = this.byBuffer.get(A.buffer);
    const shared = perBuffer?.get(key);
    if (shared && this.valid(shared, A, rows, cols, layout)) {
      this.byView.set(A, shared);
      return shared;
    }
    const packed = this.pack(A, rows, cols, layout);
    this.byView.set(A, packed);
    if (!perBuffer) this.byBuffer.set(A.buffer, (perBuffer = new Map()));
    perBuffer.set(key, packed);
    return packed;
  }

  /** The first n entries of v, contiguous and padded with zeros to whole panels (a bias). */
  vector(v: Float64Array, n: number): PackedMatrix {
    return this.matrix(v, n, 1, 'vector');
  }

  private valid(p: PackedMatrix, A: Float64Array, rows: number, cols: number, layout: Layout): boolean {
    if (p.epoch !== this.rt.epoch || p.rows !== rows || p.cols !== cols || p.layout !== layout) return false;
    const { probeAt, probe } = p;
    for (let i = 0; i < probeAt.length; i++) {
      const a = A[probeAt[i]], b = probe[i];
      if (a !== b && !(a !== a && b !== b)) return false;
    }
    return true;
  }

  private pack(A: Float64Array, rows: number, cols: number, layout: Layout): PackedMatrix {
    const f64 = this.precision === 'f64';
    // A bias is padded to whole panels of either float64 kernel (24 rows = 2 gemv or 3 gemm panels).
    const R = !f64 ? PANEL_ROWS_F32 : layout === 'gemv' ? GEMV_ROWS_F64 : layout === 'vector' ? 2 * GEMV_ROWS_F64 : PANEL_ROWS_F64;
    const elementBytes = f64 ? 8 : 4;
    const isVector = layout === 'vector';
    const m = rows;
    const panels = Math.ceil(m / R);
    const count = panels * R * cols;
    const offset = this.rt.alloc(count * elementBytes);
    this.rt.track(A.buffer, count * elementBytes);
    if (isVector) {
      const view = f64 ? this.rt.f64 : this.rt.f32;
      const base = offset / elementBytes;
      view.fill(0, base, base + count);
      for (let i = 0; i < m; i++) view[base + i] = A[i];
    } else {
      // Panel by panel: its R rows copied above the allocations, then packed by the module (kernels.as, pack64), so
      // the copy costs one panel's memory, not the matrix's.
      const panelValues = R * cols;
      const at = this.rt.transient(panelValues * 8);
      const memory = this.rt.f64;
      const packPanel = f64 ? this.rt.exports.pack64 : this.rt.exports.pack32;
      for (let first = 0, dst = offset; first < m; first += R, dst += panelValues * elementBytes) {
        const n = Math.min(R, m - first);
        memory.set(A.subarray(first * cols, (first + n) * cols), at / 8);
        packPanel(at, n, cols, R, dst);
      }
    }
    const probeAt = sampleIndices(A.length, m * cols);
    return { epoch: this.rt.epoch, offset, rows, cols, layout, panels, probeAt, probe: probeAt.map((i) => A[i]) };
  }
}

function sampleIndices(length: number, used: number): number[] {
  const n = Math.min(length, used);
  if (n <= 0) return [];
  const out: number[] = [];
  for (let s = 0; s < 8; s++) out.push(Math.min(n - 1, Math.floor((s * n) / 7)));
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Kernels (float64)

/**
 * Below this many multiply-adds the copies in and out of linear memory cost more than the SIMD product saves
 * (measured with scripts/bench/kernels.mjs: the crossover is near 64).
 */
const SMALL_PRODUCT = 64;

/** M rounded up to whole float64 panels: the rows the packed matrix product writes. */
function paddedRows(M: number): number {
  return Math.ceil(M / PANEL_ROWS_F64) * PANEL_ROWS_F64;
}

/** M rounded up to whole gemv panels: the rows the packed matrix–vector product writes. */
function gemvRows(M: number): number {
  return Math.ceil(M / GEMV_ROWS_F64) * GEMV_ROWS_F64;
}

/**
 * A packed (M × K), the packed bias and `scratchBytes` of scratch, all valid together: an allocation may start the
 * memory over (a new epoch), invalidating what was placed before it, so then everything is placed again.
 * Undefined when the host refuses to grow the linear memory; the plain kernels, which need none, then do the call.
 */
function placeProduct(
  rt: WasmRuntime, cache: PackedCache, A: Float64Array, M: number, K: number, bias: Float64Array | undefined, scratchBytes: number, layout: 'panels' | 'gemv',
): { a: PackedMatrix; b: PackedMatrix | undefined; work: number } | undefined {
  try {
    let a, b, work, epoch;
    do {
      epoch = rt.epoch;
      a = cache.matrix(A, M, K, layout);
      b = bias ? cache.vector(bias, M) : undefined;
      work = rt.scratch(scratchBytes);
    } while (epoch !== rt.epoch);
    return { a, b, work };
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return undefined;
  }
}

/** The float64 kernels on a given runtime (wasmKernels() uses the shared one; tests make their own). */
export function createWasmKernels(rt: WasmRuntime): Kernels {
  const cache = new PackedCache(rt, 'f64');
  const ex = rt.exports;

  return {
    name: rt.variant === 'relaxed-simd' ? 'wasm-relaxed-simd-f64' : 'wasm-simd-f64',
    runSequence: (job) => runSequence(rt, cache, job),
    gemvBias(A, M, K, x, xOffset, bias, out, outOffset) {
      if (M * K < SMALL_PRODUCT || !rt.fits(16 * (M + 24) * (K + 1) + 64 * K)) {
        jsKernels.gemvBias(A, M, K, x, xOffset, bias, out, outOffset);
        return;
      }
      const placed = placeProduct(rt, cache, A, M, K, bias, 8 * (K + gemvRows(M)), 'gemv');
      if (!placed) {
        jsKernels.gemvBias(A, M, K, x, xOffset, bias, out, outOffset);
        return;
      }
      const { a, b, work } = placed;
      const mem = rt.f64;
      const xAt = work / 8;
      for (let k = 0; k < K; k++) mem[xAt + k] = x[xOffset + k];
      const outByte = work + 8 * K;
      ex.gemv64(a.offset, a.panels, K, work, b ? b.offset : 0, outByte);
      const outAt = outByte / 8;
      for (let m = 0; m < M; m++) out[outOffset + m] = mem[outAt + m];
    },
    gemmBias(A, M, K, X, T, bias, out) {
      if (T === 1) {
        this.gemvBias(A, M, K, X, 0, bias, out, 0);
        return;
      }
      const padded = paddedRows(M);
      if (M * K < SMALL_PRODUCT || T === 0 || !rt.fits(16 * (M + 8) * (K + 1) + 8 * T * (K + padded))) {
        jsKernels.gemmBias(A, M, K, X, T, bias, out);
        return;
      }
      const placed = placeProduct(rt, cache, A, M, K, bias, 8 * T * (K + padded), 'panels');
      if (!placed) {
        jsKernels.gemmBias(A, M, K, X, T, bias, out);
        return;
      }
      const { a, b, work } = placed;
      const mem = rt.f64;
      const xAt = work / 8;
      mem.set(X.length === T * K ? X : X.subarray(0, T * K), xAt);
      const outByte = work + 8 * T * K;
      ex.gemm64(a.offset, a.panels, K, work, T, b ? b.offset : 0, outByte);
      const outAt = outByte / 8;
      if (padded === M) {
        out.set(mem.subarray(outAt, outAt + T * M));
      } else {
        for (let t = 0; t < T; t++) out.set(mem.subarray(outAt + t * padded, outAt + t * padded + M), t * M);
      }
    },
  };
}

const CELL_CODE = { lstm: 0, gru: 1, rnn: 2 } as const;
/** Bytes after each work region: the unit loop of sequence64 reads up to 8 bytes past a row. */
const SLACK = 64;

/**
 * Bytes of trace rows a piece of the sequence writes in linear memory before they are copied into the caller's
 * buffer: small enough that the copy reads rows still in cache, large enough that the copies stay few. A trace
 * written whole and copied at the end (7.8 MB at LSTM H = 512) was read back from main memory, and its linear
 * memory competed with the recurrent matrix for the cache.
 */
let traceChunkBytes = 512 * 1024;

/** Test hook: the trace piece size (bytes); returns the previous one. */
export function setTraceChunkBytes(bytes: number): number {
  const old = traceChunkBytes;
  traceChunkBytes = bytes;
  return old;
}

/**
 * Whether `layout` is runSingleSequence's: out, hFinal, cFinal, then (with a trace) zx, zh, z, a, h, c and the time
 * indices, back to back from byte 0 and filling the buffer. Then linear memory can hold an image of the whole
 * result and one copy moves it, instead of one copy per array.
 */
function isPackedLayout(job: SequenceJob, GH: number, cN: number): boolean {
  const { layout: l, steps: T, units: H, len, trace } = job;
  if (l.out !== 0 || l.hFinal !== 8 * T * H || l.cFinal !== l.hFinal + 8 * H) return false;
  if (!trace) return job.buffer.byteLength === l.cFinal + 8 * cN;
  const gates = 8 * len * GH;
  return l.zx === l.cFinal + 8 * cN && l.zh === l.zx + gates && l.z === l.zh + gates && l.a === l.z + gates && l.h === l.a + gates &&
    l.c === l.h + 8 * len * H && l.timeIndex === l.c + 8 * len * cN && job.buffer.byteLength === l.timeIndex + 4 * len;
}

/**
 * A whole sequence in linear memory: x·Wᵀ + bW for all steps in one gemm64, then sequence64 steps through the cell.
 * When the result fits in one trace piece (or has no trace) and has runSingleSequence's layout, the kernel writes an
 * image of the result buffer and one copy moves it (a streaming step: one copy instead of ten). Otherwise it runs in
 * pieces of a few steps, each piece's trace rows copied into the caller's buffer right after it ran; the outputs and
 * final states are copied at the end. Declines (false) what the step loop of forward.ts would run on the plain
 * kernels (products under SMALL_PRODUCT), so the numbers stay those of that loop, and whatever does not fit in memory.
 */
function runSequence(rt: WasmRuntime, cache: PackedCache, job: SequenceJob): boolean {
  const { cell, units: H, features: D, steps: T, len, layout, trace } = job;
  const G = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1, GH = G * H, cN = cell === 'lstm' ? H : 0;
  if (GH * H < SMALL_PRODUCT || GH * D < SMALL_PRODUCT) return false;
  const padded = paddedRows(GH);
  const round = (n: number): number => Math.ceil((n + SLACK) / ALIGN) * ALIGN;
  const stepBytes = 8 * (4 * GH + 2 * H) + 4;
  const chunk = trace ? Math.max(1, Math.min(len, Math.floor(traceChunkBytes / stepBytes))) : 0;
  const whole = (!trace || len <= chunk) && isPackedLayout(job, GH, cN);
  const outBytes = round(8 * T * H), stateBytes = round(8 * H);
  const xBytes = round(8 * T * D), zxBytes = round(8 * T * padded);
  const workBytes = round(8 * (gemvRows(GH) + 4 * GH + 4 * H) + 16 * 8);
  const gateRows = round(8 * chunk * GH), stateRows = round(8 * chunk * H), timeRows = round(4 * chunk);
  const traceBytes = trace ? 4 * gateRows + 2 * stateRows + timeRows : 0;
  // The whole result's image, or the output rows, final states and one piece's trace rows.
  const resultBytes = whole ? round(job.buffer.byteLength) : outBytes + 2 * stateBytes + traceBytes;
  const total = resultBytes + 2 * stateBytes + xBytes + zxBytes + workBytes;
  if (!rt.fits(2 * (16 * (padded + 24) * (D + H + 2)) + total)) return false;
  let w, bw, r, br, base, epoch;
  try {
    do {
      epoch = rt.epoch;
      w = cache.matrix(job.W, GH, D);
      bw = cache.vector(job.bW, GH);
      r = cache.matrix(job.R, GH, H, 'gemv');
      br = cache.vector(job.bR, GH);
      base = rt.scratch(total);
    } while (epoch !== rt.epoch);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return false;
  }
  const h0At = base + resultBytes, c0At = h0At + stateBytes, xAt = c0At + stateBytes, zxAt = xAt + xBytes, workAt = zxAt + zxBytes;
  // Where the kernel writes each array: inside the image, or in the piece layout after the output rows.
  const image = (offset: number): number => base + offset;
  const outAt = whole ? image(layout.out) : base, hFinalAt = whole ? image(layout.hFinal) : base + outBytes;
  const cFinalAt = whole ? image(layout.cFinal) : hFinalAt + stateBytes;
  const pieceAt = cFinalAt + stateBytes;
  const trZx = whole ? image(layout.zx) : pieceAt, trZh = whole ? image(layout.zh) : trZx + gateRows;
  const trZ = whole ? image(layout.z) : trZh + gateRows, trA = whole ? image(layout.a) : trZ + gateRows;
  const trH = whole ? image(layout.h) : trA + gateRows, trC = whole ? image(layout.c) : trH + stateRows;
  const trT = whole ? image(layout.timeIndex) : trC + stateRows;
  const mem = rt.f64;
  mem.set(job.x.length === T * D ? job.x : job.x.subarray(0, T * D), xAt / 8);
  if (job.h0) mem.set(job.h0, h0At / 8); else mem.fill(0, h0At / 8, h0At / 8 + H);
  if (job.c0) mem.set(job.c0, c0At / 8); else mem.fill(0, c0At / 8, c0At / 8 + H);
  // Output rows no step writes must read as zeros, like the fresh buffer they are copied into.
  if (len < T) mem.fill(0, outAt / 8, outAt / 8 + T * H);
  const ex = rt.exports;
  // In pieces of steps while the module may still be in baseline code (the same sums, row by row; see PIECE_STEPS):
  // a piece re-reads the matrix, ~1 % of an H = 512 projection once the code is optimised.
  const projectionPiece = projectionsRun++ < coldProjections ? pieceSteps : T;
  for (let t0 = 0; len > 0 && t0 < T; t0 += projectionPiece) {
    ex.gemm64(w.offset, w.panels, D, xAt + 8 * t0 * D, Math.min(projectionPiece, T - t0), bw.offset, zxAt + t0 * w.panels * 64);
  }
  const bytes = new Uint8Array(ex.memory.buffer);
  const result = new Uint8Array(job.buffer);
  const copy = (from: number, to: number, n: number): void => {
    if (n > 0) result.set(bytes.subarray(from, from + n), to);
  };
  const run = (from: number, to: number, h0: number, c0: number): void => ex.sequence64(
    CELL_CODE[cell], H, r.panels, r.offset, br.offset, zxAt, len, from, to, job.reverse ? 1 : 0, job.processingOrder ? 1 : 0,
    job.forgetBias, h0, c0, outAt, trace ? 1 : 0, trZx, trZh, trZ, trA, trH, trC, trT, workAt, hFinalAt, cFinalAt,
  );
  // Each piece starts from the state the one before left in hFinal / cFinal.
  const runInPieces = (): void => {
    if (len === 0) run(0, 0, h0At, c0At);
    for (let from = 0; from < len; from += pieceSteps) run(from, Math.min(len, from + pieceSteps), from === 0 ? h0At : hFinalAt, from === 0 ? c0At : cFinalAt);
  };
  if (whole) {
    // A trace is written at rows counted from each call's first step: traced, the image is filled in one call.
    if (trace) run(0, len, h0At, c0At);
    else runInPieces();
    copy(base, 0, job.buffer.byteLength);
    return true;
  }
  if (!trace || len === 0) runInPieces();
  for (let from = 0; trace && from < len; from += chunk) {
    const to = Math.min(len, from + chunk), n = to - from;
    // Each piece starts from the state the one before left in hFinal / cFinal.
    if (from === 0) run(from, to, h0At, c0At); else run(from, to, hFinalAt, cFinalAt);
    copy(trZx, layout.zx + 8 * from * GH, 8 * n * GH);
    copy(trZh, layout.zh + 8 * from * GH, 8 * n * GH);
    copy(trZ, layout.z + 8 * from * GH, 8 * n * GH);
    copy(trA, layout.a + 8 * from * GH, 8 * n * GH);
    copy(trH, layout.h + 8 * from * H, 8 * n * H);
    copy(trC, layout.c + 8 * from * cN, 8 * n * cN);
    copy(trT, layout.timeIndex + 4 * from, 4 * n);
  }
  copy(outAt, layout.out, 8 * T * H);
  copy(hFinalAt, layout.hFinal, 8 * H);
  copy(cFinalAt, layout.cFinal, 8 * cN);
  return true;
}

/**
 * Steps per call of gemm64 and sequence64 when a sequence runs without trace pieces. V8 compiles a WebAssembly
 * function first with its baseline compiler and swaps in optimised code only for later calls: one call for 200 steps
 * (a one-shot CLI run) ran all of them in baseline code while the optimised code was compiled for nothing. Splitting
 * changes no number: each step and each row of the projection is computed as before.
 */
const PIECE_STEPS = 32;
/** The input projections of a runtime's first sequences run in pieces too; later ones in one call. */
const COLD_PROJECTIONS = 8;
let pieceSteps = PIECE_STEPS;
let coldProjections = COLD_PROJECTIONS;
let projectionsRun = 0;

/** Tests: sequences and every input projection in pieces of `steps` (undefined: back to the defaults). */
export function setPieceSteps(steps: number | undefined): void {
  pieceSteps = steps ?? PIECE_STEPS;
  coldProjections = steps === undefined ? COLD_PROJECTIONS : Infinity;
}

let kernels: Kernels | undefined;

/** The WebAssembly SIMD kernels, or undefined where they cannot run (then use jsKernels). */
export function wasmKernels(): Kernels | undefined {
  if (kernels) return kernels;
  const rt = wasmRuntime();
  if (!rt) return undefined;
  kernels = createWasmKernels(rt);
  return kernels;
}
