// Seeded fuzz inputs for extractArrays — realistic snippets of what people paste, random mixtures and mutations of
// them, random nested structures and random bytes — and the invariants every result must satisfy.
// Shared by fuzz.test.ts (a seeded subset in npm test) and fuzz-main.ts (npm run fuzz).
import type { ExtractOptions } from '../../../src/core/parse';
import type { ParseResult } from '../../../src/core/parse/types';
import { mulberry32 } from '../../../src/core/random';

export type Random = () => number;

const SNIPPETS: readonly string[] = [
  'import numpy as np\nW = np.array([[0.1, -0.2], [3e-3, 4]], dtype=np.float32)  # kernel\n',
  'b = [0.5, nan, -inf, np.nan, float("nan"), float(\'-inf\')]\n',
  'weights["lstm/kernel"] = np.asarray([[1, 2,], [3, 4]])\nweights[\'lstm/bias\'] = [0.0, -0.0]\n',
  'x = y[0]\nfor i in [1, 2]:\n    f([3, 4])\nreturn [5]\n',
  'd = {"lstm/kernel": np.array([1.5]), \'bias\': [[0.1, 0.2]], "shape": (3, 12)}\n',
  '[array([[ 0.1, -0.2]], dtype=float32), array([0.5, 0.25], dtype=float32)]\n',
  'lstm/kernel:0 [[ 0.1 -0.2]\n [ 0.3  0.4]]\n[0. 1. 2.]\n',
  "OrderedDict([('weight_ih_l0', tensor([[ 0.1, -0.2],\n        [ 0.3,  0.4]])), ('bias_ih_l0', tensor([0.5, 0.6], device='cuda:0', requires_grad=True))])\n",
  '{"lstm": {"kernel": [[1, 2], [3, 4]], "bias": [1, 2, 3]}, "gws": [[[1,2]], [3, 4, 5]]}\n',
  'Parameter containing:\ntensor([[ 0.1, -0.2, ..., 0.3]], requires_grad=True)\n',
  'x = [[1, 2], [3]]\n',
  "[<tf.Variable 'lstm/lstm_cell/kernel:0' shape=(1, 2) dtype=float32, numpy=array([[0.1, 0.2]], dtype=float32)>]\n",
  '[[ 1.2302907   1.2023798  -0.3873268  ... -1.2348258   0.40234163\n  -0.6848101 ]\n ...\n [-0.923912    1.4121517  -1.3804307  ...  0.21839707 -0.34419647\n  -0.25271067]]\n',
  'tensor([[ 3., -4.]], dtype=torch.float64, grad_fn=<MulBackward0>)\n',
  "OrderedDict({'rnn.weight_ih_l0': tensor([[0.1000]]), 'rnn.bias_ih_l0': tensor([0.2000])})\n",
  '[{"name": "lstm/kernel:0", "shape": [1, 2], "values": [[0.5, 0.25]]}]\n',
  'w: np.ndarray = np.array([1.0, 2.0])\nself.bias = nn.Parameter(torch.tensor([0.5, -0.5]))\n',
  "b = tf.Variable([[2.0]], dtype=tf.float32, name='kernel')\nc = tf.constant([1e-320, 5e-324, 1.7976931348623157e308, 1e400])\n",
  '"""\nW = [[1, 2]]\n"""\n# b = [3]\ns = "[4, 5]"\nc = [6.0]\n',
  "Here's what I got (after training):\n\nlstm/kernel:0\n[[0.5 0.25]\n [1.  2.  ]]\n\nWhat's wrong?\n",
  'k = ((0.5, 0.25), (1, 2))\nw = [np.float32(0.5), np.float64(-1.25)]\nv = [1_000.5, 2_0]\n',
  'array([[[1., 2.],\n        [3., 4.]],\n\n       [[5., 6.],\n        [7., 8.]]])\n',
  'W = np.array([[0.1, abc], [0.3, 0.4]])\nV = np.array([0.1, 0.2 0.3])\nE = np.array([])\n',
  '>>> print(model.get_weights())\n[array([[-0.43499 , -0.499383,  0.064624],\n       [ 0.035636, -0.143862,  0.477239]], dtype=float32), array([0.], dtype=float32)]\n',
  '\uFEFFW = [[1.5, 2.5]]\r\nb = np.array([1.,\r\n 2.])\r\n',
  'x = np.array([[0.83467698]])\nh_0 = np.zeros((1, 3))\nz = np.dot(x, W) + b\n',
  'W = np.array([[[-0.530041, -0.285102],\n        [ 0.314488, -0.175573]]], dtype=np.float32)\n',
  'tf.Tensor([[ 1.5  -2.    3.25]], shape=(1, 3), dtype=float32)\n<tf.Tensor: shape=(1, 3), dtype=float32, numpy=array([[ 1.5 , -2.  ,  3.25]], dtype=float32)>\n',
  '[<Variable path=sequential/lstm/lstm_cell/bias, shape=(8,), dtype=float32, value=[0. 0. 1. 1. 0. 0. 0. 0.]>]\n',
  'weight_hh_l0 Parameter containing:\ntensor([[-0.0198],\n        [ 0.7929]], requires_grad=True)\n',
  "{'params': {'lstm': {'kernel': Array([[0.5, -0.5]], dtype=float32)}}}\n",
  '{"w": [1.234567890123456789, 0.12345678901234567, 9007199254740993, 1e-22, 123456789012345678e-20]}\n',
];

const INTERESTING = ['[', ']', '(', ')', '{', '}', ',', ':', '=', "'", '"', '"""', '#', '.', '...', '\n', '\r\n', ' ', '-', '+', 'e', 'E', '0', '1', '9', '.5', 'nan', 'inf', '-inf', 'np.', 'array(', 'tensor(', 'np.array(', 'dtype=', '<', '>', '\\', '/', '//', '/*', '*/', '\uFEFF', '\u0000', '\uD800', 'é', '1e308', '1e-400', '0x1f', '1j', '_', 'numpy=', 'Parameter containing:\n', 'OrderedDict(['];

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function int(random: Random, below: number): number {
  return Math.floor(random() * below);
}

function randomNumberText(random: Random): string {
  const r = random();
  if (r < 0.05) return pick(random, ['nan', '-inf', 'inf', 'np.nan', "float('nan')", '-0.0', '1e308', '5e-324', '0.']);
  const digits = 1 + int(random, 19);
  let mantissa = '';
  for (let k = 0; k < digits; k++) mantissa += String(int(random, 10));
  const point = int(random, digits + 1);
  let text = point === digits ? mantissa : `${mantissa.slice(0, point) || '0'}.${mantissa.slice(point)}`;
  if (random() < 0.3) text += `e${int(random, 2) ? '-' : '+'}${int(random, 330)}`;
  if (random() < 0.4) text = `-${text}`;
  return text;
}

/** A random nested list, sometimes ragged, sometimes comma-less, sometimes wrapped in a constructor. */
function randomStructure(random: Random): string {
  const rank = 1 + int(random, 4);
  const dims = Array.from({ length: rank }, () => 1 + int(random, 4));
  const commaless = random() < 0.3;
  const separator = commaless ? ' ' : ', ';
  const ragged = random() < 0.1;
  const build = (level: number): string => {
    const size = ragged && random() < 0.3 ? 1 + int(random, 4) : dims[level];
    const items: string[] = [];
    for (let k = 0; k < size; k++) items.push(level === rank - 1 ? randomNumberText(random) : build(level + 1));
    return `[${items.join(level === rank - 1 ? separator : commaless ? '\n ' : ',\n ')}]`;
  };
  const literal = build(0);
  const wrappers = ['', 'x = ', 'np.array(', 'torch.tensor(', 'tensor(', 'array(', '"k": ', 'name:0 ', '{"a": '];
  const wrapper = pick(random, wrappers);
  const close = wrapper.endsWith('(') ? (random() < 0.5 ? ', dtype=float32)' : ')') : wrapper.startsWith('{') ? '}' : '';
  return wrapper + literal + close;
}

function mutate(random: Random, text: string): string {
  let out = text;
  const count = 1 + int(random, 6);
  for (let m = 0; m < count; m++) {
    const at = int(random, out.length + 1);
    switch (int(random, 9)) {
      case 0: // delete a range
        out = out.slice(0, at) + out.slice(Math.min(out.length, at + 1 + int(random, 20)));
        break;
      case 1: // insert an interesting token
        out = out.slice(0, at) + pick(random, INTERESTING) + out.slice(at);
        break;
      case 2: {
        // duplicate a range
        const end = Math.min(out.length, at + int(random, 60));
        out = out.slice(0, end) + out.slice(at, end) + out.slice(end);
        break;
      }
      case 3: // truncate
        out = out.slice(0, at);
        break;
      case 4: // replace one character with a random code unit
        out = out.slice(0, at) + String.fromCharCode(int(random, 0x10000)) + out.slice(at + 1);
        break;
      case 5: // splice another snippet in
        out = out.slice(0, at) + pick(random, SNIPPETS) + out.slice(at);
        break;
      case 6: // a run of one bracket
        out = out.slice(0, at) + pick(random, ['[', '(', '{', ']', ')', '}', '[1,', '(a', 'f(']).repeat(1 + int(random, 300)) + out.slice(at);
        break;
      case 7: // swap two ranges
      {
        const other = int(random, out.length + 1);
        const [a, b] = at < other ? [at, other] : [other, at];
        out = out.slice(b) + out.slice(a, b) + out.slice(0, a);
        break;
      }
      default: // insert a random number
        out = out.slice(0, at) + randomNumberText(random) + out.slice(at);
    }
  }
  return out;
}

function randomBytes(random: Random, length: number, alphabet: number): string {
  let out = '';
  for (let k = 0; k < length; k++) out += String.fromCharCode(int(random, alphabet));
  return out;
}

export interface FuzzCase {
  readonly kind: string;
  readonly text: string;
  readonly options: ExtractOptions;
}

/** Case `index` of the stream for `seed`: the same pair always gives the same case. */
export function fuzzCase(seed: number, index: number): FuzzCase {
  const random = mulberry32((seed * 0x9e3779b1) ^ index);
  const r = random();
  let kind: string;
  let text: string;
  if (r < 0.25) {
    kind = 'snippets';
    const parts: string[] = [];
    const count = 1 + int(random, 4);
    for (let k = 0; k < count; k++) parts.push(pick(random, SNIPPETS));
    text = parts.join(pick(random, ['', '\n', '\n\n', ' ', '\r\n']));
  } else if (r < 0.75) {
    kind = 'mutated';
    text = mutate(random, random() < 0.7 ? pick(random, SNIPPETS) : randomStructure(random));
  } else if (r < 0.92) {
    kind = 'structure';
    text = randomStructure(random);
  } else if (r < 0.995) {
    kind = 'bytes';
    text = randomBytes(random, int(random, 3000), random() < 0.5 ? 128 : random() < 0.5 ? 256 : 0x10000);
  } else {
    // Now and then a large case, to catch anything worse than linear.
    kind = 'large';
    const unit = random() < 0.5 ? pick(random, SNIPPETS) : randomStructure(random);
    text = mutate(random, unit.repeat(Math.ceil(200_000 / Math.max(1, unit.length))));
  }
  const options: ExtractOptions = random() < 0.1 ? { maxDepth: 1 + int(random, 10), maxBytes: random() < 0.3 ? int(random, text.length + 1) : undefined } : {};
  return { kind, text, options };
}

/** What must hold for every input: returns the broken invariants (empty when all hold). */
export function checkInvariants(text: string, result: ParseResult): string[] {
  const problems: string[] = [];
  const n = text.length;
  const validRange = (r: { start: number; end: number } | undefined): boolean =>
    !!r && Number.isInteger(r.start) && Number.isInteger(r.end) && r.start >= 0 && r.start <= r.end && r.end <= n;
  result.arrays.forEach((array, k) => {
    const label = `array #${k}`;
    if (array.index !== k) problems.push(`${label}: index ${array.index}`);
    if (!validRange(array.range)) problems.push(`${label}: range ${JSON.stringify(array.range)}`);
    if (array.nameRange !== undefined && !validRange(array.nameRange)) problems.push(`${label}: nameRange ${JSON.stringify(array.nameRange)}`);
    if (!(array.values instanceof Float64Array)) problems.push(`${label}: values not a Float64Array`);
    if (!array.shape.every((d) => Number.isInteger(d) && d >= 0)) problems.push(`${label}: shape ${JSON.stringify(array.shape)}`);
    const size = array.shape.reduce((a, b) => a * b, 1);
    if (size !== array.values.length) problems.push(`${label}: shape ${JSON.stringify(array.shape)} holds ${size} but ${array.values.length} values`);
    if (array.values.length === 0) problems.push(`${label}: empty array reported`);
    if (array.list && (!Number.isInteger(array.list.id) || array.list.id < 0 || array.list.position < 0)) problems.push(`${label}: list ${JSON.stringify(array.list)}`);
    // A literal made of numbers only: its values are exactly parseFloat of its tokens.
    if (validRange(array.range)) {
      const literal = text.slice(array.range.start, array.range.end);
      if (/^[[\]()\d\s.,eE+-]*$/.test(literal) && !literal.includes('..')) {
        const expected = (literal.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? []).map((t) => parseFloat(t));
        const same = expected.length === array.values.length && expected.every((v, i) => Object.is(v, array.values[i]));
        if (!same) problems.push(`${label}: values differ from parseFloat of the literal ${JSON.stringify(literal.slice(0, 80))}`);
      }
    }
  });
  result.diagnostics.forEach((d, k) => {
    if (!validRange(d.range)) problems.push(`diagnostic #${k}: range ${JSON.stringify(d.range)}`);
    if (!['error', 'warning', 'info'].includes(d.severity)) problems.push(`diagnostic #${k}: severity ${d.severity}`);
    if (!d.code || !d.message) problems.push(`diagnostic #${k}: empty code or message`);
  });
  return problems;
}
