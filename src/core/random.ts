// A small seeded generator for example inputs and tests: the same seed gives the same numbers in every runtime
// (Node, browsers, workers), which Math.random cannot promise.

import type { Sequence } from './model';
import { GateLensError } from './model';

/** xoshiro128** (Blackman & Vigna): 32-bit state words, full period 2^128 − 1, passes BigCrush. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new GateLensError('seed', `The random seed must be a finite number, got ${seed}.`);
    // splitmix32 spreads any seed (0 included) over the four state words, so no word starts at all-zero.
    let s = Math.trunc(seed) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next(); this.b = next(); this.c = next(); this.d = next();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.b << 9) >>> 0;
    this.c ^= this.a; this.d ^= this.b; this.b ^= this.c; this.a ^= this.d;
    this.c = (this.c ^ t) >>> 0;
    this.d = rotl(this.d >>> 0, 11);
    this.a >>>= 0; this.b >>>= 0;
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5, lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Standard normal by Box–Muller (one of the pair; simplicity over speed). */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  fill(out: Float64Array, low: number, high: number): Float64Array {
    for (let k = 0; k < out.length; k++) out[k] = this.uniform(low, high);
    return out;
  }
}

/**
 * mulberry32 (Tommy Ettinger): one 32-bit state word, uniform in [0, 1) with 32 random bits. Weaker than
 * SeededRandom but tiny; kept because tests and benchmarks draw their weights from its exact stream, and the figures
 * they check or publish would change with another generator.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** mulberry32 mapped to [-1, 1). */
export function mulberry32Signed(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() * 2 - 1;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** A batch of inputs uniform in [low, high), reproducible from the seed. */
export function randomSequence(seed: number, batch: number, steps: number, features: number, low = -1, high = 1): Sequence {
  const rng = new SeededRandom(seed);
  return { data: rng.fill(new Float64Array(batch * steps * features), low, high), batch, steps, features };
}
