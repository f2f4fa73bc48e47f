// The webview's strings, translated on the host (vscode.l10n only exists here) and sent in the `init` message.
// Keys and English defaults are the webview's own table; the zh-cn bundle translates each English text.

import * as vscode from 'vscode';
import { EN_STRINGS } from '../../webview/strings';

export function webviewStrings(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, english] of Object.entries(EN_STRINGS)) {
    // l10n.t treats {0} as a placeholder; passing no arguments would drop them, so pass them back through.
    const placeholders = english.match(/\{\d+\}/g)?.length ?? 0;
    const args = Array.from({ length: placeholders }, (_, i) => `{${i}}`);
    out[key] = vscode.l10n.t(english, ...args);
  }
  return out;
}
