// What a failed panel run means to the user: closing the panel (or cancelling) is a cancel — noted in the "Gate Lens"
// log, never an error notification — and a refusal (an incomplete layer, a bad input) is shown in the display language.

import * as vscode from 'vscode';
import { errorText } from '../labels';
import { WebviewClosedError } from '../webview/session';
import { CancelledError } from '../workerClient';

export function reportRunFailure(error: unknown, command: string, logger: vscode.LogOutputChannel | undefined): undefined {
  if (error instanceof CancelledError) {
    logger?.info(`${command}: ${error instanceof WebviewClosedError ? 'the view was closed before it showed the run' : 'the run was cancelled'}; nothing to show.`);
    return undefined;
  }
  logger?.error(`${command}:`, error instanceof Error ? error : String(error));
  void vscode.window.showErrorMessage(vscode.l10n.t('Gate Lens: {0}', errorText(error)));
  return undefined;
}
