// Fake extension host for the webview preview page: answers the webview's `ready` with init + document, runs the
// chosen case through the real core (fromNative + runLayer) and posts the trace, exactly as the host would.
// Bundled by scripts/webview-preview.mjs; options come from the page's query string.
import { fromNative } from '../../src/core/convert';
import { runLayer } from '../../src/core/forward';
import { convention } from '../../src/core/conventions';
import { PROTOCOL_VERSION } from '../../src/protocol/messages';
import { mulberry32 } from '../../src/core/random';
import { EN_STRINGS } from '../../src/webview/strings';
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';

const params = new URLSearchParams(location.search);
const caseId = params.get('case') ?? 'seed';

const uniform = (n, r, scale) => Float64Array.from({ length: n }, () => (r() * 2 - 1) * scale);

// Each case: native tensors as the framework stores them (see /work/shared/reference/gate-conventions.md §1).
function buildCase(id) {
  const r = mulberry32(1234);
  switch (id) {
    case 'seed': {
      // The worked example: Keras LSTM(3), input size 1, unit_forget_bias ones in bias[3:6].
      const H = 3, I = 1;
      const bias = Float64Array.from([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
      return { conv: 'keras', cell: 'lstm', name: 'lstm', steps: 10, I, H,
        tensors: { kernel: { shape: [I, 4 * H], data: uniform(I * 4 * H, r, 0.6) }, recurrent_kernel: { shape: [H, 4 * H], data: uniform(H * 4 * H, r, 0.6) }, bias: { shape: [4 * H], data: bias } } };
    }
    case 'pytorch_gru': {
      const H = 4, I = 2;
      return { conv: 'pytorch', cell: 'gru', name: 'gru', steps: 12, I, H,
        tensors: { weight_ih: { shape: [3 * H, I], data: uniform(3 * H * I, r, 0.8) }, weight_hh: { shape: [3 * H, H], data: uniform(3 * H * H, r, 0.8) },
          bias_ih: { shape: [3 * H], data: uniform(3 * H, r, 0.3) }, bias_hh: { shape: [3 * H], data: uniform(3 * H, r, 0.3) } } };
    }
    case 'onnx_gru': {
      const H = 3, I = 2;
      return { conv: 'onnx', cell: 'gru', name: 'GRU_0', steps: 8, I, H, options: { resetAfter: false },
        tensors: { W: { shape: [1, 3 * H, I], data: uniform(3 * H * I, r, 0.8) }, R: { shape: [1, 3 * H, H], data: uniform(3 * H * H, r, 0.8) },
          B: { shape: [1, 6 * H], data: uniform(6 * H, r, 0.3) } } };
    }
    case 'bidi': {
      // PyTorch bidirectional LSTM: the host sends one trace per direction with the same runId.
      const H = 2, I = 2;
      const t = (shape) => ({ shape, data: uniform(shape.reduce((a, b) => a * b, 1), r, 0.7) });
      return { conv: 'pytorch', cell: 'lstm', name: 'bilstm', steps: 6, I, H, directions: 2,
        tensors: { weight_ih_l0: t([4 * H, I]), weight_hh_l0: t([4 * H, H]), bias_ih_l0: t([4 * H]), bias_hh_l0: t([4 * H]),
          weight_ih_l0_reverse: t([4 * H, I]), weight_hh_l0_reverse: t([4 * H, H]), bias_ih_l0_reverse: t([4 * H]), bias_hh_l0_reverse: t([4 * H]) } };
    }
    case 'keras_rnn': {
      const H = 4, I = 3;
      return { conv: 'keras', cell: 'simple_rnn', name: 'simple_rnn', steps: 7, I, H,
        tensors: { kernel: { shape: [I, H], data: uniform(I * H, r, 0.8) }, recurrent_kernel: { shape: [H, H], data: uniform(H * H, r, 0.8) }, bias: { shape: [H], data: uniform(H, r, 0.2) } } };
    }
    case 'big': {
      const H = Number(params.get('units') ?? 512), I = 16, steps = Number(params.get('steps') ?? 1000);
      return { conv: 'keras', cell: 'lstm', name: 'lstm_big', steps, I, H,
        tensors: { kernel: { shape: [I, 4 * H], data: uniform(I * 4 * H, r, 0.3) }, recurrent_kernel: { shape: [H, 4 * H], data: uniform(H * 4 * H, r, 0.08) }, bias: { shape: [4 * H], data: uniform(4 * H, r, 0.1) } } };
    }
    default: throw new Error(`unknown preview case ${id}`);
  }
}

const spec = buildCase(caseId);
const layer = fromNative(spec.conv, spec.cell, spec.tensors, { name: spec.name, ...(spec.options ?? {}) });
const layerSummary = {
  id: 'layer-0', name: spec.name, cell: spec.cell, convention: spec.conv, units: spec.H, inputSize: spec.I, directions: spec.directions ?? 1,
  gates: convention(spec.conv, spec.cell).gateOrder.map((g, k) => ({ gate: g.gate, label: g.label, name: g.name, start: k * spec.H, end: (k + 1) * spec.H })),
  evidence: [], warnings: [],
};

let runId = 0;
function runTrace(request) {
  const steps = request.input.kind === 'array' ? spec.steps : request.input.steps;
  const r = mulberry32(request.input.kind === 'random' ? request.input.seed + 1 : 7);
  const data = request.input.kind === 'zeros' ? new Float64Array(steps * spec.I) : uniform(steps * spec.I, r, 1);
  const t0 = performance.now();
  const result = runLayer(layer, { data, batch: 1, steps, features: spec.I }, { trace: true });
  window.__previewRunMs = performance.now() - t0;
  const copy = (a) => a.slice().buffer;
  const id = ++runId;
  return result.trace.map((tr) => {
    const dir = layer.directions[tr.direction];
    return {
      runId: id, layerId: 'layer-0', layerName: spec.name, cell: spec.cell, convention: spec.conv, units: spec.H, inputSize: spec.I,
      steps, direction: tr.direction, resetAfter: layer.resetAfter, x: copy(data), zx: copy(tr.zx), zh: copy(tr.zh), z: copy(tr.z), a: copy(tr.a),
      c: tr.c ? copy(tr.c) : undefined, h: copy(tr.h), timeIndex: tr.timeIndex.slice().buffer, bW: copy(dir.bW), bR: copy(dir.bR),
      h0: new Float64Array(spec.H).buffer, ...(spec.cell === 'lstm' ? { c0: new Float64Array(spec.H).buffer } : {}),
    };
  });
}

const send = (m) => { if (m.type === 'trace') window.__lastTrace = m; window.postMessage(m, '*'); };
// Listeners run in registration order: this one (before main.js) stamps the start of a message's handling.
window.addEventListener('message', () => { window.__messageStart = performance.now(); });
window.__previewSent = [];
const initialState = params.get('state') ? JSON.parse(params.get('state')) : undefined;
let savedState = initialState;
window.acquireVsCodeApi = () => ({
  getState: () => savedState,
  setState: (s) => { savedState = s; },
  postMessage: (m) => {
    window.__previewSent.push(m);
    if (m.type === 'ready') {
      // ?locale=zh-cn: the host translates each English text through the l10n bundle, as src/extension does.
      const zh = params.get('locale') === 'zh-cn';
      const strings = zh ? Object.fromEntries(Object.entries(EN_STRINGS).map(([k, en]) => [k, zhCn[en] ?? en])) : {};
      send({ type: 'init', protocol: PROTOCOL_VERSION, locale: zh ? 'zh-cn' : 'en', strings });
      send({ type: 'document', uri: 'file:///preview/weights.py', fileName: 'weights.py', version: 1, layers: [layerSummary], selectedLayerId: 'layer-0',
        inputs: [{ arrayIndex: 3, name: 'x_seq', shape: [1, spec.steps, spec.I] }] });
      const request = { layerId: 'layer-0', input: { kind: 'random', steps: spec.steps, seed: 0 } };
      if (params.get('autorun') !== '0') setTimeout(() => { for (const trace of runTrace(request)) send({ type: 'trace', trace, request }); }, 0);
    } else if (m.rpc === 'request' && m.method === 'run') {
      // The typed channel (src/protocol/channel.ts): traces arrive as messages, then the request's answer.
      send({ type: 'progress', runId: runId + 1, message: 'Running…', fraction: 0.5 });
      setTimeout(() => {
        for (const trace of runTrace(m.params)) send({ type: 'trace', trace, request: m.params });
        send({ rpc: 'result', id: m.id, result: { runId } });
      }, 50);
    } else if (m.rpc === 'request' && m.method === 'cancelRun') {
      send({ rpc: 'result', id: m.id, result: undefined });
    }
  },
});

// ?timing=1: time every animation-frame callback (the webview renders a step inside one), for --check.
if (params.get('timing') === '1') {
  window.__frameMs = [];
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => raf((ts) => {
    const t0 = performance.now();
    cb(ts);
    // Force style and layout inside the measurement, so the figure includes what the DOM update costs.
    void document.body.getBoundingClientRect().height;
    window.__frameMs.push(performance.now() - t0);
  });
}
