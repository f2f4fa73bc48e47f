// Generates a runnable NumPy forward pass for one recognised recurrent layer, written the way its own framework
// stores and computes it: the weights in the convention's layout and gate order, each gate slice named with the
// convention's letter. Pure string building (no vscode, no Node) so the CLI and the tests can use it too.
//
// The formulas follow the frameworks' sources (the same ones the forward pass cites):
//   Keras     keras/src/layers/rnn/lstm.py (_compute_carry_and_output_fused), gru.py (call: reset_after branches),
//             simple_rnn.py
//   PyTorch   torch/nn/modules/rnn.py (LSTM/GRU/RNN docstrings: gate equations and weight_hr projection)
//   ONNX      docs/Operators.md (LSTM, GRU, RNN equations; peephole P order i, o, f; B = [Wb, Rb])
//   TF1       tensorflow/python/ops/rnn_cell_impl.py LSTMCell.call (i, j, f, o = split; forget_bias; num_proj)

import { resolveActivation, ActCode, type ResolvedActivation } from '../activations';
import { adapter, CANONICAL_GATES, convention as conventionSpec, type CanonicalGate, type CellKind, type ConventionId } from '../conventions';
import { num, permuteRows, pyArray, type NumpyLayout as Layout } from './numpy-arrays';

export { pyList } from './numpy-arrays';
import type { InitialState, LayerActivations, RecurrentLayer, Sequence } from '../model';
import { GateLensError } from '../model';

/** What the generator needs to know about the layer (a RecognizedLayer satisfies it). */
export interface NumpyLayerInput {
  readonly name: string;
  readonly cell: CellKind;
  readonly convention: ConventionId;
  readonly layer: RecurrentLayer;
}

export interface NumpyOptions {
  /** The input sequence to run at the end (batch item 0 is used). Without one, a seeded NumPy draw. */
  readonly input?: Sequence;
  readonly initialStates?: readonly InitialState[];
  /** Significant digits for the weights: undefined writes every float64 exactly (shortest round-trip form). */
  readonly digits?: number;
}

/** Python identifier for a gate's activation variable: the convention's letter, unless it would shadow a state. */
function gateVar(label: string, cell: CellKind): string {
  if (cell === 'simple_rnn') return 'h';
  if (label === 'c' || label === 'h') return `${label}_tilde`;
  return label;
}

const PY_ACT: Record<ActCode, (a: number, b: number) => string> = {
  [ActCode.Tanh]: () => 'np.tanh(x)',
  [ActCode.Sigmoid]: () => 'np.exp(-np.logaddexp(0.0, -x))',
  [ActCode.HardSigmoid]: (a, b) => `np.clip(${num(a)} * x + ${num(b)}, 0.0, 1.0)`,
  [ActCode.Relu6Shift]: () => 'np.clip(x + 3.0, 0.0, 6.0) / 6.0',
  [ActCode.Relu]: () => 'np.maximum(x, 0.0)',
  [ActCode.Linear]: () => 'x',
  [ActCode.Affine]: (a, b) => `${num(a)} * x + ${num(b)}`,
  [ActCode.Elu]: (a) => `np.where(x >= 0, x, ${num(a)} * np.expm1(np.minimum(x, 0.0)))`,
  [ActCode.Selu]: (a, b) => `${num(b)} * np.where(x >= 0, x, ${num(a)} * np.expm1(np.minimum(x, 0.0)))`,
  [ActCode.Softsign]: () => 'x / (1.0 + np.abs(x))',
  [ActCode.Softplus]: () => 'np.logaddexp(x, 0.0)',
  [ActCode.Exponential]: () => 'np.exp(x)',
  [ActCode.Silu]: () => 'x * np.exp(-np.logaddexp(0.0, -x))',
  [ActCode.Gelu]: () => '0.5 * x * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))',
  [ActCode.GeluTanh]: () => '0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))',
  [ActCode.Relu6]: () => 'np.clip(x, 0.0, 6.0)',
  [ActCode.LeakyRelu]: (a) => `np.where(x >= 0, x, ${num(a)} * x)`,
  [ActCode.HardSilu]: () => 'x * np.clip(x + 3.0, 0.0, 6.0) / 6.0',
  [ActCode.Mish]: () => 'x * np.tanh(np.logaddexp(x, 0.0))',
  [ActCode.LogSigmoid]: () => '-np.logaddexp(0.0, -x)',
  [ActCode.ThresholdedRelu]: (a) => `np.where(x >= ${num(a)}, x, 0.0)`,
  [ActCode.ScaledTanh]: (a, b) => `${num(a)} * np.tanh(${num(b)} * x)`,
};

/** Emits one Python function per distinct activation and hands back its name. */
class ActivationTable {
  private readonly defs = new Map<string, { fn: string; body: string; formula: string }>();

  use(activation: ResolvedActivation): string {
    const key = `${activation.code}/${activation.alpha}/${activation.beta}`;
    const existing = this.defs.get(key);
    if (existing) return existing.fn;
    let fn = activation.name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
    if (fn === 'tanh' || fn === 'sigmoid' || fn === 'linear' || fn === 'relu') fn = `act_${fn}`;
    while ([...this.defs.values()].some((d) => d.fn === fn)) fn += '_';
    this.defs.set(key, { fn, body: PY_ACT[activation.code](activation.alpha, activation.beta), formula: activation.formula });
    return fn;
  }

  get usesMath(): boolean {
    return [...this.defs.values()].some((d) => d.body.includes('math.'));
  }

  render(): string {
    return [...this.defs.values()].map((d) => `def ${d.fn}(x):\n    # ${d.formula}\n    return ${d.body}\n`).join('\n');
  }
}

function activationsFor(layer: RecurrentLayer, direction: number): LayerActivations {
  const acts = layer.activations;
  if (Array.isArray(acts)) return (acts as readonly LayerActivations[])[Math.min(direction, acts.length - 1)];
  return acts as LayerActivations;
}

function buildLayout(input: NumpyLayerInput, digits: number | undefined): Layout {
  const { layer } = input;
  const spec = conventionSpec(input.convention, layer.cell);
  const H = layer.units;
  const G = CANONICAL_GATES[layer.cell].length;
  const canonical = CANONICAL_GATES[layer.cell];
  const order = spec.gateOrder.map((g) => canonical.indexOf(g.gate));
  const I = layer.inputSize;
  const Hr = layer.projSize ?? H;
  const perDir = layer.directions.map((w) => ({
    W: permuteRows(w.W, I, H, order),
    R: permuteRows(w.R, Hr, H, order),
    bW: permuteRows(w.bW, 1, H, order),
    bR: permuteRows(w.bR, 1, H, order),
    w,
  }));
  return adapter(input.convention).numpyLayout({
    layer, spec, perDir, digits, H, I, Hr, GH: G * H, D: layer.directions.length, useBias: layer.useBias !== false,
    resetAfter: layer.cell === 'gru' ? layer.resetAfter !== false : true, notes: [],
  });
}

function resolveAll(layer: RecurrentLayer, table: ActivationTable, direction: number): { gate?: string; candidate: string; output?: string } {
  const acts = activationsFor(layer, direction);
  return {
    gate: layer.cell === 'simple_rnn' ? undefined : table.use(resolveActivation(acts.gate)),
    candidate: table.use(resolveActivation(acts.candidate)),
    output: layer.cell === 'lstm' ? table.use(resolveActivation(acts.output)) : undefined,
  };
}

function stepFunction(input: NumpyLayerInput, layout: Layout, acts: { gate?: string; candidate: string; output?: string }, fnName: string): string {
  const { layer } = input;
  const { spec, H } = layout;
  const lines: string[] = [];
  const slot = (g: CanonicalGate) => spec.gateOrder.findIndex((s) => s.gate === g);
  const name = (g: CanonicalGate) => gateVar(spec.gateOrder[slot(g)].label, layer.cell);
  const sl = (k: number) => `[${k * H}:${(k + 1) * H}]`;
  const clip = (expr: string) => (layer.clip !== undefined ? `np.clip(${expr}, -${num(layer.clip)}, ${num(layer.clip)})` : expr);
  const hasPeephole = spec.id === 'onnx' && layer.directions.some((d) => d.peephole);

  if (layer.cell === 'lstm') {
    lines.push(`def ${fnName}(p, x_t, h, c):`);
    lines.push(`    pre = ${layout.pre ?? `${layout.xw} + ${layout.hu('h')}`}  # packed pre-activation, ${spec.gateOrder.map((g, k) => `${g.label} ${k * H}:${(k + 1) * H}`).join(', ')}`);
    // ONNX peepholes: P holds i, o, f; i and f look at the previous cell, o at the new one.
    const peep = (g: 'i' | 'f' | 'o', cell: string) => (hasPeephole ? ` + p['P'][${(g === 'i' ? 0 : g === 'o' ? 1 : 2) * H}:${((g === 'i' ? 0 : g === 'o' ? 1 : 2) + 1) * H}] * ${cell}` : '');
    const forgetBias = layer.forgetBias ? ` + ${num(layer.forgetBias)}` : '';
    lines.push(`    ${name('i')} = ${acts.gate}(${clip(`pre${sl(slot('i'))}${peep('i', 'c')}`)})  # ${spec.gateOrder[slot('i')].name}`);
    if (layer.inputForget) lines.push(`    ${name('f')} = 1.0 - ${name('i')}  # forget gate coupled to the input gate (input_forget)`);
    else lines.push(`    ${name('f')} = ${acts.gate}(${clip(`pre${sl(slot('f'))}${peep('f', 'c')}${forgetBias}`)})  # ${spec.gateOrder[slot('f')].name}${forgetBias ? ' (forget_bias is added at run time)' : ''}`);
    lines.push(`    ${name('c')} = ${acts.candidate}(${clip(`pre${sl(slot('c'))}`)})  # ${spec.gateOrder[slot('c')].name}`);
    lines.push(`    c = ${name('f')} * c + ${name('i')} * ${name('c')}`);
    if (layer.cellClip !== undefined) lines.push(`    c = np.clip(c, -${num(layer.cellClip)}, ${num(layer.cellClip)})  # cell_clip`);
    lines.push(`    ${name('o')} = ${acts.gate}(${clip(`pre${sl(slot('o'))}${peep('o', 'c')}`)})  # ${spec.gateOrder[slot('o')].name}`);
    lines.push(`    h = ${name('o')} * ${acts.output}(c)`);
    if (layout.project) lines.push(`    h = ${layout.project('h')}  # projection`);
    lines.push('    return h, c');
  } else if (layer.cell === 'gru') {
    const resetAfter = layer.resetAfter !== false;
    lines.push(`def ${fnName}(p, x_t, h):`);
    lines.push(`    xw = ${layout.xw}  # input part, ${spec.gateOrder.map((g, k) => `${g.label} ${k * H}:${(k + 1) * H}`).join(', ')}`);
    if (resetAfter) lines.push(`    hu = ${layout.hu('h')}  # recurrent part, same layout`);
    else lines.push(`    hu = ${layout.hu('h')}  # recurrent part (its candidate block is recomputed on r * h below)`);
    lines.push(`    ${name('z')} = ${acts.gate}(${clip(`xw${sl(slot('z'))} + hu${sl(slot('z'))}`)})  # ${spec.gateOrder[slot('z')].name}`);
    lines.push(`    ${name('r')} = ${acts.gate}(${clip(`xw${sl(slot('r'))} + hu${sl(slot('r'))}`)})  # ${spec.gateOrder[slot('r')].name}`);
    if (resetAfter) lines.push(`    ${name('n')} = ${acts.candidate}(${clip(`xw${sl(slot('n'))} + ${name('r')} * hu${sl(slot('n'))}`)})  # ${spec.gateOrder[slot('n')].name}, reset applied after the matmul`);
    else lines.push(`    ${name('n')} = ${acts.candidate}(${clip(`xw${sl(slot('n'))} + ${layout.huBlock(`(${name('r')} * h)`, slot('n'))}`)})  # ${spec.gateOrder[slot('n')].name}, reset applied before the matmul`);
    lines.push(`    h = ${name('z')} * h + (1.0 - ${name('z')}) * ${name('n')}`);
    lines.push('    return h');
  } else {
    lines.push(`def ${fnName}(p, x_t, h):`);
    lines.push(`    return ${acts.candidate}(${clip(`${layout.xw} + ${layout.hu('h')}`)})`);
  }
  return lines.join('\n') + '\n';
}

/** Generates the whole script. */
export function generateNumpy(input: NumpyLayerInput, options: NumpyOptions = {}): string {
  const { layer } = input;
  const layout = buildLayout(input, options.digits);
  // Never code that computes other numbers than the layer: what the step template does not write is refused.
  const missing = layer.directions.some((d) => d.layerNorm) ? 'layer-norm gates (TFLite *_layer_norm_coefficients)'
    : layer.inputFromForget ? 'an input gate coupled to the forget gate (TFLite CIFG, i = 1 − f)'
      : layer.directions.some((d) => d.projBias) ? 'a projection bias (TFLite projection_bias)'
        : layer.projSize !== undefined && !layout.project ? `a projection in the ${layout.spec.framework} layout` : undefined;
  if (missing) throw new GateLensError('not-representable', `NumPy code is not generated for ${missing}; the panel runs this layer exactly.`);
  const table = new ActivationTable();
  const D = layer.directions.length;
  const H = layer.units;
  const Hr = layer.projSize ?? H;
  const lstm = layer.cell === 'lstm';
  const cellName = lstm ? 'LSTM' : layer.cell === 'gru' ? 'GRU' : 'SimpleRNN';

  // One step function per direction only when the directions use different activations (ONNX lists).
  const actsPerDir = layer.directions.map((_, d) => resolveAll(layer, table, d));
  const sameActs = actsPerDir.every((a) => JSON.stringify(a) === JSON.stringify(actsPerDir[0]));
  const stepNames = actsPerDir.map((_, d) => (sameActs ? 'step' : `step_${d}`));
  const steps = sameActs ? [stepFunction(input, layout, actsPerDir[0], 'step')] : actsPerDir.map((a, d) => stepFunction(input, layout, a, `step_${d}`));

  const header = [
    `# ${input.name} — ${layout.spec.framework} ${cellName}, ${H} units, input size ${layer.inputSize}${D === 2 ? ', bidirectional' : ''}${layer.projSize ? `, projection ${layer.projSize}` : ''}`,
    `# Gates along the packed ${layout.spec.packedAxis === 'columns' ? 'columns' : 'rows'}: ${layout.spec.gateOrder.map((g, k) => `${g.label} (${g.name}) ${k * H}:${(k + 1) * H}`).join(', ')}`,
    ...(layer.cell === 'gru' ? [`# Reset gate applied ${layer.resetAfter !== false ? 'after' : 'before'} the recurrent matmul.`] : []),
    ...layout.notes.map((n) => `# ${n}`),
    '# Generated by Gate Lens.',
  ];

  // The backward direction always runs last-to-first; Keras go_backwards and ONNX direction="reverse" turn every direction around.
  const allReversed = layer.goBackwards === true || layer.reverse === true;
  const backwardExpr = allReversed ? 'True' : D === 2 ? 'd == 1' : 'False';
  const forward: string[] = [];
  forward.push('def forward(x, initial_states=None):');
  forward.push(`    """x: (steps, ${layer.inputSize}). initial_states: one (h, c) pair per direction${lstm ? '' : ' (c is ignored)'}, zeros when None.`);
  forward.push(`    Returns (outputs, final_states): outputs (steps, features); final_states one (h${lstm ? ', c' : ''}) per direction."""`);
  forward.push('    x = np.asarray(x, dtype=np.float64)');
  forward.push('    steps = x.shape[0]');
  forward.push('    outputs, lasts, final_states = [], [], []');
  forward.push(`    for d, p in enumerate(PARAMS):`);
  forward.push(`        h0, c0 = (initial_states[d] if initial_states is not None else (None, None))`);
  forward.push(`        h = np.zeros(${Hr}) if h0 is None else np.asarray(h0, dtype=np.float64)`);
  if (lstm) forward.push(`        c = np.zeros(${H}) if c0 is None else np.asarray(c0, dtype=np.float64)`);
  forward.push(`        backward = ${backwardExpr}`);
  forward.push('        times = range(steps - 1, -1, -1) if backward else range(steps)');
  forward.push(`        ys = np.zeros((steps, ${Hr}))`);
  forward.push('        for k, t in enumerate(times):');
  const stepCall = sameActs ? stepNames[0] : `STEPS[d]`;
  if (lstm) forward.push(`            h, c = ${stepCall}(p, x[t], h, c)`);
  else forward.push(`            h = ${stepCall}(p, x[t], h)`);
  // Keras go_backwards returns outputs in processing order; everything else aligns outputs with input time.
  forward.push(`            ys[${layer.goBackwards ? 'k' : 't'}] = h`);
  forward.push('        outputs.append(ys)');
  // The last processed output is the final h, whichever way the direction ran (Keras return_sequences=False).
  forward.push('        lasts.append(h[None, :])');
  forward.push(`        final_states.append(${lstm ? '(h, c)' : '(h,)'})`);
  const merge = layer.merge ?? 'concat';
  const seqs = layer.returnSequences === false ? 'lasts' : 'outputs';
  if (layer.returnSequences === false) forward.push('    # return_sequences=False: only the last output of each direction');
  if (D === 2) {
    const merged = merge === 'sum' ? `${seqs}[0] + ${seqs}[1]` : merge === 'mul' ? `${seqs}[0] * ${seqs}[1]` : merge === 'ave' ? `(${seqs}[0] + ${seqs}[1]) / 2.0` : merge === 'none' ? `${seqs}[0]` : `np.concatenate(${seqs}, axis=-1)`;
    forward.push(`    y = ${merged}  # merge mode: ${merge}`);
  } else {
    forward.push(`    y = ${seqs}[0]`);
  }
  forward.push('    return y, final_states');

  const data: string[] = [];
  const x = options.input;
  if (x) {
    const T = x.steps;
    data.push(`x = ${pyArray(x.data.subarray(0, T * x.features), [T, x.features])}  # (${T}, ${x.features})`);
  } else {
    data.push(`x = np.random.default_rng(0).uniform(-1.0, 1.0, size=(8, ${layer.inputSize}))`);
  }
  let initial = 'None';
  if (options.initialStates && options.initialStates.some((s) => s.h || s.c)) {
    const pairs = layer.directions.map((_, d) => {
      const s = options.initialStates?.[d];
      return `(${s?.h ? pyArray(s.h, [s.h.length]) : 'None'}, ${s?.c ? pyArray(s.c, [s.c.length]) : 'None'})`;
    });
    initial = `[${pairs.join(', ')}]`;
  }

  const parts = [
    header.join('\n'),
    '',
    `import ${table.usesMath ? 'math\nimport ' : ''}numpy as np`,
    '',
    table.render(),
    layout.params.flatMap((p) => p.arrays).join('\n'),
    `PARAMS = [${layout.params.map((p) => p.dict).join(', ')}]`,
    '',
    ...steps,
    ...(sameActs ? [] : [`STEPS = [${stepNames.join(', ')}]`, '']),
    forward.join('\n'),
    '',
    '',
    ...data,
    `outputs, final_states = forward(x, ${initial})`,
    'print(outputs)',
    '',
  ];
  return parts.join('\n');
}
