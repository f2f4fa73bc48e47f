// `gate-lens convert FILE --to C --out PATH`: the recognised recurrent layers of FILE, written in another
// framework's layout. The core (core/export) converts and encodes; this file picks the layers, writes PATH and
// reports. Exit codes as in HELP: 6 when the target cannot be exact (with the reason and the nearest exact target),
// 7 when PATH cannot be written.

import { basename, resolve } from 'node:path';
import { CONVERT_TARGETS, ConversionRefused, exportLayers, formatForPath, isConvertTarget, type ExportDtype } from '../core/export';
import { GateLensError, type RecurrentLayer } from '../core/model';
import { analyse, CliError, EXIT, parseMaxSize, plan, type Io, type Parsed } from './main';
import { version } from '../../package.json';

export const CONVERT_HELP = `Usage: gate-lens convert FILE --to C --out PATH [--layer NAME] [--port] [--dtype float32|float64] [--convention C] [--max-size MB]

Writes the recurrent layers recognised in FILE (the first stack, or the layer NAME) in convention C
(${CONVERT_TARGETS.join(', ')}), losslessly. PATH's extension picks the format:
  .py / .txt      the arrays as np.array literals (every value in full), named as C names them: PyTorch
                  state_dict keys (weight_ih_l0, bias_hh_l0_reverse, ...), Keras 3 weight paths in set_weights
                  order (lstm/lstm_cell/kernel, recurrent_kernel, bias; bidirectional/forward_lstm/... then
                  backward_lstm/...), ONNX W, R, B (, P), prefixed "layer<k>/" in a stack, Flax paths
                  of the variables dict module.apply takes, flattened with "/" (params/cell/ii/kernel;
                  params/forward_rnn/cell/..., params/backward_rnn/cell/...; params/layers_<k>/... in a stack)
  .npz            the same arrays under the same names (np.load keeps the order); PyTorch: exactly the keys of
                  that nn.LSTM/GRU/RNN's state_dict, so load_state_dict accepts them
  .safetensors    the same arrays (F64, or F32 when every value is a float32)
  .onnx           a runnable ONNX model (--to onnx only): input X [T, batch, I], outputs Y, Y_h (and Y_c for an LSTM)
                  of the last layer, the node attributes set; float32 (ONNX Runtime runs these ops in float only)
  .py --port      a Python script that builds the C layer(s), loads the converted weights, runs one input through
                  them and through the source framework when installed, and asserts the outputs agree (and agree
                  with Gate Lens's own float64 output, saved in the script)
  --dtype T       store float32 or float64 (default: float64, or float32 when every value is a float32 exactly;
                  .onnx float32)
  --layer NAME    convert only the layer NAME (as listed by inspect)
  --convention C  read FILE's weights in convention C where their shapes allow

Flax: flax.linen LSTMCell (OptimizedLSTMCell has the same tree), GRUCell, SimpleCell under nn.RNN,
nn.Bidirectional for two directions, nn.Sequential for a stack.

Refused, with the reason and the nearest exact target (exit 6): a reset-before GRU (Keras reset_after=False, ONNX
linear_before_reset=0) to PyTorch or Flax (--port to PyTorch builds a custom module); peepholes to Keras, PyTorch
or Flax; proj_size to Keras, ONNX or Flax; Keras 2 hard_sigmoid to PyTorch or Flax. TF1 forget_bias is folded
into the forget-gate bias, exactly.

Exit codes: 0 ok, 1 usage error, 2 FILE unreadable, 3 no layer recognised (or --layer not found), 5 a layer is
incomplete, 6 refused (cannot be exact in C), 7 PATH cannot be written.`;

const DTYPES: readonly ExportDtype[] = ['float32', 'float64'];

function options(args: Parsed): { target: (typeof CONVERT_TARGETS)[number]; out: string; dtype?: ExportDtype } {
  for (const v of ['--input', '--h0', '--c0']) if (args.values.has(v)) throw new CliError(EXIT.usage, `${v} belongs to gate-lens run`);
  for (const f of ['--trace', '--json']) if (args.flags.has(f)) throw new CliError(EXIT.usage, `${f} is not an option of gate-lens convert`);
  const to = args.values.get('--to');
  const out = args.values.get('--out');
  if (to === undefined) throw new CliError(EXIT.usage, `convert needs --to C (${CONVERT_TARGETS.join(', ')})`);
  if (!isConvertTarget(to)) throw new CliError(EXIT.usage, `--to must be one of ${CONVERT_TARGETS.join(', ')} (got "${to}")`);
  if (out === undefined) throw new CliError(EXIT.usage, 'convert needs --out PATH (.py, .txt, .npz, .safetensors, .onnx)');
  const dtype = args.values.get('--dtype');
  if (dtype !== undefined && !DTYPES.includes(dtype as ExportDtype)) throw new CliError(EXIT.usage, `--dtype must be float32 or float64 (got "${dtype}")`);
  return { target: to, out, ...(dtype ? { dtype: dtype as ExportDtype } : {}) };
}

export function convertCommand(io: Io, args: Parsed): number {
  const opts = options(args);
  let format;
  try {
    format = formatForPath(opts.out, args.flags.has('--port'));
  } catch (e) {
    throw new CliError(EXIT.usage, (e as Error).message);
  }
  if (resolve(opts.out) === resolve(args.file!)) throw new CliError(EXIT.usage, `--out ${opts.out} is FILE itself; choose another path`);
  if (!io.writeFile) throw new CliError(EXIT.unwritable, 'this environment cannot write files');
  const a = analyse(io, args.file!, args.values.get('--convention'), parseMaxSize(args.values.get('--max-size')), args.model);
  const p = plan(a, args.values.get('--layer'), io);
  const layers = p.model.layers.filter((l): l is RecurrentLayer => l.kind === 'recurrent');
  if (!layers.length) throw new CliError(EXIT.noLayer, `no recurrent layer to convert in ${a.file}`);
  const names = p.recognized.filter((r) => r).map((r) => `${r!.name} (${r!.convention} ${r!.cell})`);
  let result;
  try {
    result = exportLayers(layers, opts.target, format, { ...(opts.dtype ? { dtype: opts.dtype } : {}), tool: `gate-lens ${version}`, from: `${basename(a.file)}: ${names.join(' → ')}` });
  } catch (e) {
    if (e instanceof ConversionRefused) throw new CliError(EXIT.refused, `cannot convert to ${opts.target} exactly: ${e.message}`);
    if (e instanceof GateLensError) throw new CliError(e.code === 'bad-format' ? EXIT.usage : EXIT.refused, e.message);
    throw e;
  }
  try {
    io.writeFile(opts.out, result.bytes);
  } catch (e) {
    throw new CliError(EXIT.unwritable, `cannot write ${opts.out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const dense = p.model.layers.length - layers.length;
  const lines = [
    `${opts.out}: ${names.join(' → ')} as ${opts.target}, ${format === 'port' ? 'port script' : format}, ${result.dtype}, ${result.plan.arrays.length} arrays`,
    ...result.plan.arrays.map((x) => `  ${x.name} (${x.tensor.shape.join(', ')})`),
    ...result.notes.map((n) => `note: ${n}`),
    ...(dense ? [`note: the Dense head (${dense} layer${dense === 1 ? '' : 's'}) is not converted; only recurrent layers are.`] : []),
  ];
  io.out(lines.join('\n') + '\n');
  return EXIT.ok;
}
