import * as assert from 'node:assert/strict';
import { extractArrays, MAX_DIAGNOSTICS } from '../../../src/core/parse';
import type { ExtractedArray, ParseResult } from '../../../src/core/parse/types';

/** Every number token of a literal's text, read by an independent regex + parseFloat (the oracle). */
function oracleValues(literal: string): number[] {
  const tokens = literal.match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g) ?? [];
  return tokens.map((t) => parseFloat(t));
}

function only(text: string): ExtractedArray {
  const result = extractArrays(text);
  assert.equal(result.arrays.length, 1, `expected one array, got ${result.arrays.length}: ${JSON.stringify(result.arrays.map((a) => a.name))}`);
  return result.arrays[0];
}

function slice(text: string, range: { start: number; end: number } | undefined): string {
  assert.ok(range, 'range missing');
  return text.slice(range.start, range.end);
}

function values(array: ExtractedArray): number[] {
  return Array.from(array.values);
}

function codes(result: ParseResult): string[] {
  return result.diagnostics.map((d) => d.code);
}

describe('extractArrays: Python literals', () => {
  it('reads np.array with a dtype keyword, its name, and exact ranges', () => {
    const text = 'import numpy as np\nW = np.array([[0.1, -0.2], [3e-3, 4]], dtype=np.float32)  # kernel\n';
    const a = only(text);
    assert.equal(a.name, 'W');
    assert.equal(slice(text, a.nameRange), 'W');
    assert.equal(slice(text, a.range), 'np.array([[0.1, -0.2], [3e-3, 4]], dtype=np.float32)');
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual(values(a), [0.1, -0.2, 0.003, 4]);
    assert.ok(a.values instanceof Float64Array);
    assert.equal(a.form, 'python_literal');
    assert.equal(a.dtype, 'np.float32');
    assert.equal(a.index, 0);
    assert.equal(a.list, undefined);
  });

  for (const callee of ['np.asarray', 'numpy.array', 'torch.tensor', 'torch.Tensor', 'tf.constant', 'tf.Variable', 'jnp.array']) {
    it(`reads ${callee}([...]) as a python literal`, () => {
      const text = `w = ${callee}([[1.5, 2], [-3, 4.25]])\n`;
      const a = only(text);
      assert.equal(a.name, 'w');
      assert.deepEqual(a.shape, [2, 2]);
      assert.deepEqual(values(a), [1.5, 2, -3, 4.25]);
      assert.equal(slice(text, a.range), `${callee}([[1.5, 2], [-3, 4.25]])`);
      assert.equal(a.form, 'python_literal');
    });
  }

  it('reads a plain nested list assigned to a name', () => {
    const text = 'x = [[0.1, 0.2]]';
    const a = only(text);
    assert.equal(a.name, 'x');
    assert.deepEqual(a.shape, [1, 2]);
    assert.equal(slice(text, a.range), '[[0.1, 0.2]]');
  });

  it('reads nested tuples, but not a shape tuple like (3, 12)', () => {
    const text = 'k = ((0.5, 0.25), (1, 2))\nshape = (3, 12)\nsizes = [4, 8]\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => a.name), ['k']);
    assert.deepEqual(result.arrays[0].shape, [2, 2]);
    assert.deepEqual(values(result.arrays[0]), [0.5, 0.25, 1, 2]);
  });

  it('does not report index lists, loop lists or call arguments in code', () => {
    const text = [
      'y = x[0]',
      'z = m[1:3, 2]',
      'for i in [1, 2, 3]:',
      '    total += f([4, 5])',
      'def g():',
      '    return [1, 2]',
      'if a == [1, 2]: pass',
      'q = foo(bar)[2]',
    ].join('\n');
    const result = extractArrays(text);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(result.diagnostics, []);
  });

  it('does not name a list by the variable a call result is assigned to', () => {
    const result = extractArrays('window = deque([0])\ndata = bytearray([1, 2])\n');
    assert.deepEqual(result.arrays, []);
  });

  it("treats '//' as floor division, not a comment", () => {
    const result = extractArrays('n = [a // b] * 3\nw = [1.5, 2.5]\n');
    assert.deepEqual(result.arrays.map((a) => a.name), ['w']);
    assert.deepEqual(result.diagnostics, []);
  });

  it('takes an annotation only from the same line', () => {
    const a = only('if x is None:\n    minimums = [0.5]\n');
    assert.equal(a.name, 'minimums');
  });

  it('names dict entries by their key and keeps the dict name in the path', () => {
    const text = 'weights = {"lstm/kernel": np.array([[1, 2]]), \'lstm/bias\': [0.5, 0.25]}';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, a.path]),
      [
        ['lstm/kernel', [1, 2], ['weights']],
        ['lstm/bias', [2], ['weights']],
      ],
    );
    assert.equal(slice(text, result.arrays[0].nameRange), 'lstm/kernel');
    assert.equal(slice(text, result.arrays[1].range), '[0.5, 0.25]');
  });

  it('names subscript assignments weights["name"] = ... by the key', () => {
    const text = 'weights = {}\nweights["lstm/kernel"] = np.array([0.1, 0.2])\nstate["rnn"][\'bias\'] = [1.0]\n';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.path, slice(text, a.nameRange)]),
      [
        ['lstm/kernel', ['weights'], 'lstm/kernel'],
        ['rnn/bias', ['state'], 'bias'],
      ],
    );
  });

  it('uses the annotated name, not the annotation, and the wrapped name through nn.Parameter', () => {
    const text = 'w: np.ndarray = np.array([1.0, 2.0])\nself.bias = nn.Parameter(torch.tensor([0.5, -0.5]))\n';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => a.name),
      ['w', 'self.bias'],
    );
    assert.equal(slice(text, result.arrays[1].range), 'torch.tensor([0.5, -0.5])');
  });

  it('reads keyword arguments: dtype spelled several ways, and tf.Variable name=', () => {
    const text = "a = np.array([1], dtype='float64')\nb = tf.Variable([[2.0]], dtype=tf.float32, name='kernel')\nc = torch.tensor([3.0], dtype=torch.float64, requires_grad=True)\n";
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.dtype]),
      [
        ['a', 'float64'],
        ['b', 'tf.float32'],
        ['c', 'torch.float64'],
      ],
    );
    const unnamed = extractArrays("tf.Variable([[2.0]], name='lstm/kernel:0')").arrays[0];
    assert.equal(unnamed.name, 'lstm/kernel:0');
  });

  it('reads scientific notation, ints, negative zero, trailing commas, comments and wrapped lines', () => {
    const text = 'v = np.array([\n  1e-3, -2.5E+2,  # first\n  7, -0.0,\n  .5, 5., +3,\n  6.02214076e23,   # last\n])';
    const a = only(text);
    assert.deepEqual(a.shape, [8]);
    assert.deepEqual(values(a), [0.001, -250, 7, -0, 0.5, 5, 3, 6.02214076e23]);
    assert.ok(Object.is(a.values[3], -0), '-0.0 keeps its sign');
  });

  it('keeps NaN and Inf in every spelling and warns with the array name and position', () => {
    const text = "b = np.array([[1, nan], [-inf, np.nan], [float('nan'), float(\"-inf\")], [np.inf, Infinity]])";
    const result = extractArrays(text);
    const a = result.arrays[0];
    assert.deepEqual(a.shape, [4, 2]);
    assert.equal(a.values[0], 1);
    assert.ok(Number.isNaN(a.values[1]));
    assert.equal(a.values[2], -Infinity);
    assert.ok(Number.isNaN(a.values[3]));
    assert.ok(Number.isNaN(a.values[4]));
    assert.equal(a.values[5], -Infinity);
    assert.equal(a.values[6], Infinity);
    assert.equal(a.values[7], Infinity);
    assert.deepEqual(codes(result), ['nan-values']);
    const d = result.diagnostics[0];
    assert.equal(d.severity, 'warning');
    assert.equal(d.name, 'b');
    assert.match(d.message, /'b' holds 7 NaN\/Inf values/);
    assert.match(d.message, /\[0, 1\]/);
    assert.equal(slice(text, d.range), 'nan');
  });

  it('reads NumPy 2 scalar reprs inside a list', () => {
    const a = only('w = [np.float32(0.5), np.float64(-1.25), np.float32(nan)]');
    assert.deepEqual(a.shape, [3]);
    assert.equal(a.values[0], 0.5);
    assert.equal(a.values[1], -1.25);
    assert.ok(Number.isNaN(a.values[2]));
  });

  it('reads Python digit separators as Python does', () => {
    assert.deepEqual(values(only('w = [1_000.5, 2_0]')), [1000.5, 20]);
  });

  it('reads scalars: tensor(0.5) is a 0-d array', () => {
    const a = only('t = torch.tensor(0.5)');
    assert.deepEqual(a.shape, []);
    assert.deepEqual(values(a), [0.5]);
  });
});

describe('extractArrays: numbers are bit-identical to parseFloat', () => {
  const tokens = [
    '0.1', '-0.2', '0.30000000000000004', '1e23', '8.589973e9', '9007199254740993', '123456789012345678901234567890',
    '2.2250738585072014e-308', '2.2250738585072011e-308', '4.9e-324', '5e-324', '1e-400', '1.7976931348623157e308',
    '1e309', '0.000001', '1e-7', '123.456e-25', '0.1e22', '1e22', '1e-22', '100000000000000000000000', '3.141592653589793',
    '2.718281828459045235360287', '-0', '0e0', '0.0000000000000000000000000000001', '7.2057594037927933e16',
    '1.00000000000000011102230246251565404236316680908203125', '0.9999999999999999',
  ];
  it('matches parseFloat for edge-case tokens (subnormals, 2^53+1, long mantissas, overflow)', () => {
    const text = `w = [${tokens.join(', ')}]`;
    const a = only(text);
    assert.equal(a.values.length, tokens.length);
    tokens.forEach((t, k) => assert.ok(Object.is(a.values[k], parseFloat(t)), `${t}: ${a.values[k]} vs ${parseFloat(t)}`));
  });

  it('matches parseFloat on 20,000 random tokens of every length', function () {
    this.timeout(120_000); // a limit for slow shared machines, not a timing assertion
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const list: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + Math.floor(random() * 20);
      let mantissa = '';
      for (let d = 0; d < digits; d++) mantissa += Math.floor(random() * 10);
      const point = Math.floor(random() * (digits + 1));
      let token = mantissa.slice(0, point) + '.' + mantissa.slice(point);
      if (token === '.') token = '0.';
      if (random() < 0.5) token += 'e' + (Math.floor(random() * 80) - 40);
      if (random() < 0.5) token = '-' + token;
      list.push(token);
    }
    const a = only(`w = [${list.join(', ')}]`);
    list.forEach((t, k) => assert.ok(Object.is(a.values[k], parseFloat(t)), `${t}: ${a.values[k]} vs ${parseFloat(t)}`));
  });
});

// Real outputs of NumPy 2.4 and PyTorch 2.13 (print and repr), pasted as users paste them.
const NUMPY_PRINT = `[[ 0.52921575  0.12004717  0.29362142  0.672268    0.56026745 -0.2931834
   0.28502655 -0.04540716 -0.03096566  0.12317956  0.04321307  0.43628207]
 [ 0.22831132  0.03650251  0.13315898  0.10010231  0.44822374 -0.06154748
   0.09392031 -0.25622874 -0.765897    0.19608559  0.25933087 -0.22264951]
 [ 0.68092644 -0.43630973  0.01372756 -0.05615516  0.45983377  0.44080767
   0.04648423  0.11344876 -0.26633573 -0.59423894 -0.10437366  0.04690469]]`;
const NUMPY_REPR = `array([[ 0.52921575,  0.12004717,  0.29362142,  0.672268  ,  0.56026745,
        -0.2931834 ,  0.28502655, -0.04540716, -0.03096566,  0.12317956,
         0.04321307,  0.43628207],
       [ 0.22831132,  0.03650251,  0.13315898,  0.10010231,  0.44822374,
        -0.06154748,  0.09392031, -0.25622874, -0.765897  ,  0.19608559,
         0.25933087, -0.22264951],
       [ 0.68092644, -0.43630973,  0.01372756, -0.05615516,  0.45983377,
         0.44080767,  0.04648423,  0.11344876, -0.26633573, -0.59423894,
        -0.10437366,  0.04690469]], dtype=float32)`;
const NUMPY_TRUNCATED = `[[ 1.2302907   1.2023798  -0.3873268  ... -1.2348258   0.40234163
  -0.6848101 ]
 [-0.87079716 -0.5788497  -0.31155252 ...  1.9100649  -0.26800337
   0.8024564 ]
 ...
 [-0.923912    1.4121517  -1.3804307  ...  0.21839707 -0.34419647
  -0.25271067]]`;
const STATE_DICT = `OrderedDict([('weight_ih_l0', tensor([[-0.0075,  0.5364],
        [-0.8230, -0.7359],
        [-0.3852,  0.2682],
        [-0.0198,  0.7929]])), ('weight_hh_l0', tensor([[-0.0887],
        [ 0.2646],
        [-0.3022],
        [-0.1966]])), ('bias_ih_l0', tensor([-0.9553, -0.6623, -0.4122,  0.0370])), ('bias_hh_l0', tensor([ 0.3953,  0.6000, -0.6779, -0.4355]))])`;

describe('extractArrays: NumPy reprs and prints', () => {
  it('reads array([...], dtype=float32) reprs', () => {
    const a = only(NUMPY_REPR);
    assert.equal(a.form, 'numpy_repr');
    assert.equal(a.dtype, 'float32');
    assert.deepEqual(a.shape, [3, 12]);
    assert.equal(slice(NUMPY_REPR, a.range), NUMPY_REPR);
    assert.deepEqual(values(a), oracleValues(NUMPY_REPR.replace('float32', '')));
  });

  it('reads the comma-less print() form across wrapped lines, same values as the repr', () => {
    const a = only(NUMPY_PRINT);
    assert.equal(a.form, 'numpy_repr');
    assert.deepEqual(a.shape, [3, 12]);
    assert.deepEqual(values(a), values(only(NUMPY_REPR)));
    assert.equal(a.values[5], -0.2931834);
    assert.equal(a.values[35], 0.04690469);
  });

  it('reads [0. 1. 2.] style prints', () => {
    const a = only('[0. 1. 2.]');
    assert.deepEqual(a.shape, [1 * 3]);
    assert.deepEqual(values(a), [0, 1, 2]);
  });

  it('reads print(model.get_weights()) as one unnamed list, order preserved', () => {
    const text = '[array([[ 0.1, -0.2]], dtype=float32), array([[0.3],\n       [0.4]], dtype=float32), array([0.5, 0.25], dtype=float32)]';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, a.list]),
      [
        [undefined, [1, 2], { id: 0, position: 0 }],
        [undefined, [2, 1], { id: 0, position: 1 }],
        [undefined, [2], { id: 0, position: 2 }],
      ],
    );
    assert.equal(slice(text, result.arrays[2].range), 'array([0.5, 0.25], dtype=float32)');
  });

  it('gives two printed lists two list ids', () => {
    const text = '[array([1.]), array([2.])]\n[array([3.])]\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => a.list), [{ id: 0, position: 0 }, { id: 0, position: 1 }, { id: 1, position: 0 }]);
  });

  it('names printed arrays by the name before them on the line: name:0 [[...]] and lstm/kernel [[...]]', () => {
    const text = `lstm_1/kernel:0 ${NUMPY_PRINT}\nlstm/bias [0.1 0.2 0.3]\nkernel: [[1. 2.]]\n`;
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, slice(text, a.nameRange)]),
      [
        ['lstm_1/kernel:0', [3, 12], 'lstm_1/kernel:0'],
        ['lstm/bias', [3], 'lstm/bias'],
        ['kernel', [1, 2], 'kernel'],
      ],
    );
    assert.equal(slice(text, result.arrays[0].range), NUMPY_PRINT);
  });

  it('names a printed array by a name alone on the line before it', () => {
    const text = 'lstm/recurrent_kernel:0\n[[0.5 0.25]\n [1.  2.  ]]\n';
    const a = only(text);
    assert.equal(a.name, 'lstm/recurrent_kernel:0');
    assert.deepEqual(a.shape, [2, 2]);
  });

  it('reads <tf.Variable ... numpy=array(...)> reprs under the variable name', () => {
    const text = "[<tf.Variable 'lstm/lstm_cell/kernel:0' shape=(1, 2) dtype=float32, numpy=array([[0.1, 0.2]], dtype=float32)>, <tf.Variable 'lstm/lstm_cell/bias:0' shape=(2,) dtype=float32, numpy=array([1., 0.], dtype=float32)>]";
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, slice(text, a.nameRange)]),
      [
        ['lstm/lstm_cell/kernel:0', [1, 2], 'lstm/lstm_cell/kernel:0'],
        ['lstm/lstm_cell/bias:0', [2], 'lstm/lstm_cell/bias:0'],
      ],
    );
  });

  it('reads TensorFlow eager tensor prints and reprs without taking "numpy" for a name', () => {
    const text = 'tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)\n<tf.Tensor: shape=(2,), dtype=float32, numpy=array([0.5, 0.25], dtype=float32)>\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, a.shape, values(a), a.dtype]), [
      [undefined, [2, 2], [1, 2, 3, 4], 'float32'],
      [undefined, [2], [0.5, 0.25], 'float32'],
    ]);
  });

  it('reads JAX Array reprs in a params dict', () => {
    const text = "{'params': {'lstm': {'kernel': Array([[0.5, -0.5]], dtype=float32), 'bias': Array([0., 1.], dtype=float32)}}}";
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, a.shape]), [['params/lstm/kernel', [1, 2]], ['params/lstm/bias', [2]]]);
  });

  it('reports a summarised print (...) as truncated-print, with how to print in full', () => {
    const result = extractArrays(`kernel ${NUMPY_TRUNCATED}`);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['truncated-print']);
    const d = result.diagnostics[0];
    assert.equal(d.severity, 'error');
    assert.equal(d.name, 'kernel');
    assert.match(d.message, /values that are not in the text/);
    assert.match(d.message, /np\.set_printoptions\(threshold=sys\.maxsize, precision=17\)/);
    assert.match(d.message, /torch\.set_printoptions\(profile="full", precision=17\)/);
    assert.equal(`kernel ${NUMPY_TRUNCATED}`.slice(d.range.start, d.range.end), '...');
  });
});

describe('extractArrays: PyTorch reprs', () => {
  it('reads tensor([...]) with dtype, requires_grad, grad_fn and device keywords', () => {
    const text = "tensor([[ 3., -4.]], dtype=torch.float64, grad_fn=<MulBackward0>)\ntensor([0.5, 0.6], device='cuda:0', requires_grad=True)";
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.shape, values(a), a.dtype, a.form, slice(text, a.range)]),
      [
        [[1, 2], [3, -4], 'torch.float64', 'torch_repr', 'tensor([[ 3., -4.]], dtype=torch.float64, grad_fn=<MulBackward0>)'],
        [[2], [0.5, 0.6], undefined, 'torch_repr', "tensor([0.5, 0.6], device='cuda:0', requires_grad=True)"],
      ],
    );
  });

  it('names model.named_parameters() prints: "name Parameter containing:" then the tensor', () => {
    const text = 'rnn.weight_ih_l0 Parameter containing:\ntensor([[ 0.2799,  0.3896]], requires_grad=True)\nrnn.bias_ih_l0 Parameter containing:\ntensor([-0.5060], requires_grad=True)\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, a.shape, slice(text, a.nameRange)]), [
      ['rnn.weight_ih_l0', [1, 2], 'rnn.weight_ih_l0'],
      ['rnn.bias_ih_l0', [1], 'rnn.bias_ih_l0'],
    ]);
  });

  it('reads Parameter containing: tensor(...)', () => {
    const text = 'Parameter containing:\ntensor([[-0.0887],\n        [ 0.2646],\n        [-0.3022],\n        [-0.1966]], requires_grad=True)';
    const a = only(text);
    assert.deepEqual(a.shape, [4, 1]);
    assert.deepEqual(values(a), [-0.0887, 0.2646, -0.3022, -0.1966]);
    assert.equal(a.form, 'torch_repr');
  });

  it('names tensors in print(model.state_dict()) by their tuple string', () => {
    const result = extractArrays(STATE_DICT);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, slice(STATE_DICT, a.nameRange)]),
      [
        ['weight_ih_l0', [4, 2], 'weight_ih_l0'],
        ['weight_hh_l0', [4, 1], 'weight_hh_l0'],
        ['bias_ih_l0', [4], 'bias_ih_l0'],
        ['bias_hh_l0', [4], 'bias_hh_l0'],
      ],
    );
    assert.deepEqual(values(result.arrays[3]), [0.3953, 0.6, -0.6779, -0.4355]);
    assert.deepEqual(result.diagnostics, []);
  });

  it('names tensors in the Python 3.12 OrderedDict({...}) repr by their key', () => {
    const text = "OrderedDict({'rnn.weight_ih_l0': tensor([[0.1000]]), 'rnn.bias_ih_l0': tensor([0.2000])})";
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, a.shape]), [['rnn.weight_ih_l0', [1, 1]], ['rnn.bias_ih_l0', [1]]]);
  });

  it('reports a summarised tensor print as truncated-print', () => {
    const result = extractArrays('tensor([[ 0.1000, -0.2000,  ...,  0.3000],\n        ...,\n        [ 0.4000,  0.5000,  ...,  0.6000]])');
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['truncated-print']);
  });
});

describe('extractArrays: JSON', () => {
  it('reads nested objects of arrays with slash-joined names and paths', () => {
    const text = '{"lstm": {"kernel": [[1, 2], [3, 4]], "bias": [0.5, -0.5]}, "dense": {"kernel": [[1e-3]]}}';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.name, a.shape, a.path, a.form]),
      [
        ['lstm/kernel', [2, 2], undefined, 'json'],
        ['lstm/bias', [2], undefined, 'json'],
        ['dense/kernel', [1, 1], undefined, 'json'],
      ],
    );
    assert.equal(slice(text, result.arrays[0].range), '[[1, 2], [3, 4]]');
    assert.equal(slice(text, result.arrays[0].nameRange), 'kernel');
  });

  it('joins keys of deeper nesting once each; the path holds only what the name does not', () => {
    const text = '{"model_weights": {"lstm": {"lstm_cell": {"kernel:0": [[0.5]]}}}}';
    const a = only(text);
    assert.equal(a.name, 'model_weights/lstm/lstm_cell/kernel:0');
    assert.equal(a.path, undefined);
    const assigned = only('weights = {"lstm": {"kernel": [[0.5]]}}');
    assert.equal(assigned.name, 'lstm/kernel');
    assert.deepEqual(assigned.path, ['weights']);
  });

  it('reads a top-level JSON array', () => {
    const a = only('[[0.25, 0.5], [1, 2]]\n');
    assert.deepEqual(a.shape, [2, 2]);
    assert.equal(a.form, 'json');
  });

  it('splits a list of differently shaped arrays (get_weights() as JSON) into an unnamed list', () => {
    const text = '{"weights": [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9]], [0.1, 0.2, 0.3]]}';
    const result = extractArrays(text);
    assert.deepEqual(
      result.arrays.map((a) => [a.shape, a.list, a.path, slice(text, a.range)]),
      [
        [[2, 3], { id: 0, position: 0 }, ['weights'], '[[1, 2, 3], [4, 5, 6]]'],
        [[1, 3], { id: 0, position: 1 }, ['weights'], '[[7, 8, 9]]'],
        [[3], { id: 0, position: 2 }, ['weights'], '[0.1, 0.2, 0.3]'],
      ],
    );
  });

  it('names the values of {"name": ..., "values": [...]} records by the record name', () => {
    const text = '[{"name": "lstm/kernel:0", "shape": [1, 2], "values": [[0.5, 0.25]]}]';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, a.shape]), [['lstm/kernel:0', [1, 2]]]);
  });

  it('ignores JSON strings, nulls and shapes', () => {
    const text = '{"class_name": "LSTM", "config": {"units": 3, "batch_input_shape": [null, 10, 1], "input_shape": [10, 1], "tags": ["a", "b"]}}';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(result.diagnostics, []);
  });
});

describe('extractArrays: diagnostics', () => {
  it('reports ragged rows with the row and both lengths', () => {
    const text = 'W = np.array([[1, 2, 3], [4, 5, 6], [7, 8]])';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['ragged-rows']);
    const d = result.diagnostics[0];
    assert.equal(d.name, 'W');
    assert.match(d.message, /row 2 has 2 values but row 0 has 3/);
    assert.equal(slice(text, d.range), '[7, 8]');
  });

  it('reports ragged rows deeper down with the full row index', () => {
    const text = 'W = [[[1, 2], [3, 4]], [[5, 6], [7]]]';
    const result = extractArrays(text);
    assert.deepEqual(codes(result), ['ragged-rows']);
    assert.match(result.diagnostics[0].message, /row \[1\]\[1\] has 1 values? but the rows before it have 2/);
  });

  it('reports non-numeric entries inside a constructor at the offending token', () => {
    const text = 'W = np.array([[0.1, abc], [0.3, 0.4]])';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['non-numeric']);
    assert.equal(slice(text, result.diagnostics[0].range), 'abc');
    assert.match(result.diagnostics[0].message, /'W' holds 'abc' is not a number/);
  });

  it('reads arithmetic on names as code, not as arrays that cannot be read', () => {
    // A hand-written GRU step (the per-gate reader's own material): `(1 - z)` is an expression, not a weight tuple.
    const code = [
      'def step(x, h):',
      '    z = sigmoid(np.dot(W_z, np.concatenate([h, x])) + b_z)',
      '    h = (1 - z) * h + z * h_tilde   # keep 1 - z of the old state',
      '    h_next = (1-u)*h_prev + u*c',
      '    s = 1/(1+np.exp(-x))',
      '    y = (1 + np.exp(-x)) ** -1',
      '    mix = [1 - alpha, alpha]',
      '',
    ].join('\n');
    assert.deepEqual(codes(extractArrays(code)), []);
    // Numbers that cannot be read are still reported, also beside code.
    const typed = extractArrays('b = [0.1, - 0.2]\nw = [0.1, \u22120.2]\nv = [0.5, -inf - 1]\n');
    assert.deepEqual(typed.diagnostics.map((d) => d.name), ['b', 'w', 'v']);
  });

  it('reads list repetition inside a constructor as code, not as a missing comma', () => {
    // A study notebook's input (corpus 48's form): `[1.0]*5` is valid Python, not two elements without a separator.
    const code = 'x_seq = torch.tensor([[1.0]*5, [2.0]*5, [3.0]*5]).float()\nh0 = np.array([0.0] * n_units)\n';
    const result = extractArrays(code);
    assert.deepEqual(codes(result), []);
    assert.deepEqual(result.arrays, []);
    // Its value is not the literal's: `[0.1] * 12` is never read as a (1,) bias.
    assert.deepEqual(extractArrays('bias = [0.1] * 12\nb = np.array([0.1]*12)\nw = [0.5, 0.25]\n').arrays.map((a) => a.name), ['w']);
    // A real missing comma, and an operator that is not a repetition (a list to a power fails in Python), still are.
    assert.deepEqual(codes(extractArrays('W = np.array([[0.1, 0.2] [0.3, 0.4]])\nv = np.array([0.5] ** 2)\n')), ['non-numeric', 'unterminated']);
  });

  it('reports a missing comma between values', () => {
    const result = extractArrays('W = np.array([0.1, 0.2 0.3])');
    assert.deepEqual(codes(result), ['non-numeric']);
    assert.match(result.diagnostics[0].message, /missing comma/);
  });

  it('reports empty constructor arrays and printed [] but not empty code lists', () => {
    const result = extractArrays('a = np.array([])\nb = []\nc = torch.tensor([[]])\n');
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['empty-array', 'empty-array']);
    assert.equal(result.diagnostics[0].name, 'a');
    assert.equal(result.diagnostics[1].name, 'c');
  });

  it('reports an unterminated numeric bracket at its opening bracket', () => {
    const text = 'x = 1\nW = np.array([[0.1, 0.2],\n [0.3, 0.4]';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['unterminated']);
    assert.equal(result.diagnostics[0].range.start, text.indexOf('[['));
  });

  it('reports a constructor call cut short after its array and reads on after it', () => {
    const text = 'W = np.array([1.0, 2.0]\nb = np.array([3.0], dtype=np.float32)\nc = torch.tensor([4.0], requires_grad=True\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => [a.name, values(a), a.dtype]), [
      ['W', [1, 2], undefined],
      ['b', [3], 'np.float32'],
      ['c', [4], undefined],
    ]);
    assert.deepEqual(codes(result), ['unterminated', 'unterminated']);
    assert.deepEqual(result.diagnostics.map((d) => d.name), ['W', 'c']);
  });

  it('reads positional and keyword arguments after the literal', () => {
    const a = only("w = np.array([[1, 2]], np.float32, copy=True, order='C')");
    assert.deepEqual(a.shape, [1, 2]);
    assert.equal(a.range.end, "w = np.array([[1, 2]], np.float32, copy=True, order='C')".length);
  });

  it('reports an unterminated list of arrays and still reads the arrays in it', () => {
    const result = extractArrays('[array([1., 2.]), array([3.])');
    assert.deepEqual(result.arrays.map((a) => a.shape), [[2], [1]]);
    assert.deepEqual(codes(result), ['unterminated']);
  });

  it('reports nesting deeper than the limit and reads the arrays after it', () => {
    const text = `W = ${'['.repeat(70)}1${']'.repeat(70)}\nb = [1.5]`;
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => a.name), ['b']);
    assert.deepEqual(codes(result), ['too-deep']);
    const shallow = extractArrays(text, { maxDepth: 80 });
    assert.deepEqual(shallow.arrays[0].shape, new Array(70).fill(1));
  });

  it('lists at most MAX_DIAGNOSTICS problems and counts the rest', () => {
    const result = extractArrays('x = [[1, 2], [3]]\n'.repeat(MAX_DIAGNOSTICS + 5));
    assert.equal(result.diagnostics.length, MAX_DIAGNOSTICS + 1);
    assert.ok(result.diagnostics.slice(0, MAX_DIAGNOSTICS).every((d) => d.code === 'ragged-rows'));
    const last = result.diagnostics[MAX_DIAGNOSTICS];
    assert.equal(last.code, 'more-diagnostics');
    assert.match(last.message, /^5 more problems not listed/);
  });

  it('refuses text over maxBytes with one diagnostic and no arrays', () => {
    const result = extractArrays('w = [1, 2, 3]', { maxBytes: 5 });
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['too-large']);
    assert.equal(result.diagnostics.length, 1);
  });

  it('stops when the signal is aborted', function () {
    this.timeout(120_000); // a limit for slow shared machines, not a timing assertion
    const result = extractArrays('w = [1, 2, 3]', { signal: { aborted: true } });
    assert.deepEqual(result.arrays, []);
    assert.deepEqual(codes(result), ['cancelled']);
    let polls = 0;
    const signal = {
      get aborted() {
        return ++polls > 2;
      },
    };
    const big = `w = [${'0.5, '.repeat(300000)}1]`;
    const late = extractArrays(big, { signal });
    assert.deepEqual(codes(late), ['cancelled']);
  });
});

describe('extractArrays: adversarial inputs', () => {
  it('survives 10^6 nested brackets of every kind without overflowing the stack', function () {
    this.timeout(120_000); // a limit for slow shared machines, not a timing assertion
    for (const open of ['[', '(', '{', 'f(', '[a,']) {
      const text = open.repeat(1_000_000);
      const result = extractArrays(text);
      assert.deepEqual(result.arrays, [], open);
      assert.ok(codes(result).includes('too-deep'), `${open}: ${codes(result).join(',')}`);
    }
    const balanced = '['.repeat(1_000_000) + '1' + ']'.repeat(1_000_000);
    assert.deepEqual(codes(extractArrays(`w = ${balanced}`)), ['too-deep']);
  });

  it('refuses a 100 MB single line through maxBytes, and reads a 20 MB single line in full', function () {
    this.timeout(120_000); // a limit for slow shared machines, not a timing assertion
    const huge = '0.125, '.repeat(15_000_000); // 105 MB
    const refused = extractArrays(huge);
    assert.deepEqual(codes(refused), ['too-large']);
    assert.deepEqual(refused.arrays, []);
    const count = 3_000_000;
    const line = `w = [${'0.125, '.repeat(count)}-1]`; // ≈ 21 MB, no newline
    const a = only(line);
    assert.deepEqual(a.shape, [count + 1]);
    assert.equal(a.values[0], 0.125);
    assert.equal(a.values[count - 1], 0.125);
    assert.equal(a.values[count], -1);
    assert.equal(a.range.end, line.length);
  });

  it('stays linear on repeated unclosed strings, quotes and calls', function () {
    this.timeout(120_000); // a quadratic scan would take minutes here; a limit, not a timing assertion
    const n = 200_000;
    for (const text of ['\\"'.repeat(n), '"' + '\\"'.repeat(n), "a\\'".repeat(n), "[float('".repeat(n), 'np.array([1],('.repeat(n / 4), 'x = ['.repeat(n / 2)]) {
      const result = extractArrays(text);
      for (const d of result.diagnostics) assert.ok(d.range.end <= text.length);
    }
  });

  it('reads the empty text and a text of whitespace to nothing', () => {
    assert.deepEqual(extractArrays(''), { arrays: [], diagnostics: [] });
    assert.deepEqual(extractArrays(' \n\t\r\n'), { arrays: [], diagnostics: [] });
  });

  it('keeps ranges right after a byte-order mark', () => {
    const text = '\uFEFFW = [[1.5, 2.5]]';
    const a = only(text);
    assert.equal(slice(text, a.range), '[[1.5, 2.5]]');
    assert.equal(slice(text, a.nameRange), 'W');
  });

  it('reads CRLF text: numpy prints and Python literals', () => {
    const text = NUMPY_PRINT.replace(/\n/g, '\r\n') + '\r\nb = np.array([1.,\r\n 2.])\r\n';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => a.shape), [[3, 12], [2]]);
    assert.deepEqual(values(result.arrays[0]), values(only(NUMPY_PRINT)));
    assert.equal(result.arrays[1].name, 'b');
  });

  it('reads dicts with mixed quotes and quotes inside strings', () => {
    const text = `w = {'a': [1.0], "b": [2.0], "it's": [3.0], 'say "hi"': [4.0], 'esc\\'aped': [5.0]}`;
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.map((a) => a.name), ['a', 'b', "it's", 'say "hi"', "esc'aped"]);
  });

  it('does not throw on binary garbage and keeps every range inside the text', function () {
    this.timeout(120_000); // a limit for slow shared machines, not a timing assertion
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      let text = '';
      for (let k = 0; k < 2000; k++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        text += String.fromCharCode(seed % (round % 2 ? 0x10000 : 256));
      }
      const result = extractArrays(text);
      for (const item of [...result.arrays.map((a) => a.range), ...result.diagnostics.map((d) => d.range)]) {
        assert.ok(item.start >= 0 && item.start <= item.end && item.end <= text.length);
      }
    }
  });

  it('keeps brackets inside strings, comments and docstrings out of the code: only embedded (marked) arrays come from them', () => {
    const text = '"""\nW = [[1, 2]]\n"""\n# b = [3]\ns = "[4, 5]"\nc = [6.0]';
    const result = extractArrays(text);
    assert.deepEqual(result.arrays.filter((a) => !a.embedded).map((a) => [a.name, values(a)]), [['c', [6]]]);
    assert.deepEqual(result.arrays.filter((a) => a.embedded).map((a) => [a.name, a.embedded]), [['W', 'string'], ['b', 'comment']]);
    assert.deepEqual(extractArrays(text, { fileKind: 'json' }).arrays.map((a) => a.name), ['c']);
  });

  it('reads an array after prose and a colon on the same line, apostrophes included', () => {
    const text = "Here's W: [[1, 2]]\n";
    const a = only(text);
    assert.equal(a.name, 'W');
    assert.equal(slice(text, a.range), '[[1, 2]]');
  });

  it('closes parentheses left open by prose at a blank line', () => {
    const text = 'I printed it (see below:\n\n[[0.5 0.25]\n [1.  2.  ]]\n';
    assert.deepEqual(only(text).shape, [2, 2]);
  });

  it('does not take code after a colon for printed output', () => {
    const result = extractArrays('f = lambda x: [1, 2]\nif x: [1]\nelse: [2]\n');
    assert.deepEqual(result.arrays, []);
  });

  it('is not thrown off by prose around a pasted print', () => {
    const text = "Here's what I got (after training):\n\nlstm/kernel:0\n[[0.5 0.25]\n [1.  2.  ]]\n\nWhat's wrong?";
    const a = only(text);
    assert.equal(a.name, 'lstm/kernel:0');
    assert.deepEqual(values(a), [0.5, 0.25, 1, 2]);
  });
});
