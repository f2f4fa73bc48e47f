// The gate equations a text's own code writes out (a hand-written GRU or LSTM cell: `r = tf.sigmoid(tf.matmul(
// tf.concat([x, h], 1), r_w) + r_b)`, `h = u * h + (1 - u) * c`, `c = f * c + i * g`): parsed into small expression
// trees so recognition can read which array is which gate, where the reset gate acts and which update convention
// the code uses. Nothing is evaluated; only assignments of arithmetic, calls, lists and names are read.

export type Expr =
  | { readonly k: 'name'; readonly id: string }
  | { readonly k: 'num'; readonly v: number }
  | { readonly k: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly k: 'bin'; readonly op: '+' | '-' | '*' | '@' | '/'; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'neg'; readonly a: Expr }
  | { readonly k: 'seq'; readonly items: readonly Expr[] };

export interface Assignment {
  readonly target: string;
  readonly value: Expr;
  /** The statement as written (one line, continuation lines joined). */
  readonly text: string;
  /** Offset of the statement in the code it was read from. */
  readonly offset: number;
}

const MAX_STATEMENTS = 2000;
const MAX_STATEMENT_LENGTH = 600;

/** `self.W_z` → `W_z`, `params['Wf']` / `parameters["Wf"]` → `Wf`: how code refers to an array named W_z / Wf. */
export function plainName(written: string): string {
  const key = /^[\w.]+\[\s*['"]([\w./:]+)['"]\s*\]$/.exec(written);
  if (key) return key[1];
  return written.replace(/^(?:self|this|cell|model)\./, '');
}

/** Every `name = expression` statement of the code, in order (prompts, comments and bad syntax skipped). */
export function readAssignments(code: string): Assignment[] {
  const out: Assignment[] = [];
  for (const s of statements(code)) {
    if (out.length >= MAX_STATEMENTS) break;
    const m = /^([A-Za-z_][\w.]*(?:\[\s*['"][\w./:]+['"]\s*\])?)\s*=(?!=)\s*(.+)$/s.exec(s.text);
    if (!m) continue;
    const value = parseExpression(m[2]);
    if (value) out.push({ target: plainName(m[1]), value, text: s.text, offset: s.offset });
  }
  return out;
}

/** `concat[: n_a, :] = a_prev`: a write into rows [from:to] of an array (bounds as written; '' when open). */
export interface SliceAssignment {
  readonly target: string;
  readonly from: string;
  readonly to: string;
  readonly value: Expr;
  readonly text: string;
  readonly offset: number;
}

/** Every `name[a:b] = expression` / `name[a:b, :] = expression` statement of the code, in order. */
export function readSliceAssignments(code: string): SliceAssignment[] {
  const out: SliceAssignment[] = [];
  for (const s of statements(code)) {
    if (out.length >= MAX_STATEMENTS) break;
    const m = /^([A-Za-z_][\w.]*)\s*\[\s*([\w.]*)\s*:\s*([\w.]*)\s*(?:,\s*:\s*)?\]\s*=(?!=)\s*(.+)$/s.exec(s.text);
    if (!m) continue;
    const value = parseExpression(m[4]);
    if (value) out.push({ target: plainName(m[1]), from: m[2], to: m[3], value, text: s.text, offset: s.offset });
  }
  return out;
}

/** Logical lines: continuation lines of an open bracket joined, `>>> ` / `... ` prompts and `#` comments dropped. */
function statements(code: string): Array<{ text: string; offset: number }> {
  const out: Array<{ text: string; offset: number }> = [];
  let current = '';
  let start = 0;
  let depth = 0;
  let offset = 0;
  for (const raw of code.split('\n')) {
    const lineStart = offset;
    offset += raw.length + 1;
    const line = raw.replace(/^\s*(?:>>>|\.\.\.)(?: |$)/, '').replace(/#.*$/, '');
    if (!current) start = lineStart + (raw.length - raw.trimStart().length);
    current += (current ? ' ' : '') + line.trim();
    for (const ch of line) depth += ch === '(' || ch === '[' ? 1 : ch === ')' || ch === ']' ? -1 : 0;
    if (depth > 0 && current.length < MAX_STATEMENT_LENGTH) continue;
    if (current && current.length < MAX_STATEMENT_LENGTH) out.push({ text: current, offset: start });
    current = '';
    depth = 0;
  }
  return out;
}

type Token = { readonly t: 'name' | 'num' | 'op' | 'str'; readonly v: string };

function tokenize(s: string): Token[] | undefined {
  const out: Token[] = [];
  const re = /\s*(?:([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)|(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|('[^']*'|"[^"]*")|(\*\*|[-+*/@()[\],=:]))/y;
  let at = 0;
  while (at < s.length) {
    if (/^\s*$/.test(s.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) return undefined;
    at = re.lastIndex;
    if (m[1]) out.push({ t: 'name', v: m[1] });
    else if (m[2]) out.push({ t: 'num', v: m[2] });
    else if (m[3]) out.push({ t: 'str', v: m[3].slice(1, -1) });
    else out.push({ t: 'op', v: m[4] });
  }
  return out;
}

/** A Python expression of names, numbers, calls, subscripts, lists/tuples and + - * / @; undefined otherwise. */
export function parseExpression(s: string): Expr | undefined {
  const tokens = tokenize(s);
  if (!tokens?.length) return undefined;
  let p = 0;
  const peek = (v: string) => tokens[p]?.t === 'op' && tokens[p].v === v;
  const fail = (): never => { throw new SyntaxError(); };
  const expect = (v: string) => { if (!peek(v)) fail(); p++; };
  const sum = (): Expr => {
    let a = product();
    while (peek('+') || peek('-')) {
      const op = tokens[p++].v as '+' | '-';
      a = { k: 'bin', op, a, b: product() };
    }
    return a;
  };
  const product = (): Expr => {
    let a = unary();
    while (peek('*') || peek('@') || peek('/')) {
      const op = tokens[p++].v as '*' | '@' | '/';
      a = { k: 'bin', op, a, b: unary() };
    }
    return a;
  };
  const unary = (): Expr => {
    if (peek('-')) { p++; return { k: 'neg', a: unary() }; }
    if (peek('+')) { p++; return unary(); }
    return postfix(atom());
  };
  const list = (close: string): Expr[] => {
    const items: Expr[] = [];
    while (!peek(close)) {
      // keyword arguments (axis=1, dim=0) keep their value; the keyword itself does not matter here.
      if (tokens[p]?.t === 'name' && tokens[p + 1]?.t === 'op' && tokens[p + 1].v === '=') p += 2;
      items.push(sum());
      if (!peek(close)) expect(',');
    }
    p++;
    return items;
  };
  const postfix = (e: Expr): Expr => {
    for (;;) {
      if (peek('(') && e.k === 'name') { p++; e = { k: 'call', fn: e.id, args: list(')') }; continue; }
      if (peek('[')) {
        // x[t], X[:, t, :], params['Wf']: the subscripted value stays one operand, named as written.
        const from = p;
        let depth = 0;
        do { depth += peek('[') ? 1 : peek(']') ? -1 : 0; p++; } while (depth > 0 && p < tokens.length);
        if (depth > 0) fail();
        const key = tokens.slice(from + 1, p - 1);
        const id = e.k === 'name' ? (key.length === 1 && key[0].t === 'str' ? `${e.id}['${key[0].v}']` : `${e.id}[${key.map((t) => t.v).join('')}]`) : '?';
        e = { k: 'name', id: plainName(id) };
        continue;
      }
      if (peek('.') || (tokens[p]?.t === 'name' && tokens[p].v.startsWith('.'))) fail();
      return e;
    }
  };
  const atom = (): Expr => {
    const t = tokens[p++];
    if (!t) fail();
    if (t.t === 'name') return { k: 'name', id: plainName(t.v) };
    if (t.t === 'num') return { k: 'num', v: Number(t.v) };
    if (t.t === 'op' && t.v === '(') {
      const items = list(')');
      return items.length === 1 ? items[0] : { k: 'seq', items };
    }
    if (t.t === 'op' && t.v === '[') return { k: 'seq', items: list(']') };
    return fail();
  };
  try {
    const e = sum();
    return p === tokens.length ? e : undefined;
  } catch {
    return undefined;
  }
}

/** The last segment of a dotted call name: `tf.nn.sigmoid` → `sigmoid`. */
export const callName = (fn: string): string => fn.slice(fn.lastIndexOf('.') + 1);

/** The operands of a sum, flattened (`a + b + c` → [a, b, c]); subtraction stays one term. */
export function sumTerms(e: Expr): Expr[] {
  if (e.k === 'bin' && e.op === '+') return [...sumTerms(e.a), ...sumTerms(e.b)];
  if (e.k === 'call' && callName(e.fn) === 'bias_add' && e.args.length === 2) return [...sumTerms(e.args[0]), ...sumTerms(e.args[1])];
  return [e];
}

/** The factors of an element-wise product (`a * b`, `tf.multiply(a, b)`, `np.multiply(a, b)`, `torch.mul(a, b)`). */
export function productFactors(e: Expr): Expr[] {
  if (e.k === 'bin' && e.op === '*') return [...productFactors(e.a), ...productFactors(e.b)];
  if (e.k === 'call' && /^(?:multiply|mul)$/.test(callName(e.fn)) && e.args.length === 2) return [...productFactors(e.args[0]), ...productFactors(e.args[1])];
  return [e];
}

const MODULES = /^(?:np|numpy|tf|torch|jnp|K|F|math_ops|nn|tf\.linalg|tf\.math)$/;

/** A matrix product's two operands: `a @ b`, `tf.matmul(a, b)`, `np.dot(a, b)`, `torch.mm(a, b)`, `a.dot(b)`. */
export function matmulOperands(e: Expr): [Expr, Expr] | undefined {
  if (e.k === 'bin' && e.op === '@') return [e.a, e.b];
  if (e.k !== 'call' || !/^(?:matmul|dot|mm)$/.test(callName(e.fn))) return undefined;
  if (e.args.length === 2) return [e.args[0], e.args[1]];
  const owner = e.fn.slice(0, e.fn.lastIndexOf('.'));
  if (e.args.length === 1 && owner && !MODULES.test(owner)) return [{ k: 'name', id: plainName(owner) }, e.args[0]];
  return undefined;
}

/** The parts of a concatenation (`tf.concat([x, h], 1)`, `tf.concat(1, [x, h])`, `np.concatenate((h, x))`, `np.vstack`, `torch.cat`). */
export function concatParts(e: Expr): readonly Expr[] | undefined {
  if (e.k !== 'call' || !/^(?:concat|concatenate|cat|hstack|vstack|column_stack|row_stack)$/.test(callName(e.fn))) return undefined;
  const seq = e.args.find((a) => a.k === 'seq');
  return seq?.k === 'seq' && seq.items.length >= 2 ? seq.items : undefined;
}

/** A one-parameter function the text defines (`def sigmoid(x): return 1 / (1 + np.exp(-x))`), its body as an expression. */
export interface FunctionDef {
  readonly name: string;
  readonly param: string;
  /** The returned expression, with a local `s = …; return s` substituted. */
  readonly body: Expr | undefined;
  /** The `def` line as written, and its offset in the code. */
  readonly text: string;
  readonly offset: number;
}

/** Every `def f(x):` of the code whose body returns one expression of its parameter (read, never run). */
export function readFunctions(code: string): Map<string, FunctionDef> {
  const out = new Map<string, FunctionDef>();
  const lines = code.split('\n');
  let offset = 0;
  const starts = lines.map((l) => { const at = offset; offset += l.length + 1; return at; });
  for (let k = 0; k < lines.length && out.size < 100; k++) {
    const head = /^(\s*)def\s+([A-Za-z_]\w*)\s*\(\s*([A-Za-z_]\w*)\s*(?::\s*[\w.]+\s*)?\)\s*(?:->\s*[\w.]+\s*)?:\s*(.*)$/.exec(lines[k]);
    if (!head) continue;
    const indent = head[1].length;
    const body: string[] = head[4].trim() ? [head[4]] : [];
    for (let j = k + 1; j < lines.length && body.length < 20; j++) {
      if (!lines[j].trim()) continue;
      if (lines[j].length - lines[j].trimStart().length <= indent) break;
      body.push(lines[j]);
    }
    out.set(head[2], { name: head[2], param: head[3], body: returned(body.join('\n')), text: lines[k].trim(), offset: starts[k] + indent });
  }
  return out;
}

function returned(body: string): Expr | undefined {
  const ret = /^\s*return\s+(.+)$/m.exec(body.replace(/#.*$/gm, ''));
  if (!ret) return undefined;
  const value = parseExpression(ret[1].trim());
  if (value?.k !== 'name') return value;
  const local = readAssignments(body.slice(0, ret.index)).filter((a) => a.target === value.id).pop();
  return local ? local.value : value;
}

/** What a gate line's outer function computes, as an activation the engine knows (or why not). */
export interface GateFunction {
  /** The engine's name (`sigmoid`, `tanh`, `relu`, `hard_sigmoid_keras3`); undefined when not modelled. */
  readonly name: string | undefined;
  /** The function as the code writes it (`tf.nn.sigmoid`, `F.hardsigmoid`, `1 / (1 + np.exp(-·))`). */
  readonly written: string;
  /** Why it is not modelled: a function we do not model, or a name whose meaning depends on the Keras version. */
  readonly refused?: 'unknown' | 'keras-version';
  readonly arg: Expr;
  /** The text's own `def` of the function, when it has one. */
  readonly def?: FunctionDef;
}

const isNum = (e: Expr, v: number): boolean => e.k === 'num' && e.v === v;
const isExp = (e: Expr): e is Extract<Expr, { k: 'call' }> => e.k === 'call' && callName(e.fn) === 'exp' && e.args.length === 1;

/** `1 / (1 + exp(-a))` (also `1.0/(1.0+np.exp(-a))`): a. */
function inlineSigmoid(e: Expr): Expr | undefined {
  if (e.k !== 'bin' || e.op !== '/' || !isNum(e.a, 1) || e.b.k !== 'bin' || e.b.op !== '+') return undefined;
  const [p, q] = [e.b.a, e.b.b];
  const exp = isNum(p, 1) && isExp(q) ? q : isNum(q, 1) && isExp(p) ? p : undefined;
  const inner = exp?.args[0];
  return inner?.k === 'neg' ? inner.a : undefined;
}

/** A module's function by its last name: sigmoid and tanh from any module (tf.nn, torch, F, np, jax.nn, K). */
function libraryFunction(fn: string, keras3Shown: boolean): Pick<GateFunction, 'name' | 'refused'> {
  const name = callName(fn);
  const owner = fn.slice(0, Math.max(0, fn.lastIndexOf('.')));
  if (name === 'sigmoid' || name === 'expit') return { name: 'sigmoid' };
  if (name === 'tanh' || name === 'relu') return { name };
  // torch.nn.functional.hardsigmoid / torch.nn.Hardsigmoid: relu6(x + 3) / 6 (PyTorch's definition, the same as Keras 3's).
  if (name === 'hardsigmoid') return { name: 'hard_sigmoid_keras3' };
  // Keras 3 (keras/src/backend/*/nn.py) and jax.nn: relu6(x + 3) / 6; Keras 2 and tf.keras before TF 2.16:
  // clip(0.2x + 0.5, 0, 1). Only keras.ops / jax.nn, or a text that shows Keras 3, say which.
  if (name === 'hard_sigmoid') return /(?:^|\.)(?:ops|jax\.nn)$/.test(owner) || keras3Shown ? { name: 'hard_sigmoid_keras3' } : { name: undefined, refused: 'keras-version' };
  return { name: undefined, refused: 'unknown' };
}

/**
 * The function a gate line applies, read from the call as written, an inline `1 / (1 + exp(-a))`, or the text's own
 * `def` of the function (whose body must itself be one of these). A call of something else is returned as refused,
 * so the gate line is still seen and the refusal can name it.
 */
export function gateFunction(e: Expr, functions: ReadonlyMap<string, FunctionDef>, keras3Shown: boolean): GateFunction | undefined {
  const inline = inlineSigmoid(e);
  if (inline) return { name: 'sigmoid', written: '1 / (1 + exp(-·))', arg: inline };
  if (e.k !== 'call' || !e.args.length) return undefined;
  const def = functions.get(e.fn);
  if (def) {
    if (e.args.length !== 1) return { name: undefined, written: e.fn, refused: 'unknown', arg: e.args[0], def };
    const body = def.body;
    const own = body && (inlineSigmoid(body) ?? (body.k === 'call' && body.args.length === 1 ? body.args[0] : undefined));
    const bodyFn = body && !inlineSigmoid(body) && body.k === 'call' && !functions.has(body.fn) ? libraryFunction(body.fn, keras3Shown) : undefined;
    const name = body && inlineSigmoid(body) ? 'sigmoid' : bodyFn?.name;
    if (own?.k === 'name' && own.id === def.param && name) return { name, written: e.fn, arg: e.args[0], def };
    return { name: undefined, written: e.fn, refused: bodyFn?.refused ?? 'unknown', arg: e.args[0], def };
  }
  // np.maximum(0, a) / torch.clamp(a, min=0) style relu: np.maximum with a literal 0 on one side.
  if (callName(e.fn) === 'maximum' && e.args.length === 2 && e.args.some((a) => isNum(a, 0))) return { name: 'relu', written: `${e.fn}(0, ·)`, arg: e.args.find((a) => !isNum(a, 0))! };
  const lib = libraryFunction(e.fn, keras3Shown);
  // A call of several arguments (np.clip(a, 0, 1), F.leaky_relu(a, 0.1)) is not modelled; its first array argument is the gate's sum.
  if (e.args.length !== 1) return { name: undefined, written: e.fn, refused: 'unknown', arg: e.args.find((a) => a.k !== 'num') ?? e.args[0] };
  return { ...lib, written: e.fn, arg: e.args[0] };
}

/** `1 - u` / `(1 - u)` / `1.0 - u`: the gate u. */
export function oneMinus(e: Expr): string | undefined {
  return e.k === 'bin' && e.op === '-' && e.a.k === 'num' && e.a.v === 1 && e.b.k === 'name' ? e.b.id : undefined;
}

/** The text of an expression, for messages. */
export function exprText(e: Expr): string {
  switch (e.k) {
    case 'name': return e.id;
    case 'num': return String(e.v);
    case 'call': return `${e.fn}(${e.args.map(exprText).join(', ')})`;
    case 'bin': return `${exprText(e.a)} ${e.op} ${exprText(e.b)}`;
    case 'neg': return `-${exprText(e.a)}`;
    case 'seq': return `[${e.items.map(exprText).join(', ')}]`;
  }
}
