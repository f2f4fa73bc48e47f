// The HTML shell of both Gate Lens webviews: strict CSP, a fresh nonce per render, only dist/webview and media.

import * as vscode from 'vscode';

export function nonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/** Webview options: scripts on, and nothing loadable but our own bundle and media folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** `bundle`: main (the step panel and view) or model (the Gate Lens Model editor). */
export async function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: 'panel' | 'view' | 'model', bundle: 'main' | 'model' = 'main'): Promise<string> {
  const scriptNonce = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.js`));
  const cssUri = vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${bundle}.css`);
  // The stylesheet exists only when the webview bundle imports CSS; linking a missing file would log a 404.
  const style = (await exists(cssUri)) ? `<link rel="stylesheet" href="${escapeAttribute(webview.asWebviewUri(cssUri).toString())}">` : '';
  const csp = [`default-src 'none'`, `script-src 'nonce-${scriptNonce}'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${style}
<title>Gate Lens</title>
</head>
<body data-gate-lens-kind="${kind}">
<main id="app"></main>
<script nonce="${scriptNonce}" src="${escapeAttribute(script.toString())}"></script>
</body>
</html>`;
}
