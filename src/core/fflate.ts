// fflate, loaded on first use. Its module body builds Huffman tables when it runs — about 6 ms of every start-up of
// the CLI (and of the worker), plus an optimising compile on a background thread — and only zip archives, deflated
// HDF5 chunks and the binary exporters need it. esbuild bundles a module that is require()d, rather than imported,
// behind a lazy initialiser (in the Node, browser and worker bundles alike), still tree-shaken through fflate-parts.
type FflateParts = typeof import('./fflate-parts');

let loaded: FflateParts | undefined;

export function fflate(): FflateParts {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (see above)
  return (loaded ??= require('./fflate-parts') as FflateParts);
}
