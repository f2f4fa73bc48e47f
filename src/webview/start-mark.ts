// Imported first by main.ts, so it runs before any other module of the bundle: the moment the page's script starts,
// for scripts/bench/first-render.mjs (VS Code writing the page and Chromium parsing it end here; our script's own
// compile, module set-up and first render follow until `gl-ready`).
if (typeof performance.mark === 'function') performance.mark('gl-script-start');

export {};
