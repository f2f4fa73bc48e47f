// The seed example both UI test files open: the Stack Overflow-style question in examples/seed_keras_lstm.py,
// a Keras LSTM(3) on 1 input feature whose weights were pasted from model.get_weights().
import { findLine, workspaceText } from './workbench';

export const SEED = 'examples/seed_keras_lstm.py';

/** The line assigning the input kernel (`lstm_1_kernel_0 = np.array(...)`), never the recurrent one or a comment. */
export function kernelLine(): { line: number; token: string; text: string } {
  const text = workspaceText(SEED);
  const found = findLine(text, /^(?!\s*#)(?!.*recurrent)\s*([A-Za-z_]\w*kernel\w*)\s*=/);
  return { ...found, text: text.split('\n')[found.line - 1].trim() };
}
