// The control for Step Through's first render (scripts/bench/first-render.mjs): the smallest webview panel opened
// the way Gate Lens opens its own (beside the editor, focus kept, scripts on, strict CSP with a nonce). Its page sets
// the same User Timing marks as Gate Lens's webview (gl-ready when its script runs, gl-trace-painted after the first
// frame with its text), so both are measured by the same code.
// A VS Code 1.100 extension is a CommonJS module, and 'vscode' exists only through require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const vscode = require('vscode');

function activate(context) {
  context.subscriptions.push(vscode.commands.registerCommand('gateLensBench.controlWebview', () => {
    const panel = vscode.window.createWebviewPanel('gateLensBench.control', 'Control', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true });
    const nonce = Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'; style-src ${panel.webview.cspSource}">
<title>Control</title></head><body><p id="gl-step-label"></p>
<script nonce="${nonce}">
performance.mark('gl-script-start');
performance.mark('gl-ready');
document.getElementById('gl-step-label').textContent = 'Step 1 / 8';
requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => performance.mark('gl-trace-painted'); c.port2.postMessage(0); });
</script></body></html>`;
  }));
}

module.exports = { activate };
