// The recogniser's evidence and warning texts as templates with positional placeholders ({0}, {1}, ...), so a host
// can show them translated (VS Code's l10n.t takes the same placeholders) while `message` stays the English text
// the CLI prints. Arguments are technical tokens (ranges, shapes, names, numbers) that stay untranslated.

import type { Evidence } from './types';

export const RECOGNISER_TEMPLATES = {
  keepsBiasNone: 'no bias array → use_bias=False (zeros)',
  resetPlacementUnknown: 'without a bias the GRU reset placement cannot be read from shapes; reset_after=True (Keras default) assumed',
  resetAfterTrueBias: 'bias {0} = (2, 3H) → reset_after=True (input bias row 0, recurrent bias row 1)',
  cudnnGruSameShapes: 'Keras 2 CuDNNGRU has the same kernel shapes (its bias is (6H,)); if these came from CuDNNGRU, its kernel blocks are cuDNN reshapes — choose keras_cudnn',
  resetAfterFalseBias: 'GRU bias {0} = (3H,) → reset_after=False (standalone Keras ≤ 2.3.1 / gru_v1), r applied before the recurrent matmul',
  kerasOneBias: 'bias {0} = ({1}H,) → one bias, Keras layout',
  kerasCudnnBias: 'bias {0} = (2·{1}H,) → Keras 2 {2} (input biases then recurrent biases)',
  kerasForgetOnes: 'bias holds 1.0 in {0} only → Keras unit_forget_bias, forget gate at {0}',
  kerasOnesElsewhere: 'bias holds 1.0 in {0} only, but Keras keeps the forget gate at {1}: if the ones are a forget-bias init, these weights follow another gate order (ONNX i,o,f,c or TF1 i,c,f,o put f at {2})',
  kerasBidirectionalNames: 'forward and backward copies of the same arrays → Bidirectional: 2 directions, forward first',
  torchProjection: 'weight_hr {0} → proj_size {1}: h has {1} values, c has {2}',
  torchNoBias: 'no bias_ih/bias_hh → bias=False (zeros)',
  torchForgetOnes: "bias_ih holds 1.0 in {0} only → a forget-bias init at PyTorch's f block (i, f, g, o)",
  torchReverseNames: '_reverse copies of every array → bidirectional=True: 2 directions',
  onnxMissingDirectionAxis: 'W/R are 2-D; ONNX stores [D, G·H, ·]: read as one direction',
  onnxForgetOnes: "Wb holds 1.0 in {0} only → a forget-bias init at ONNX's f block (i, o, f, c)",
  onnxOnesElsewhere: "Wb holds 1.0 in {0} only: that is where Keras/PyTorch keep f, but ONNX's order is i, o, f, c (f at {1}) — were the blocks reordered when exporting?",
  tf1Peepholes: '{0} → peepholes (use_peepholes=True)',
  tf1Projection: 'projection/kernel {0} → num_proj {1}',
  tf1ForgetBias: 'TF1 adds forget_bias to f at run time and does not store it: 1.0 (the default) assumed unless the constructor says otherwise',
  sequenceKerasBidirectionalOrStacked: 'the next arrays have the same shapes: read as a second stacked layer; if this is a Bidirectional layer, its backward half',
  sequenceTorchBidirectionalOrStacked: 'the next arrays have the same shapes: read as the next stacked layer (l1); if bidirectional=True, they are the _reverse direction',
  sequencePytorchOrOnnx: 'an unnamed (G·H, I) matrix could be PyTorch (i, f, g, o / r, z, n) or one direction of ONNX (i, o, f, c / z, r, h): PyTorch assumed',
  sequenceKerasOrPytorch: 'a square SimpleRNN kernel fits both the Keras (I, H) and the PyTorch (H, I) order',
  hintUnitsConflict: '{0} says {1} units but the arrays hold {2}; the arrays decide',
  hintInputConflict: '{0} says input_size {1} but the arrays hold {2}',
  hintCudnn: '{0} → Keras 2 CuDNN layer: kernel blocks are cuDNN reshapes',
  hintCudnnConflict: '{0} is a CuDNN layer but the bias has the plain Keras shape',
  hintRecurrentActivation: 'recurrent_activation="{0}" from {1}',
  hintActivation: 'activation="{0}" from {1}',
  kerasVersion2: '{0} → Keras 2: hard_sigmoid = clip(0.2x + 0.5, 0, 1)',
  kerasVersion3: '{0} → Keras 3: hard_sigmoid = clip(x/6 + 0.5, 0, 1)',
  kerasVersionSetting: 'Keras {0} from the settings: hard_sigmoid = {1}',
  kerasVersionUnknown: 'hard_sigmoid differs between Keras 2 (0.2x + 0.5) and Keras 3 (x/6 + 0.5) and nothing in the file pins the version: Keras 3 assumed',
  hintResetConflict: '{0} says reset_after={1} but the bias shape says {2}; the bias shape decides',
  hintResetAfter: 'reset_after={0} from {1}',
  hintForgetBias: 'forget_bias={0} from {1}',
  hintCellClip: 'cell_clip={0} from {1}: c is clipped after each update',
  hintGoBackwards: 'go_backwards=True from {0}: outputs come in processing (reversed) order',
  hintMergeMode: 'Bidirectional merge_mode="{0}" from the wrapper',
  hintBidirectionalOneDirection: '{0} sits in Bidirectional(...) but only one direction of weights was found',
  hintNonlinearity: 'nonlinearity="{0}" from {1}',
  hintBidirectionalCount: '{0} says bidirectional={1} but {2} direction(s) of weights were found',
  hintOnnxActivations: 'activations=[{0}] from {1}',
  hintLinearBeforeReset: 'linear_before_reset={0} from {1}',
  onnxLinearBeforeResetDefault: 'ONNX GRU linear_before_reset=0 (the default): r multiplies h before the recurrent matmul',
  hintDirectionReverse: 'direction="reverse" from {0}',
  hintClip: 'clip={0} from {1}',
  hintInputForget: 'input_forget=1 from {0}',
  overrideKerasCudnn: 'read as Keras 2 CuDNN because the convention was set explicitly',
  overrideKeras: 'read as Keras because the convention was set explicitly',
  overrideDoesNotFit: 'the convention was set to {0}, but these {1}-shaped arrays cannot be read that way; kept {2}',
  onnxFromPytorchNames: 'initializer names like {0} → an ONNX graph exported from PyTorch',
  dataArray: '"{0}" {1} looks like input or state data, not weights',
  stackMismatch: 'PyTorch layer l{0} should take D·Hout = {1} inputs from l{2}, but its weight_ih has {3} columns',
  sliceMismatchOneGate: '"{0}" names the {1}, but {2} holds the {3} ({4}) in {5} order {6}; the {1} is {7}',
  sliceMismatchParts: '"{0}" names the {1}, but {2} holds {3} in {4} order {5}; the {1} is {6}',
  constructorHint: 'constructor {0} → {1}',
  constructorHintUnits: 'constructor {0} → {1} with {2} units',
  constructorHintInComment: 'constructor {0} (in a comment) → {1}',
  constructorHintInCommentUnits: 'constructor {0} (in a comment) → {1} with {2} units',
  plainGruNotCudnn: '{0} is a plain GRU: not Keras 2 CuDNNGRU',
  keras3NotCudnn: '{0} → Keras 3, which has no CuDNNGRU: not Keras 2 CuDNNGRU',
  importAgrees: '{0} in the file agrees',
  importConflict: 'the file imports {0} but these arrays are laid out like {1}; the arrays decide',
  nameShapeConflict: 'the name "{0}" suggests {1} but the shapes give {2}; the shapes decide',
  kerasBidirectionalHinted: 'a second identical set follows and the file mentions Bidirectional → forward then backward (Keras Bidirectional order)',
  kerasBidirectionalByWidth: 'a second identical set follows whose input size {0} ≠ {1} units, so it is not a stacked layer → Bidirectional: forward then backward',
  torchBidirectionalHinted: 'a second identical set follows and the file mentions bidirectional → forward then _reverse (PyTorch parameter order)',
  torchBidirectionalByWidth: 'a second identical set follows whose input size {0} ≠ {1}, so it is not layer l1 → the _reverse direction',
  namesToFamily: 'names {0} → {1}',
  overrideFamily: 'read as {0} because the convention was set explicitly',
  stackedOn: 'input size {0} = output of {1} ({2}) → stacked on it',
  truncatedOne: "{0} was printed in summarised form ('...'): the layer is recognised from the shapes, but it cannot be run until the arrays are printed in full",
  truncatedMany: "{0} were printed in summarised form ('...'): the layer is recognised from the shapes, but it cannot be run until the arrays are printed in full",
  // Shapes → cell: {0} {1} and {2} {3} are the two matrices and their shapes, {4} an optional "bidirectional, ".
  shapesToCell: '{0} {1} and {2} {3} → {4}{5} gates × {6} units → {7}, input size {8}',
  shapesToCellOneUnit: '{0} {1} and {2} {3} → {4}{5} gates × 1 unit → {7}, input size {8}',
  shapesToCellOneGate: '{0} {1} and {2} {3} → {4}1 gate × {6} units → {7}, input size {8}',
  shapesToCellOneGateOneUnit: '{0} {1} and {2} {3} → {4}1 gate × 1 unit → {7}, input size {8}',
  kerasUnnamedOrder: 'unnamed arrays {0} in Keras get_weights() order: kernel (I, G·H), recurrent_kernel (H, G·H){1}',
  torchUnnamedOrder: 'unnamed arrays {0} in PyTorch parameter order: weight_ih (G·H, I), weight_hh (G·H, H){1}',
  onnxUnnamedOrder: 'unnamed 3-D arrays {0} → ONNX W, R{1} ([num_directions, G·H, ·])',
  denseAfterRecurrent: '{0} after the recurrent layers → a Dense layer',
  denseWithBiasAfterRecurrent: '{0} then {1} after the recurrent layers → a Dense layer',
} as const;

/** Replaces {0}, {1}, ... with the arguments, as vscode.l10n.t does; a placeholder with no argument stays as written. */
export function format(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => args[Number(index)] ?? whole);
}

/** An Evidence whose message is the English text of `template`, carrying the template and arguments for translation. */
export function templated(code: string, template: string, ...args: (string | number)[]): Evidence {
  const text = args.map(String);
  return { code, message: format(template, text), template, args: text };
}
