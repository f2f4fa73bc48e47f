// The recogniser's message templates: formatted English equals what the CLI prints, and every template has a
// Simplified Chinese entry in the l10n bundle with the same placeholders (the editor shows that translation).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { RECOGNISER_TEMPLATES, format, templated } from '../../../src/core/recognize/messages';
import { recognize } from '../../../src/core/recognize';
import { parsed, SEED_BIAS, SEED_KERNEL, SEED_RECURRENT } from './helpers';

const placeholders = (text: string): string[] => (text.match(/\{\d+\}/g) ?? []).sort();

describe('recogniser message templates (src/core/recognize/messages)', () => {
  it('formats positional placeholders, repeated ones included, and leaves a missing argument as written', () => {
    assert.equal(format(RECOGNISER_TEMPLATES.kerasForgetOnes, ['3:6']), 'bias holds 1.0 in 3:6 only → Keras unit_forget_bias, forget gate at 3:6');
    assert.equal(format('{1} then {0} then {2}', ['a', 'b']), 'b then a then {2}');
    assert.deepEqual(templated('stack', RECOGNISER_TEMPLATES.stackMismatch, 1, 8, 0, 4), {
      code: 'stack',
      message: 'PyTorch layer l1 should take D·Hout = 8 inputs from l0, but its weight_ih has 4 columns',
      template: RECOGNISER_TEMPLATES.stackMismatch,
      args: ['1', '8', '0', '4'],
    });
  });

  it('has a zh-cn translation of every template, with the same placeholders', () => {
    const bundle = JSON.parse(fs.readFileSync('l10n/bundle.l10n.zh-cn.json', 'utf8')) as Record<string, unknown>;
    const templates = Object.values(RECOGNISER_TEMPLATES);
    assert.ok(templates.length >= 50, `templates: ${templates.length}`);
    assert.deepEqual(templates.filter((t) => typeof bundle[t] !== 'string'), [], 'templates missing from l10n/bundle.l10n.zh-cn.json');
    assert.deepEqual(templates.filter((t) => placeholders(t).join() !== placeholders(bundle[t] as string).join()), [], 'translations whose placeholders differ');
    assert.deepEqual(templates.filter((t) => bundle[t] === t && /[a-z]{4,} [a-z]{4,}/.test(t)), [], 'English sentences left untranslated');
  });

  it('keeps message equal to the formatted template on recognised evidence', () => {
    const layer = recognize(parsed([
      { name: 'lstm_1_kernel_0', shape: [1, 12], data: SEED_KERNEL },
      { name: 'lstm_1_recurrent_kernel_0', shape: [3, 12], data: SEED_RECURRENT },
      { name: 'lstm_1_bias_0', shape: [12], data: SEED_BIAS },
    ]), '').layers[0];
    assert.ok(layer, 'one layer recognised');
    const forget = layer.evidence.find((e) => e.code === 'bias-forget-ones');
    assert.ok(forget, `evidence: ${layer.evidence.map((e) => e.code).join(', ')}`);
    assert.equal(forget.template, RECOGNISER_TEMPLATES.kerasForgetOnes);
    assert.deepEqual(forget.args, ['3:6']);
    assert.equal(forget.message, 'bias holds 1.0 in 3:6 only → Keras unit_forget_bias, forget gate at 3:6');
    for (const e of [...layer.evidence, ...layer.warnings]) if (e.template) assert.equal(format(e.template, e.args ?? []), e.message);
  });

  it('gives a wrong-gate slice its template, with the gate names as arguments', () => {
    const weights = parsed([
      { name: 'lstm_1_kernel_0', shape: [1, 12], data: SEED_KERNEL },
      { name: 'lstm_1_recurrent_kernel_0', shape: [3, 12], data: SEED_RECURRENT },
      { name: 'lstm_1_bias_0', shape: [12], data: SEED_BIAS },
    ]);
    const text = 'z = x @ lstm_1_kernel_0 + h @ lstm_1_recurrent_kernel_0 + lstm_1_bias_0\nf = sigmoid(z[0, 6:9])\n';
    const mismatch = recognize(weights, text).slices[0]?.mismatch;
    assert.ok(mismatch, 'the f slice is flagged');
    assert.equal(mismatch.template, RECOGNISER_TEMPLATES.sliceMismatchOneGate);
    assert.deepEqual(mismatch.args, ['f', 'forget gate', '6:9', 'cell candidate', 'c', 'Keras LSTM', 'i, f, c, o', '3:6']);
    assert.equal(mismatch.message, format(mismatch.template, mismatch.args ?? []));
    assert.equal(mismatch.message, '"f" names the forget gate, but 6:9 holds the cell candidate (c) in Keras LSTM order i, f, c, o; the forget gate is 3:6');
  });

  it('says where a PyTorch-over-ONNX preference came from, as a template with the code as its argument', () => {
    const unnamed = () => parsed([{ shape: [12, 1], list: 0 }, { shape: [12, 3], list: 0 }]);
    const fromFile = recognize(unnamed(), 'import torch\n').layers[0]?.evidence.find((e) => e.code === 'import');
    assert.ok(fromFile, 'import evidence');
    assert.equal(fromFile.template, RECOGNISER_TEMPLATES.pytorchNotOnnxFromFile);
    assert.deepEqual(fromFile.args, ['`import torch`']);
    assert.equal(fromFile.message, '`import torch` in the file → PyTorch, not ONNX');
    const fromSetting = recognize(unnamed(), { text: '', defaultConvention: 'pytorch' }).layers[0]?.evidence.find((e) => e.code === 'import');
    assert.equal(fromSetting?.message, 'the default convention setting (pytorch) → PyTorch, not ONNX');
    assert.equal(fromSetting?.template, RECOGNISER_TEMPLATES.pytorchNotOnnxFromSetting);
  });
});
