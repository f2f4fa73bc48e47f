// node:assert/strict for the web test bundle (scripts/build.mjs aliases it there): the web extension host has no
// Node built-ins. Only the assertions the suites use, with strict semantics (Object.is, structural deep equality
// that also compares prototypes), so a test reads and fails the same way in both hosts.

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

function fail(message: string | Error | undefined, fallback: string): never {
  if (message instanceof Error) throw message;
  throw new AssertionError(message ?? fallback);
}

const show = (value: unknown): string => {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
};

export function ok(value: unknown, message?: string | Error): asserts value {
  if (!value) fail(message, `expected a truthy value, got ${show(value)}`);
}

export function equal<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!Object.is(actual, expected)) fail(message, `${show(actual)} !== ${show(expected)}`);
}

export function notEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (Object.is(actual, expected)) fail(message, `expected a value other than ${show(expected)}`);
}

function deepEqualValues(a: unknown, b: unknown, seen: Map<object, object>): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array((b as ArrayBufferView).buffer, (b as ArrayBufferView).byteOffset, (b as ArrayBufferView).byteLength);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (a instanceof Map || a instanceof Set) {
    const other = b as Map<unknown, unknown> | Set<unknown>;
    if (a.size !== other.size) return false;
    const xs = [...a.entries()];
    const ys = [...other.entries()];
    return xs.every((entry, i) => deepEqualValues(entry, ys[i], seen));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqualValues((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], seen));
}

export function deepEqual<T>(actual: unknown, expected: T, message?: string | Error): asserts actual is T {
  if (!deepEqualValues(actual, expected, new Map())) fail(message, `not deep-equal:\n  actual:   ${show(actual)}\n  expected: ${show(expected)}`);
}

export function notDeepEqual(actual: unknown, expected: unknown, message?: string | Error): void {
  if (deepEqualValues(actual, expected, new Map())) fail(message, `expected a value not deep-equal to ${show(expected)}`);
}

export function match(text: string, pattern: RegExp, message?: string | Error): void {
  if (typeof text !== 'string' || !pattern.test(text)) fail(message, `${show(text)} does not match ${pattern}`);
}

export function doesNotMatch(text: string, pattern: RegExp, message?: string | Error): void {
  if (typeof text !== 'string' || pattern.test(text)) fail(message, `${show(text)} matches ${pattern}`);
}

export const strictEqual = equal;
export const deepStrictEqual = deepEqual;

// any: like Node's own typing, a validator may declare the error type it expects, e.g. (e: Error) => boolean.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorCheck = RegExp | ((error: any) => boolean) | (new (...args: never[]) => Error);

/** Waits for `block` (a promise or a function returning one) to reject with an error that passes `check`. */
export async function rejects(block: Promise<unknown> | (() => Promise<unknown>), check?: ErrorCheck, message?: string | Error): Promise<void> {
  let error: unknown;
  try {
    await (typeof block === 'function' ? block() : block);
  } catch (caught) {
    error = caught ?? new Error('rejected with no reason');
  }
  if (error === undefined) fail(message, 'expected a rejection, but the promise resolved');
  if (!check) return;
  const passes = check instanceof RegExp
    ? check.test(error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    : check.prototype instanceof Error || check === Error
      ? error instanceof (check as new () => Error)
      : (check as (e: unknown) => boolean)(error) === true;
  if (!passes) fail(message, `the rejection did not pass the check: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
}
