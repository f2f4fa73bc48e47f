// A pickle reader that never calls anything. It interprets the opcodes (pickletools.py, protocols 0–5) into plain
// values; GLOBAL names become inert references, NEWOBJ/BUILD become inert objects with their state, and REDUCE is
// applied only for an allow-list of pure data constructors (OrderedDict, PyTorch's tensor/parameter rebuilders,
// _codecs.encode for bytes). Any other REDUCE target is recorded by name ("this file asks to run `os.system`") and
// leaves a Refused value in its place, so the rest of the file (the tensors) still reads. Operation count, stack,
// memo and container sizes are bounded; a cycle through the memo is kept as a reference, never followed here.

import { ModelFileError } from '../tensor/types';

export interface PyGlobal { readonly kind: 'global'; readonly module: string; readonly name: string }
/** An object built without running its class: `cls` and the state BUILD gave it. */
export interface PyObject { readonly kind: 'object'; readonly cls: PyGlobal; readonly args: readonly PyValue[]; state?: PyValue }
/** A call the file asked for and Gate Lens refused. */
export interface PyRefused { readonly kind: 'refused'; readonly target: string; readonly args: PyValue; state?: PyValue }
/** A PyTorch persistent id (storage reference), passed to the caller's resolver. */
export interface PyPersistent { readonly kind: 'persistent'; readonly id: PyValue }
/** A tensor built by torch._utils._rebuild_tensor_v2 (not yet read). */
export interface PyTensorRef {
  readonly kind: 'tensor'; readonly storage: PyValue; readonly offset: number; readonly shape: readonly number[]; readonly stride: readonly number[];
}
export class PyDict { readonly kind = 'dict'; readonly entries = new Map<PyKey, PyValue>(); constructor(readonly ordered = false) {} }
export type PyKey = string | number | boolean | null | bigint | PyValue;
export type PyValue =
  | null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | PyObject | PyRefused | PyPersistent | PyTensorRef | PySet;
export interface PyTuple { readonly kind: 'tuple'; readonly items: readonly PyValue[] }
export interface PySet { readonly kind: 'set'; readonly items: PyValue[] }

export interface UnpickleOptions {
  readonly maxOps: number;
  readonly maxDepth: number;
  /** Called on a refused REDUCE/INST/OBJ (once per target). */
  readonly onRefused?: (target: string) => void;
  /** Resolves a persistent id (PyTorch legacy: ('module', class, file, source) → the class reference). */
  readonly persistentLoad?: (id: PyValue) => PyValue | undefined;
}

export interface UnpickleResult { readonly value: PyValue; readonly end: number; readonly refused: readonly string[] }

const MARK = Symbol('mark');
type Slot = PyValue | typeof MARK;

export const isTuple = (v: unknown): v is PyTuple => !!v && typeof v === 'object' && (v as PyTuple).kind === 'tuple';
export const isDict = (v: unknown): v is PyDict => v instanceof PyDict;
export const isObject = (v: unknown): v is PyObject => !!v && typeof v === 'object' && (v as PyObject).kind === 'object';
export const isGlobal = (v: unknown): v is PyGlobal => !!v && typeof v === 'object' && (v as PyGlobal).kind === 'global';
export const isTensorRef = (v: unknown): v is PyTensorRef => !!v && typeof v === 'object' && (v as PyTensorRef).kind === 'tensor';
export const globalName = (g: PyGlobal): string => `${g.module}.${g.name}`;
export const itemsOf = (v: PyValue): readonly PyValue[] | undefined => (Array.isArray(v) ? v : isTuple(v) ? v.items : undefined);

/** Data constructors a REDUCE may apply: they build values, run nothing. */
const SAFE_REDUCE = new Set([
  'collections.OrderedDict', 'torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor', 'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state', 'torch._tensor._rebuild_from_type_v2', '_codecs.encode', 'builtins.set', 'builtins.frozenset',
  'builtins.bytearray', 'builtins.slice', 'torch.device', 'copyreg._reconstructor', 'builtins.object', 'builtins.tuple', 'builtins.list', 'builtins.dict',
]);

const fail = (message: string): never => { throw new ModelFileError('bad-pickle', message); };

export function unpickle(bytes: Uint8Array, start: number, options: UnpickleOptions): UnpickleResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const latin1 = new TextDecoder('latin1');
  const utf8 = new TextDecoder('utf-8');
  const stack: Slot[] = [];
  const marks: number[] = [];
  const memo = new Map<number, PyValue>();
  const refused: string[] = [];
  let p = start;
  let ops = 0;

  const need = (n: number): void => { if (n < 0 || p + n > bytes.length) fail(`the pickle ends inside an opcode at byte ${p} (truncated file)`); };
  const u8 = (): number => { need(1); return bytes[p++]; };
  const u16 = (): number => { need(2); const v = view.getUint16(p, true); p += 2; return v; };
  const i32 = (): number => { need(4); const v = view.getInt32(p, true); p += 4; return v; };
  const u32 = (): number => { need(4); const v = view.getUint32(p, true); p += 4; return v; };
  const u64 = (): number => { need(8); const v = view.getBigUint64(p, true); p += 8; if (v > BigInt(bytes.length)) fail(`a length of ${v} bytes at byte ${p - 8} exceeds the file`); return Number(v); };
  const take = (n: number): Uint8Array => { need(n); const b = bytes.subarray(p, p + n); p += n; return b; };
  const line = (): string => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0 || end - p > 1 << 16) fail(`a text opcode at byte ${p} has no end of line`);
    const s = latin1.decode(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const push = (v: PyValue): void => {
    if (stack.length > 1_000_000) fail('the pickle stack grew past 1,000,000 items');
    stack.push(v);
  };
  const pop = (): PyValue => {
    if (!stack.length) fail(`the pickle pops an empty stack at byte ${p - 1}`);
    const v = stack.pop()!;
    if (v === MARK) fail(`the pickle pops a MARK as a value at byte ${p - 1}`);
    return v as PyValue;
  };
  const top = (): PyValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) fail(`the pickle has no value on the stack at byte ${p - 1}`);
    return v as PyValue;
  };
  const popMark = (): PyValue[] => {
    const m = marks.pop();
    if (m === undefined) fail(`the pickle closes a MARK it never opened at byte ${p - 1}`);
    const items = stack.splice(m!) as Slot[];
    items.shift();
    return items as PyValue[];
  };
  const long = (b: Uint8Array): bigint | number => {
    if (b.length === 0) return 0;
    if (b.length > 64) fail(`an integer of ${b.length} bytes at byte ${p} (weights never need one)`);
    let v = 0n;
    for (let k = b.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(b[k]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const refuse = (target: string, args: PyValue): PyRefused => {
    if (!refused.includes(target)) { refused.push(target); options.onRefused?.(target); }
    return { kind: 'refused', target, args };
  };
  const keyOf = (k: PyValue): PyKey => (typeof k === 'object' && k !== null && !(k instanceof Uint8Array) && isTuple(k) ? tupleKey(k) : k);
  const setItem = (d: PyValue, k: PyValue, v: PyValue): void => {
    if (isDict(d)) d.entries.set(keyOf(k), v);
    else if (isObject(d)) { if (!(d.state instanceof PyDict)) d.state = new PyDict(); (d.state as PyDict).entries.set(keyOf(k), v); }
    else if (d && typeof d === 'object' && (d as PyRefused).kind === 'refused') { /* items for a refused call's result are dropped */ }
    else fail(`SETITEM on a ${describe(d)} at byte ${p - 1}`);
  };
  const appendTo = (l: PyValue, items: PyValue[]): void => {
    if (Array.isArray(l)) { if (l.length + items.length > 10_000_000) fail('a list longer than 10,000,000 items'); for (const x of items) l.push(x); }
    else if (isObject(l) || (l && typeof l === 'object' && (l as PyRefused).kind === 'refused')) { /* list subclass built inertly: items not needed */ }
    else fail(`APPEND on a ${describe(l)} at byte ${p - 1}`);
  };

  const reduce = (fn: PyValue, args: PyValue): PyValue => {
    if (!isGlobal(fn)) return refuse(`a ${describe(fn)}`, args);
    const name = globalName(fn);
    const a = itemsOf(args) ?? [];
    if (!SAFE_REDUCE.has(name)) return refuse(name, args);
    switch (name) {
      case 'collections.OrderedDict': case 'builtins.dict': return new PyDict(true);
      case 'builtins.set': case 'builtins.frozenset': return { kind: 'set', items: [...(itemsOf(a[0] ?? []) ?? [])] };
      case 'builtins.list': return [...(itemsOf(a[0] ?? []) ?? [])];
      case 'builtins.tuple': return { kind: 'tuple', items: [...(itemsOf(a[0] ?? []) ?? [])] };
      case '_codecs.encode': return typeof a[0] === 'string' ? Uint8Array.from(a[0], (c) => c.charCodeAt(0) & 0xff) : refuse(name, args);
      case 'builtins.bytearray': return a[0] instanceof Uint8Array ? a[0] : new Uint8Array(0);
      case 'torch._utils._rebuild_tensor': case 'torch._utils._rebuild_tensor_v2': {
        const shape = (itemsOf(a[2]) ?? []).map(Number);
        const stride = (itemsOf(a[3]) ?? []).map(Number);
        if (typeof a[1] !== 'number' || shape.some((d) => !Number.isSafeInteger(d) || d < 0) || stride.length !== shape.length) {
          return fail(`${name} with malformed arguments (offset ${describe(a[1])}, size ${describe(a[2])}, stride ${describe(a[3])})`);
        }
        return { kind: 'tensor', storage: a[0], offset: a[1], shape, stride };
      }
      case 'torch._utils._rebuild_parameter': case 'torch._utils._rebuild_parameter_with_state': return a[0] ?? null;
      case 'torch._tensor._rebuild_from_type_v2': return reduce(a[0] ?? null, a[2] ?? { kind: 'tuple', items: [] });
      case 'copyreg._reconstructor': case 'builtins.object': return isGlobal(a[0]) ? { kind: 'object', cls: a[0], args: [] } : refuse(name, args);
      default: return { kind: 'object', cls: fn, args: a };
    }
  };

  for (;;) {
    if (++ops > options.maxOps) fail(`the pickle runs past ${options.maxOps} operations; refused as too large`);
    const at = p;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (length is advisory)
      case 0x2e: { // STOP
        const v = pop();
        return { value: v, end: p, refused };
      }
      case 0x28: marks.push(stack.length); if (marks.length > options.maxDepth * 100) fail('too many open MARKs'); stack.push(MARK); break;
      case 0x30: pop(); break; // POP
      case 0x31: popMark(); break; // POP_MARK
      case 0x32: push(top()); break; // DUP
      case 0x4e: push(null); break;
      case 0x88: push(true); break;
      case 0x89: push(false); break;
      case 0x4a: push(i32()); break; // BININT
      case 0x4b: push(u8()); break; // BININT1
      case 0x4d: push(u16()); break; // BININT2
      case 0x49: { const s = line(); push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10)); break; } // INT
      case 0x4c: { const s = line().replace(/L$/, ''); push(/^-?\d+$/.test(s) ? (Math.abs(Number(s)) <= Number.MAX_SAFE_INTEGER ? Number(s) : BigInt(s)) : fail(`LONG ${s}`)); break; }
      case 0x8a: push(long(take(u8()))); break; // LONG1
      case 0x8b: { const n = i32(); if (n < 0) fail('negative LONG4 length'); push(long(take(n))); break; }
      case 0x46: push(Number.parseFloat(line())); break; // FLOAT
      case 0x47: { need(8); push(view.getFloat64(p, false)); p += 8; break; } // BINFLOAT (big-endian)
      case 0x53: { const s = line(); push(s.slice(1, -1)); break; } // STRING (quoted repr; escapes are not needed for weights)
      case 0x54: { const n = i32(); if (n < 0) fail('negative BINSTRING length'); push(latin1.decode(take(n))); break; }
      case 0x55: push(latin1.decode(take(u8()))); break; // SHORT_BINSTRING
      case 0x56: push(line()); break; // UNICODE (raw-unicode-escape; plain names only)
      case 0x58: push(utf8.decode(take(u32()))); break; // BINUNICODE
      case 0x8c: push(utf8.decode(take(u8()))); break; // SHORT_BINUNICODE
      case 0x8d: push(utf8.decode(take(u64()))); break; // BINUNICODE8
      case 0x42: push(new Uint8Array(take(u32()))); break; // BINBYTES
      case 0x43: push(new Uint8Array(take(u8()))); break; // SHORT_BINBYTES
      case 0x8e: case 0x96: push(new Uint8Array(take(u64()))); break; // BINBYTES8, BYTEARRAY8
      case 0x5d: push([]); break; // EMPTY_LIST
      case 0x6c: push(popMark()); break; // LIST
      case 0x61: { const v = pop(); appendTo(top(), [v]); break; } // APPEND
      case 0x65: { const items = popMark(); appendTo(top(), items); break; } // APPENDS
      case 0x29: push({ kind: 'tuple', items: [] }); break;
      case 0x74: push({ kind: 'tuple', items: popMark() }); break;
      case 0x85: push({ kind: 'tuple', items: [pop()] }); break;
      case 0x86: { const b = pop(); const a = pop(); push({ kind: 'tuple', items: [a, b] }); break; }
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); push({ kind: 'tuple', items: [a, b, c] }); break; }
      case 0x7d: push(new PyDict()); break; // EMPTY_DICT
      case 0x64: { const items = popMark(); const d = new PyDict(); for (let k = 0; k + 1 < items.length; k += 2) d.entries.set(keyOf(items[k]), items[k + 1]); push(d); break; }
      case 0x73: { const v = pop(); const k = pop(); setItem(top(), k, v); break; } // SETITEM
      case 0x75: { const items = popMark(); const d = top(); for (let k = 0; k + 1 < items.length; k += 2) setItem(d, items[k], items[k + 1]); break; }
      case 0x8f: push({ kind: 'set', items: [] }); break; // EMPTY_SET
      case 0x90: { const items = popMark(); const s = top(); if (s && typeof s === 'object' && (s as PySet).kind === 'set') { for (const x of items) (s as PySet).items.push(x); } else fail('ADDITEMS on a non-set'); break; }
      case 0x91: push({ kind: 'set', items: popMark() }); break; // FROZENSET
      case 0x70: memo.set(Number.parseInt(line(), 10), top()); break; // PUT
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x67: case 0x68: case 0x6a: { // GET, BINGET, LONG_BINGET
        const k = op === 0x67 ? Number.parseInt(line(), 10) : op === 0x68 ? u8() : u32();
        if (!memo.has(k)) fail(`the pickle reads memo ${k}, which it never stored (damaged file)`);
        push(memo.get(k)!);
        break;
      }
      case 0x63: { const module = line(); const name = line(); push(globalRef(module, name)); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); if (typeof module !== 'string' || typeof name !== 'string') fail('STACK_GLOBAL with non-string names'); push(globalRef(module as string, name as string)); break; }
      case 0x52: { const args = pop(); const fn = pop(); push(reduce(fn, args)); break; } // REDUCE
      case 0x62: { // BUILD
        const state = pop();
        const obj = top();
        if (isObject(obj) || isRefused(obj)) obj.state = state;
        else if (isDict(obj) && isDict(state)) for (const [k, v] of state.entries) obj.entries.set(k, v);
        break; // BUILD on a tensor or a refused value: the state (hooks, __setstate__ data) is not needed
      }
      case 0x81: { const args = pop(); const cls = pop(); push(newObject(cls, args)); break; } // NEWOBJ
      case 0x92: { pop(); const args = pop(); const cls = pop(); push(newObject(cls, args)); break; } // NEWOBJ_EX
      case 0x69: { const module = line(); const name = line(); const args = popMark(); push(refuse(`${module}.${name}`, { kind: 'tuple', items: args })); break; } // INST
      case 0x6f: { const items = popMark(); const cls = items.shift() ?? null; push(isGlobal(cls) ? refuse(globalName(cls), { kind: 'tuple', items }) : refuse('an object', null)); break; } // OBJ
      case 0x50: { const id = line(); push(options.persistentLoad?.(id) ?? { kind: 'persistent', id }); break; } // PERSID
      case 0x51: { const id = pop(); push(options.persistentLoad?.(id) ?? { kind: 'persistent', id }); break; } // BINPERSID
      case 0x82: case 0x83: case 0x84: return fail('the pickle uses the copyreg extension registry (EXT1/2/4), which Gate Lens does not read');
      case 0x97: case 0x98: return fail('the pickle uses out-of-band buffers (protocol 5 NEXT_BUFFER), which a file cannot supply');
      default: return fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}; the file is damaged or not a pickle`);
    }
  }

  function newObject(cls: PyValue, args: PyValue): PyValue {
    if (!isGlobal(cls)) return refuse(`an object of ${describe(cls)}`, args);
    // NEWOBJ is cls.__new__(cls, *args): built here as an inert record; nothing of the class runs.
    if (globalName(cls) === 'collections.OrderedDict') return new PyDict(true);
    return { kind: 'object', cls, args: [...(itemsOf(args) ?? [])] };
  }
}

/** Python 2 names that protocol-2 pickles still write (pickle's _compat_pickle.IMPORT_MAPPING). */
const PY2_MODULES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

function globalRef(module: string, name: string): PyGlobal {
  return { kind: 'global', module: PY2_MODULES[module] ?? module, name };
}

export const isRefused = (v: unknown): v is PyRefused => !!v && typeof v === 'object' && (v as PyRefused).kind === 'refused';

function tupleKey(t: PyTuple): string {
  return `(${t.items.map((x) => (typeof x === 'string' ? JSON.stringify(x) : String(x))).join(', ')})`;
}

export function describe(v: unknown): string {
  if (v === null) return 'None';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Uint8Array) return 'bytes';
  if (typeof v === 'object') {
    const k = (v as { kind?: string }).kind;
    if (k === 'global') return `\`${globalName(v as PyGlobal)}\``;
    if (k === 'object') return `object of \`${globalName((v as PyObject).cls)}\``;
    return k ?? 'object';
  }
  return typeof v === 'string' ? 'str' : typeof v;
}
