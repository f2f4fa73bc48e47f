// The JSON forms `run` reads for its input and initial states, checked strictly: every row the same length, every
// leaf a number. `{"x": [[0.1], 0.2]}` is refused with where and why, never flattened into something that fits.
//   input:  [[...], ...] or {"x": [[...], ...], "h0"|"initial_h": [...], "c0"|"initial_c": [...]}
//   state:  [...] or {"h": [...]} / {"c": [...]}

export class InputError extends Error {}

export interface NumberArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** Inputs and states are at most (1, T, D) / (D, 1, H); deeper nesting is a mistake, not a tensor to read. */
const MAX_RANK = 4;

/** A rectangular nested array of numbers, or an InputError naming the first element that breaks it (`x[1][0]`). */
export function strictNumberArray(value: unknown, label: string): NumberArray {
  if (!Array.isArray(value)) throw new InputError(`${label} is ${describe(value)}, not an array of numbers`);
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (shape.length === MAX_RANK) throw new InputError(`${label} nests deeper than ${MAX_RANK} levels; an input is (T, features), (1, T, features) or (T,)`);
    shape.push(probe.length);
    if (probe.length === 0) throw new InputError(`${label}${shape.slice(0, -1).map(() => '[0]').join('')} is empty`);
    probe = probe[0];
  }
  const rank = shape.length;
  const data = new Float64Array(shape.reduce((a, b) => a * b, 1));
  let filled = 0;
  // Explicit stack (no recursion on the data): [array, depth, index path].
  const stack: Array<{ items: readonly unknown[]; depth: number; path: string }> = [{ items: value, depth: 0, path: label }];
  while (stack.length) {
    const { items, depth, path } = stack.pop()!;
    if (items.length !== shape[depth]) {
      throw new InputError(`${path} has ${count(items.length)} but ${label}${'[0]'.repeat(depth)} has ${shape[depth]}: ${label} is not rectangular`);
    }
    if (depth === rank - 1) {
      for (let k = 0; k < items.length; k++) {
        const v = items[k];
        if (typeof v !== 'number') {
          throw new InputError(Array.isArray(v)
            ? `${path}[${k}] is a list where a number belongs (${label}${'[0]'.repeat(rank)} is a number): ${label} is not rectangular`
            : `${path}[${k}] is ${describe(v)}, not a number`);
        }
        data[filled++] = v;
      }
      continue;
    }
    // Children in reverse so they are visited (and the data filled) in row-major order.
    for (let k = items.length - 1; k >= 0; k--) {
      const child = items[k];
      if (!Array.isArray(child)) {
        throw new InputError(`${path}[${k}] is ${describe(child)} where a list of ${count(shape[depth + 1])} belongs (as in ${label}${'[0]'.repeat(depth + 1)}): ${label} is not rectangular`);
      }
      stack.push({ items: child, depth: depth + 1, path: `${path}[${k}]` });
    }
  }
  return { shape, data };
}

export interface InputJson {
  readonly x: NumberArray;
  readonly h0?: NumberArray;
  readonly c0?: NumberArray;
  /** Keys that are none of the above (reported, not used). */
  readonly ignored: readonly string[];
}

const H0_KEYS = ['h0', 'initial_h'] as const;
const C0_KEYS = ['c0', 'initial_c'] as const;

/** The --input JSON: a bare array (x), or an object with x and optionally the initial states. */
export function parseInputJson(value: unknown): InputJson {
  if (Array.isArray(value)) return { x: strictNumberArray(value, 'the input'), ignored: [] };
  if (!isObject(value)) throw new InputError(`is ${describe(value)}; expected {"x": [[...], ...]} or a bare array`);
  if (!('x' in value)) throw new InputError('has no "x" field (expected {"x": [...]} or a bare array)');
  const state = (keys: readonly string[]): NumberArray | undefined => {
    const present = keys.filter((k) => k in value);
    if (present.length > 1) throw new InputError(`gives the same state twice: ${present.map((k) => `"${k}"`).join(' and ')}`);
    return present.length ? strictNumberArray(value[present[0]], `"${present[0]}"`) : undefined;
  };
  const h0 = state(H0_KEYS);
  const c0 = state(C0_KEYS);
  const known = new Set<string>(['x', ...H0_KEYS, ...C0_KEYS]);
  return { x: strictNumberArray(value.x, '"x"'), ...(h0 ? { h0 } : {}), ...(c0 ? { c0 } : {}), ignored: Object.keys(value).filter((k) => !known.has(k)) };
}

/** A --h0/--c0 JSON: a bare array or {"h": ...} / {"c": ...}. */
export function parseStateJson(value: unknown, key: 'h' | 'c'): NumberArray {
  if (Array.isArray(value)) return strictNumberArray(value, `the ${key}0 array`);
  if (!isObject(value)) throw new InputError(`is ${describe(value)}; expected {"${key}": [...]} or a bare array`);
  if (!(key in value)) throw new InputError(`has no "${key}" field (expected {"${key}": [...]} or a bare array)`);
  return strictNumberArray(value[key], `"${key}"`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function count(n: number): string {
  return n === 1 ? '1 value' : `${n} values`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number') return String(v);
  return String(v);
}
