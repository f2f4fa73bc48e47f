// The browser stand-in for node:fs/promises in dist/web/extension.js: there is no file system in a web extension
// host, so `open` always fails and the caller reads through vscode.workspace.fs instead.

export function open(): Promise<never> {
  return Promise.reject(new Error('no file system in the web extension host'));
}
