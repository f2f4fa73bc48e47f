// Reads the layer constructors and imports written next to pasted weights (`keras.layers.LSTM(4, ...)`,
// `nn.GRU(3, 4, num_layers=2, bidirectional=True)`, `helper.make_node("GRU", ..., linear_before_reset=1)`) as hints:
// options that the weights alone cannot show (activations, reset placement, merge mode, Keras version).

import type { CellKind } from '../conventions';
import type { MergeMode } from '../model';
import type { SourceRange } from '../parse/types';
import { evaluateInteger, integerAssignments, latestBefore, type IntegerAssignment } from './expr';
import { insideSpans, matchBracket, matchLines, nonCodeSpans, parseLiteral, spanAt, splitArguments, type ArgumentText, type PyValue } from './python';
import { CodeView } from '../text/code-view';

export type HintFramework = 'keras' | 'pytorch' | 'onnx' | 'flax';

export interface LayerHint {
  readonly cell: CellKind;
  readonly framework: HintFramework;
  /** The constructor call as written. */
  readonly text: string;
  readonly range: SourceRange;
  /** Written in a `#` comment rather than in code. */
  readonly inComment?: boolean;
  /** Keras 2 CuDNNLSTM / CuDNNGRU. */
  readonly cudnn?: boolean;
  readonly units?: number;
  readonly inputSize?: number;
  readonly numLayers?: number;
  readonly bidirectional?: boolean;
  readonly merge?: MergeMode;
  readonly projSize?: number;
  readonly resetAfter?: boolean;
  /** Keras `activation` / PyTorch RNN `nonlinearity`. */
  readonly activation?: string;
  /** Keras `recurrent_activation`. */
  readonly recurrentActivation?: string;
  readonly goBackwards?: boolean;
  /** ONNX direction="reverse". */
  readonly reverse?: boolean;
  readonly useBias?: boolean;
  /** ONNX node attributes. */
  readonly onnxActivations?: readonly string[];
  readonly activationAlpha?: readonly number[];
  readonly activationBeta?: readonly number[];
  readonly clip?: number;
  readonly inputForget?: boolean;
  /** The Keras layer name given with name="...". */
  readonly name?: string;
  /** TF1 LSTMCell / BasicLSTMCell / LSTMBlockCell (tensorflow/python/ops/rnn_cell_impl.py). */
  readonly tf1?: boolean;
  readonly forgetBias?: number;
  readonly cellClip?: number;
  /** ONNX layout=1 (batch-major X, Y). */
  readonly onnxLayout?: 1;
  /** TF1 LSTMCell proj_clip. */
  readonly projClip?: number;
}

export interface DenseHint {
  readonly framework: HintFramework;
  readonly text: string;
  readonly range: SourceRange;
  readonly units?: number;
  readonly inputSize?: number;
  readonly activation?: string;
}

export interface FrameworkSignal {
  readonly framework: HintFramework;
  readonly text: string;
  readonly range: SourceRange;
}

export interface Hints {
  readonly layers: readonly LayerHint[];
  readonly dense: readonly DenseHint[];
  readonly frameworks: readonly FrameworkSignal[];
  /** Code that pins Keras 2 (CuDNN layers, tf.compat.v1, tf_keras, a keras 2.x version). */
  readonly keras2: readonly FrameworkSignal[];
  /** Code that pins Keras 3 (keras.ops, KERAS_BACKEND, a keras 3.x version). */
  readonly keras3: readonly FrameworkSignal[];
  readonly integers: readonly IntegerAssignment[];
  /** The text's string and comment spans (nonCodeSpans), computed once here and shared with the slice reader. */
  readonly nonCode: ReadonlyArray<readonly [number, number]>;
}

const KERAS_CELLS: Record<string, { cell: CellKind; cudnn?: boolean }> = {
  LSTM: { cell: 'lstm' }, GRU: { cell: 'gru' }, SimpleRNN: { cell: 'simple_rnn' },
  LSTMCell: { cell: 'lstm' }, GRUCell: { cell: 'gru' }, SimpleRNNCell: { cell: 'simple_rnn' },
  CuDNNLSTM: { cell: 'lstm', cudnn: true }, CuDNNGRU: { cell: 'gru', cudnn: true },
};
const TORCH_CELLS: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN: 'simple_rnn', LSTMCell: 'lstm', GRUCell: 'gru', RNNCell: 'simple_rnn' };
const ONNX_OPS: Record<string, CellKind> = { LSTM: 'lstm', GRU: 'gru', RNN: 'simple_rnn' };
// flax.linen nn.LSTMCell(features=...), flax.nnx nnx.LSTMCell(in_features, hidden_features, rngs=...)
// (flax/linen/recurrent.py, flax/nnx/nn/recurrent.py); gate_fn / activation_fn are functions such as nn.hard_sigmoid.
const FLAX_CELLS: Record<string, CellKind> = { LSTMCell: 'lstm', OptimizedLSTMCell: 'lstm', GRUCell: 'gru', SimpleCell: 'simple_rnn' };

/** `nn.hard_sigmoid` / `jax.nn.relu` → the Gate Lens name (jax.nn.hard_sigmoid is relu6(x + 3)/6). */
function flaxActivation(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(value.trim());
  if (!m) return undefined;
  return m[1] === 'hard_sigmoid' ? 'hard_sigmoid_keras3' : m[1];
}

function str(v: PyValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function bool(v: PyValue | undefined): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return undefined;
}

interface Call {
  readonly qualifier: string;
  readonly callee: string;
  readonly start: number;
  readonly end: number;
  readonly args: ArgumentText[];
  readonly inComment: boolean;
}

const HINT_CALLEES = new Set([...Object.keys(KERAS_CELLS), ...Object.keys(TORCH_CELLS), ...Object.keys(FLAX_CELLS), 'make_node', 'Bidirectional', 'Dense', 'Linear', 'BasicLSTMCell', 'LSTMBlockCell']);

function findCalls(text: string, view: CodeView, spans: ReadonlyArray<readonly [number, number]>): Call[] {
  const calls: Call[] = [];
  // The search resumes right after each `(`: Bidirectional(LSTM(4)) holds a call of its own.
  view.forEachMatch(/((?:[A-Za-z_]\w*\.)*)([A-Za-z_]\w*)\s*\(/g, (m, at) => {
    // Calls in strings are not code; calls in a `#` comment (`# model.add(LSTM(3, input_shape=(1, 1)))`) are
    // still what the author says the layer is, so they count, matched within their own line.
    // Only the constructors this reader understands: np.array(...) around megabytes of numbers is not worth a look.
    if (!HINT_CALLEES.has(m[2])) return;
    const span = spanAt(spans, at);
    const inComment = span !== undefined && text[span[0]] === '#';
    if (span && !inComment) return;
    const open = at + m[0].length - 1;
    const close = matchBracket(text, open, inComment ? span![1] : text.length);
    if (close < 0) return;
    calls.push({ qualifier: m[1], callee: m[2], start: at, end: close, args: splitArguments(text.slice(open + 1, close - 1), open + 1), inComment });
  });
  return calls;
}

/** TF1 cells take the activation as a function: `activation=tf.nn.relu`, `tf.tanh`, `math_ops.sigmoid` → its name. */
function tf1ActivationFunction(value: string | undefined): string | undefined {
  const m = value === undefined ? null : /^\s*(?:(?:tf\.(?:compat\.v1\.)?(?:nn\.|math\.)?)|math_ops\.|nn_ops\.|nn\.)?([a-z_][a-z0-9_]*)\s*$/.exec(value);
  return m ? m[1] : undefined;
}

/**
 * What the code around the arrays says about them. `view` (the text without its numeric literals' bodies, built once
 * per analysis from the extractor's ranges) lets every search skip the numbers; without it the whole text is read.
 */
export function readHints(text: string, view: CodeView = new CodeView(text)): Hints {
  const spans = nonCodeSpans(text, view);
  const integers = integerAssignments(text, view);
  const layers: LayerHint[] = [];
  const dense: DenseHint[] = [];
  const bidirectionals: { start: number; end: number; merge?: MergeMode }[] = [];
  const lookupAt = (offset: number) => (name: string) => latestBefore(integers, name, offset);
  const int = (a: ArgumentText | undefined): number | undefined => (a ? evaluateInteger(a.value, lookupAt(a.offset)) : undefined);
  const lit = (a: ArgumentText | undefined): PyValue | undefined => (a ? parseLiteral(a.value) : undefined);
  /** The last entry of a literal shape tuple (input_shape=(None, 5) → 5), when it is a positive integer. */
  const lastDimension = (a: ArgumentText | undefined): number | undefined => {
    const v = lit(a);
    const last = Array.isArray(v) ? v[v.length - 1] : undefined;
    return typeof last === 'number' && Number.isInteger(last) && last > 0 ? last : undefined;
  };

  for (const call of findCalls(text, view, spans)) {
    const kw = (name: string) => call.args.find((a) => a.keyword === name);
    const pos = (k: number) => call.args.filter((a) => !a.keyword)[k];
    const range = { start: call.start, end: call.end };
    const inComment = call.inComment ? { inComment: true } : {};
    const written = text.slice(call.start, call.end);
    const torchy = /(^|\.)nn\.$/.test(call.qualifier) || call.qualifier.startsWith('torch.');

    if (call.callee === 'make_node') {
      const op = str(lit(pos(0)));
      if (!op || !ONNX_OPS[op]) continue;
      const activations = lit(kw('activations'));
      const nums = (v: PyValue | undefined) => (Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined);
      const direction = str(lit(kw('direction')));
      const clip = lit(kw('clip'));
      layers.push({
        cell: ONNX_OPS[op], framework: 'onnx', text: written, range, ...inComment,
        units: int(kw('hidden_size')),
        bidirectional: direction === 'bidirectional' ? true : direction ? false : undefined,
        reverse: direction === 'reverse' ? true : undefined,
        resetAfter: kw('linear_before_reset') ? bool(lit(kw('linear_before_reset'))) : undefined,
        onnxActivations: Array.isArray(activations) && activations.every((x) => typeof x === 'string') ? (activations as string[]) : undefined,
        activationAlpha: nums(lit(kw('activation_alpha'))),
        activationBeta: nums(lit(kw('activation_beta'))),
        clip: typeof clip === 'number' ? clip : undefined,
        inputForget: kw('input_forget') ? bool(lit(kw('input_forget'))) : undefined,
        ...(lit(kw('layout')) === 1 ? { onnxLayout: 1 as const } : {}),
      });
      continue;
    }
    if (call.callee === 'Bidirectional') {
      const merge = kw('merge_mode');
      let mode: MergeMode | undefined;
      if (merge) {
        const v = lit(merge);
        mode = v === null ? 'none' : (str(v) as MergeMode | undefined);
      }
      bidirectionals.push({ start: call.start, end: call.end, merge: mode });
      continue;
    }
    const flaxCell = FLAX_CELLS[call.callee];
    if (flaxCell && (kw('features') || kw('hidden_features') || kw('rngs') || /^(nnx|linen)\.$|flax\./.test(call.qualifier) || call.callee === 'OptimizedLSTMCell' || call.callee === 'SimpleCell')) {
      layers.push({
        cell: flaxCell, framework: 'flax', text: written, range, ...inComment,
        units: int(kw('features') ?? kw('hidden_features') ?? (kw('rngs') ? pos(1) : pos(0))),
        recurrentActivation: flaxActivation(kw('gate_fn')?.value),
        activation: flaxActivation(kw('activation_fn')?.value),
      });
      continue;
    }
    if (torchy && TORCH_CELLS[call.callee]) {
      const nonlinearity = str(lit(kw('nonlinearity')));
      layers.push({
        cell: TORCH_CELLS[call.callee], framework: 'pytorch', text: written, range, ...inComment,
        inputSize: int(kw('input_size') ?? pos(0)),
        units: int(kw('hidden_size') ?? pos(1)),
        numLayers: int(kw('num_layers') ?? pos(2)),
        useBias: bool(lit(kw('bias'))),
        bidirectional: bool(lit(kw('bidirectional'))),
        projSize: int(kw('proj_size')),
        activation: nonlinearity,
      });
      continue;
    }
    if (torchy && call.callee === 'Linear') {
      dense.push({ framework: 'pytorch', text: written, range, inputSize: int(kw('in_features') ?? pos(0)), units: int(kw('out_features') ?? pos(1)) });
      continue;
    }
    const tf1Cell = call.callee === 'BasicLSTMCell' || call.callee === 'LSTMBlockCell' ||
      ((call.callee === 'LSTMCell' || call.callee === 'GRUCell') && /rnn_cell\.$|contrib\.rnn\.$|compat\.v1\.|\brnn\.$/.test(call.qualifier));
    if (!torchy && tf1Cell) {
      const fb = lit(kw('forget_bias'));
      const clip = lit(kw('cell_clip'));
      const projClip = lit(kw('proj_clip'));
      layers.push({
        cell: call.callee === 'GRUCell' ? 'gru' : 'lstm', framework: 'keras', tf1: true, text: written, range, ...inComment,
        units: int(kw('num_units') ?? pos(0)),
        forgetBias: typeof fb === 'number' ? fb : undefined,
        cellClip: typeof clip === 'number' ? clip : undefined,
        projClip: typeof projClip === 'number' ? projClip : undefined,
        activation: str(lit(kw('activation'))) ?? tf1ActivationFunction(kw('activation')?.value),
      });
      continue;
    }
    if (!torchy && KERAS_CELLS[call.callee]) {
      const k = KERAS_CELLS[call.callee];
      const act = lit(kw('activation'));
      const ract = lit(kw('recurrent_activation'));
      layers.push({
        cell: k.cell, framework: 'keras', cudnn: k.cudnn, text: written, range, ...inComment,
        // Keras 1 wrote output_dim= and input_dim= (LSTM(4, input_dim=5)); input_shape=(T, D) gives D too.
        units: int(kw('units') ?? kw('output_dim') ?? pos(0)),
        inputSize: int(kw('input_dim')) ?? lastDimension(kw('input_shape')),
        activation: act === null ? 'linear' : str(act),
        recurrentActivation: ract === null ? 'linear' : str(ract),
        resetAfter: kw('reset_after') ? bool(lit(kw('reset_after'))) : undefined,
        goBackwards: kw('go_backwards') ? bool(lit(kw('go_backwards'))) : undefined,
        useBias: kw('use_bias') ? bool(lit(kw('use_bias'))) : undefined,
        name: str(lit(kw('name'))),
      });
      continue;
    }
    if (!torchy && call.callee === 'Dense') {
      const act = lit(kw('activation') ?? pos(1));
      dense.push({ framework: 'keras', text: written, range, units: int(kw('units') ?? pos(0)), activation: act === null ? 'linear' : str(act) });
    }
  }

  // Bidirectional(...) wraps the first recurrent constructor inside its parentheses.
  const withWrappers = layers.map((h) => {
    const wrap = bidirectionals.find((b) => b.start < h.range.start && h.range.end <= b.end);
    return wrap ? { ...h, bidirectional: true, merge: wrap.merge ?? 'concat' } : h;
  });

  const frameworks: FrameworkSignal[] = [];
  const keras2: FrameworkSignal[] = [];
  const keras3: FrameworkSignal[] = [];
  const scan = (re: RegExp, into: FrameworkSignal[], framework: HintFramework, allowInComments = false): void => {
    view.forEachMatch(re, (m, at) => {
      if (!allowInComments && insideSpans(spans, at)) return;
      into.push({ framework, text: m[0].trim(), range: { start: at, end: at + m[0].length } });
    });
  };
  // Import lines: only the lines that say `import` are tried (see matchLines), in document order per framework.
  const importLines = (re: RegExp, framework: HintFramework): void => {
    for (const { match, index } of matchLines(text, 'import', re, view)) {
      if (!insideSpans(spans, index)) frameworks.push({ framework, text: match[0].trim(), range: { start: index, end: index + match[0].length } });
    }
  };
  importLines(/^[ \t]*(?:import[ \t]+(?:keras|tensorflow|tf_keras)\b[^\n]*|from[ \t]+(?:keras|tensorflow|tf_keras)[\w.]*[ \t]+import[^\n]*)/, 'keras');
  importLines(/^[ \t]*(?:import[ \t]+torch\b[^\n]*|from[ \t]+torch[\w.]*[ \t]+import[^\n]*)/, 'pytorch');
  importLines(/^[ \t]*(?:import[ \t]+(?:onnx|onnxruntime)\b[^\n]*|from[ \t]+(?:onnx|onnxruntime)[\w.]*[ \t]+import[^\n]*)/, 'onnx');
  scan(/\bCuDNN(?:LSTM|GRU)\b|\btf\.compat\.v1\b|\btf_keras\b/g, keras2, 'keras');
  scan(/\b(?:keras|tensorflow)\s*(?:==|version\s*:?|v)?\s*2\.\d+(?:\.\d+)?/gi, keras2, 'keras', true);
  scan(/\bkeras\s*(?:==|version\s*:?|v)?\s*3\.\d+(?:\.\d+)?|\bkeras\.ops\b|\bKERAS_BACKEND\b/gi, keras3, 'keras', true);
  // tensorflow 2.16+ ships Keras 3 as tf.keras: that version string is a Keras 3 signal, not a Keras 2 one.
  const k2 = keras2.filter((s) => {
    const v = /tensorflow\s*(?:==|version\s*:?|v)?\s*2\.(\d+)/i.exec(s.text);
    if (v && Number(v[1]) >= 16) {
      keras3.push(s);
      return false;
    }
    return true;
  });
  // Code first: a constructor in code wins over one in a comment when both could describe the same layer.
  const ordered = [...withWrappers.filter((h) => !h.inComment), ...withWrappers.filter((h) => h.inComment)];
  return { layers: ordered, dense, frameworks, keras2: k2, keras3, integers, nonCode: spans };
}
