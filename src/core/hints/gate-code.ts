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

/** `sigmoid(...)`, `tf.nn.tanh(...)`, `torch.relu(...)`: the activation's name and its argument. */
export function activationCall(e: Expr): { name: string; arg: Expr } | undefined {
  if (e.k !== 'call' || e.args.length !== 1) return undefined;
  const name = callName(e.fn);
  return /^(?:sigmoid|tanh|relu|hard_sigmoid)$/.test(name) ? { name, arg: e.args[0] } : undefined;
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
