// The HTML shell of both Gate Lens webviews: strict CSP, a fresh nonce per render, only dist/webview and media.
// The bundle's script and stylesheet are written into the page (under the same nonce) rather than linked: a linked
// file reaches the webview through its service worker, the workbench and the file system (over the remote
// connection in VS Code for the Web), a chain of round trips before our script can start.

import * as vscode from 'vscode';
import type { BootMessage } from '../../protocol/messages';

export function nonce(): string {
  const bytes = new Uint8Array(18);
  globalThis.crypto.getRandomValues(bytes);
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/**
 * Reads a bundle ahead of its first page (once a document has layers to step through), so the first Step Through
 * of a session does not wait for the read while VS Code is already creating its webview.
 */
export function preloadBundle(extensionUri: vscode.Uri, bundle: 'main' | 'model'): void {
  // A failed read is not this call's to report: the page that needs the bundle awaits the same cached promise, and its
  // command fails with the read's error.
  bundleText(extensionUri, bundle).catch(() => undefined);
}

/** Webview options: scripts on, and nothing loadable but our own bundle and media folders. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/** A bundle's text, or undefined when the file is missing (a stylesheet exists only when the bundle imports CSS). */
async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

interface BundleText {
  readonly script: string | undefined;
  readonly style: string | undefined;
}

/** Read once per extension session: the files only change with the extension. */
const bundles = new Map<string, Promise<BundleText>>();

function bundleText(extensionUri: vscode.Uri, bundle: string): Promise<BundleText> {
  const key = `${extensionUri.toString()}#${bundle}`;
  let text = bundles.get(key);
  if (!text) {
    const dir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    text = Promise.all([readText(vscode.Uri.joinPath(dir, `${bundle}.js`)), readText(vscode.Uri.joinPath(dir, `${bundle}.css`))]).then(([script, style]) => ({ script, style }));
    bundles.set(key, text);
  }
  return text;
}

/**
 * Text that can sit inside a `<script>` / `<style>` element: nothing that would end it early. esbuild escapes
 * `</script` and `</style` in what it writes, so this holds for our bundles; anything else is linked instead.
 */
function inlinable(text: string | undefined, element: 'script' | 'style'): text is string {
  return text !== undefined && !new RegExp(`</${element}`, 'i').test(text) && !text.includes('<!--');
}

/** The source map comment pointed at the map file (relative to the page it would resolve to nothing); kept per map. */
const mappedScripts = new Map<string, string>();
function withSourceMap(script: string, mapUri: vscode.Uri): string {
  const key = mapUri.toString();
  let mapped = mappedScripts.get(key);
  if (mapped === undefined) {
    mapped = script.replace(/\n\/\/# sourceMappingURL=[^\n]*\s*$/, () => `\n//# sourceMappingURL=${key}\n`);
    mappedScripts.set(key, mapped);
  }
  return mapped;
}

/**
 * `bundle`: main (the step panel and view) or model (the Gate Lens Model editor). `boot`: host messages the page
 * applies before its first frame (the view's strings, the document), written into a data attribute as JSON, which
 * the page reads with JSON.parse: data, never run.
 */
export async function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: 'panel' | 'view' | 'model', bundle: 'main' | 'model' = 'main', boot: readonly BootMessage[] = []): Promise<string> {
  const scriptNonce = nonce();
  const dir = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const { script, style } = await bundleText(extensionUri, bundle);
  const styleTag = inlinable(style, 'style')
    ? `<style nonce="${scriptNonce}">${style}</style>`
    : style !== undefined ? `<link rel="stylesheet" href="${escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(dir, `${bundle}.css`)).toString())}">` : '';
  const scriptTag = inlinable(script, 'script')
    ? `<script nonce="${scriptNonce}">${withSourceMap(script, webview.asWebviewUri(vscode.Uri.joinPath(dir, `${bundle}.js.map`)))}</script>`
    : `<script nonce="${scriptNonce}" src="${escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(dir, `${bundle}.js`)).toString())}"></script>`;
  const csp = [`default-src 'none'`, `script-src 'nonce-${scriptNonce}'`, `style-src ${webview.cspSource} 'nonce-${scriptNonce}'`, `img-src ${webview.cspSource} data:`, `font-src ${webview.cspSource}`].join('; ');
  const bootAttribute = boot.length ? ` data-boot="${escapeAttribute(JSON.stringify(boot))}"` : '';
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${styleTag}
<title>Gate Lens</title>
</head>
<body data-gate-lens-kind="${kind}">
<main id="app"${bootAttribute}></main>
${scriptTag}
</body>
</html>`;
}
