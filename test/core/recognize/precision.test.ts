// Precision honesty (src/core/recognize/precision.ts): a layer printed with torch's 4 or NumPy's 8 default decimals
// says how many digits it has, how far outputs move within that rounding, and the call that prints every bit.
import * as assert from 'node:assert/strict';
import { extractArrays, type FileKind } from '../../../src/core/parse';
import { rampInput, recognize, roundingEffect, TORCH_FULL_PRINT } from '../../../src/core/recognize';
import { countPrintedDecimals, printedPrecision } from '../../../src/core/recognize/precision';
import { PRINTED_MIN_VALUES } from '../../../src/core/parse/numeric-list';

function layerOf(text: string, fileKind: FileKind = 'text') {
  const parse = extractArrays(text, { fileKind });
  return recognize(parse, text).layers[0];
}

// A named_parameters() print at torch's default precision (4 decimals), as the PyTorch forum pastes have it.
const TORCH_PRINT = `weight_ih_l0 Parameter containing:
tensor([[-0.0075,  0.5364],
        [-0.8230, -0.7359],
        [-0.3852,  0.2682]], requires_grad=True)
weight_hh_l0 Parameter containing:
tensor([[-0.0198],
        [ 0.7929],
        [-0.0887]], requires_grad=True)
bias_ih_l0 Parameter containing:
tensor([ 0.2646, -0.3022, -0.1966], requires_grad=True)
bias_hh_l0 Parameter containing:
tensor([ 0.5760, -0.0384,  0.4212], requires_grad=True)
`;

describe('recognise: printed precision', () => {
  it("says a torch print at 4 decimals holds less than the stored weights, and gives the call with precision=", () => {
    const layer = layerOf(TORCH_PRINT);
    assert.equal(layer.cell, 'gru');
    const p = layer.printPrecision;
    assert.ok(p, 'precision noted');
    assert.deepEqual({ decimals: p.decimals, printer: p.printer, roundingBound: p.roundingBound }, { decimals: 4, printer: 'torch', roundingBound: 5e-5 });
    assert.equal(p.fullPrint, TORCH_FULL_PRINT);
    assert.match(p.fullPrint, /profile="full", precision=17/);
    // Moving every weight within ±5e-5 moves the outputs by about that order, never more than a few times the bound.
    const effect = roundingEffect(layer.layer, rampInput(layer.inputSize), p.roundingBound);
    assert.ok(effect > 1e-7 && effect < 1e-3, String(effect));
  });

  it('is silent when the print carries 17 significant digits', () => {
    const full = TORCH_PRINT.replace(/(-?\d\.\d{4})/g, '$1123456789012');
    assert.equal(layerOf(full).printPrecision, undefined);
  });

  it('names NumPy as the printer of a get_weights() list at its default 8 decimals', () => {
    const text = `[array([[ 0.11056691,  0.03153521, -0.78214532,  0.04079598]], dtype=float32),
 array([[-0.16277026, -0.43958429,  0.30112407,  0.07443386]], dtype=float32),
 array([ 0.12345678, -0.23456789,  0.34567891, -0.45678912], dtype=float32)]`;
    const layer = layerOf(text);
    assert.equal(layer.cell, 'lstm');
    assert.equal(layer.printPrecision?.printer, 'numpy');
    assert.equal(layer.printPrecision?.decimals, 8);
    assert.match(layer.printPrecision!.fullPrint, /np\.set_printoptions\(threshold=sys\.maxsize, precision=17\)/);
  });

  it('is silent when the code assigns the 4-decimal values to the module itself: they are the stored weights', () => {
    const assigned = [
      'rnn = nn.RNN(2, 2)',
      'rnn.weight_ih_l0 = nn.Parameter(torch.tensor([[-0.1046, -0.1705], [0.2841, -0.1657]]))',
      'rnn.weight_hh_l0 = nn.Parameter(torch.tensor([[0.2841, -0.1657], [-0.1046, -0.1705]]))',
      'rnn.bias_ih_l0.data = torch.tensor([0.3835, 0.1879])',
      'rnn.bias_hh_l0.data = torch.tensor([-0.6391, -0.0030])',
    ].join('\n');
    assert.equal(layerOf(assigned, 'python').printPrecision, undefined);
    // The same decimals bound to plain names are still read as a print copied into the code.
    const copied = assigned.replace(/rnn\.(\w+)(\.data)? = /g, '$1 = ');
    assert.equal(layerOf(copied, 'python').printPrecision?.decimals, 4);
  });

  it('does not flag hand-typed short values', () => {
    const text = 'kernel = [[0.5, -0.25, 0.125, 1.0]]\nrecurrent_kernel = [[0.1, 0.2, -0.3, 0.4]]\nbias = [0.0, 1.0, 0.0, 0.0]\n';
    assert.equal(layerOf(text, 'python').printPrecision, undefined);
  });

  it('counts decimals while extracting exactly as a search of the printed literals counts them', () => {
    // Long enough (PRINTED_MIN_VALUES) that the extractor counts: each row of tokens repeated.
    const long = (tokens: string, separator = ', ') => Array.from({ length: Math.ceil(PRINTED_MIN_VALUES / tokens.split(separator).length) }, () => tokens).join(separator);
    const texts: Array<[string, FileKind]> = [
      [`w = np.array([${long('0.12345678, -1.5, 3., 2.25e-3, 7, .5')}])\n`, 'python'],
      [`w = np.array([${long('0.12345678, -1.5, 3., 2.25, 7, .5')}])\n`, 'python'],
      [`w = [${long('0.1234, 0.5678, -0.0001, 1.0000, -2.5000, 3.1416')}]\n`, 'python'],
      [`w = [${long('np.float32(0.123456), np.float32(-0.5), float("0.125"), nan, -inf, 1E-5, 2.5')}]\n`, 'python'],
      [`x = array([${long('0.11056691  0.03153521 -0.78214532  0.04079598', '  ')}], dtype=float32)\n`, 'text'],
      [`w = [${long('1_000.5, 2.125, 10, -0.0')}]\n`, 'python'],
      [`tensor([${long('-0.0075,  0.5364, -0.8230, -0.7359')}], requires_grad=True)\n`, 'text'],
    ];
    for (const [text, fileKind] of texts) {
      const arrays = extractArrays(text, { fileKind }).arrays;
      assert.ok(arrays.length > 0 && arrays.every((a) => a.printedDecimals), text);
      for (const a of arrays) assert.deepEqual(a.printedDecimals, countPrintedDecimals(text, a.range), text.slice(a.range.start, a.range.end));
      const bare = arrays.map(({ printedDecimals: _counted, ...rest }) => rest);
      assert.deepEqual(printedPrecision(arrays, text), printedPrecision(bare, text), text);
    }
  });
});
