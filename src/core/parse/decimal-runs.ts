// The WebAssembly decimal-run reader (./wasm/decimals.as) and the linear memory it shares with numeric-list.ts: the
// byte window of the text that readRun scans lives in the module's memory, so the module reads it where JavaScript
// wrote it. Where WebAssembly is missing or forbidden (a page whose CSP has no 'wasm-unsafe-eval'), there is no
// reader and readRun reads every number itself, with the same values.

import decimalsBytes from './wasm/decimals.wasm';

interface DecimalExports {
  readonly memory: WebAssembly.Memory;
  dataEnd(): number;
  result(): number;
  readRun(window: number, start: number, refillAt: number, room: number, out: number): number;
}

export interface DecimalRunReader {
  /** The window's bytes (at least `windowBytes` of them, then 8 more for 4-byte loads past its end). */
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Values of the last read, from index 0. */
  readonly values: Float64Array;
  /** At most this many values per read. */
  readonly capacity: number;
  /**
   * Reads plain decimals from window offset `start` (where readRun's last element ended), at most `room`, none
   * starting past offset `refillAt`; returns how many, with `last` describing them.
   */
  read(start: number, refillAt: number, room: number): number;
  /** After read: the offset after its last value, decimals statistics, and the separators seen. */
  readonly last: { end: number; mostDecimals: number; atMostDecimals: number; sawComma: boolean; commaless: boolean };
}

const CAPACITY = 4096;
const PAGE = 65536;

/** The reader with a window of `windowBytes` bytes; undefined where WebAssembly cannot run here. */
export function createDecimalRunReader(windowBytes: number, moduleBytes: Uint8Array<ArrayBuffer> = decimalsBytes): DecimalRunReader | undefined {
  let exports: DecimalExports;
  try {
    if (typeof WebAssembly !== 'object') return undefined;
    exports = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes), {}).exports as unknown as DecimalExports;
  } catch {
    return undefined;
  }
  const windowAt = align(exports.dataEnd(), 16);
  const valuesAt = align(windowAt + windowBytes + 8, 16);
  const end = valuesAt + CAPACITY * 8;
  const memory = exports.memory;
  if (end > memory.buffer.byteLength) memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE));
  // The memory never grows again: these views stay valid.
  const bytes = new Uint8Array(memory.buffer, windowAt, windowBytes + 8);
  const result = new Int32Array(memory.buffer, exports.result(), 4);
  const last = { end: 0, mostDecimals: -1, atMostDecimals: 0, sawComma: false, commaless: false };
  return {
    bytes,
    view: new DataView(memory.buffer, windowAt, windowBytes + 8),
    values: new Float64Array(memory.buffer, valuesAt, CAPACITY),
    capacity: CAPACITY,
    last,
    read(start, refillAt, room) {
      const count = exports.readRun(windowAt, start, refillAt, Math.min(room, CAPACITY), valuesAt);
      last.end = result[0];
      last.mostDecimals = result[1];
      last.atMostDecimals = result[2];
      last.sawComma = (result[3] & 1) !== 0;
      last.commaless = (result[3] & 2) !== 0;
      return count;
    },
  };
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}
