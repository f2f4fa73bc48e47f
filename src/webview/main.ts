// Gate Lens step-through view: runs inside the panel and the side-bar webview. The host (src/extension) writes a
// page with `<div id="app"></div>`, media/webview.css and this bundle; everything else is built here.
//
// Stable element ids (used by the UI tests; do not rename):
//   #gl-layer          select: recognised layers of the document
//   #gl-direction      select: forward / backward (shown for bidirectional traces only)
//   #gl-convention     select: name the columns as … (every convention for this cell; stored one first)
//   #gl-run-source     select: zeros | random | array;  #gl-run-steps, #gl-run-seed (inputs), #gl-run-array (select)
//   #gl-run-reveal     button: post `revealArray` for the chosen input array
//   #gl-run            button: post `run`;  #gl-cancel: post `cancel`
//   #gl-progress       status region (text + <progress id="gl-progress-bar">);  #gl-error: role=alert
//   #gl-first #gl-prev #gl-play #gl-next #gl-last   step buttons;  #gl-slider: input type=range (0-based step)
//   #gl-step-label     text "Step 1 / 10";  #gl-time-index: "input x[0]"
//   #gl-copy           button: copy the step as NumPy (posts `copy`)
//   #gl-whatif         note shown when the convention differs from the stored one
//   #gl-split          checkbox: split z into x·W, h·U, b
//   #gl-z              z blocks: each `.gl-block[data-gate=<shown gate>][data-true-gate=<real gate>]` holds a
//                      `.gl-gate-label` ("f · forget gate [3:6]") and a table; cells `td.gl-cell[data-row=z|xw|hu|b|other]`
//   #gl-reset          GRU: "r applied after U·h (reset_after)" or "before"
//   #gl-gates          gate activations: `.gl-gate[data-gate]`, each a canvas of bars and a visually hidden list of the values
//   #gl-state-c        LSTM c = f⊙c₋₁ + i⊙g table (`tr[data-unit]`, `td[data-col=f|cPrev|fc|i|g|ig|c]`)
//   #gl-state-h        h table (`td[data-col=h]`, GRU adds z, hPrev, zh, n, zn)
//   #gl-units-prev #gl-units-next #gl-units-label   unit window pager (only when units > page size)
//   #gl-heat-gates #gl-heat-c #gl-heat-h  heatmap canvases;  #gl-plot-h: h line plot canvas
//   #gl-tooltip        hover tooltip;  #gl-live: aria-live region
// The step label, slider, #gl-x and every on-screen section update in the next animation frame after a step
// change (#gl-z always); sections scrolled out of view (#gl-gates, #gl-state-c, #gl-state-h) update about 60 ms later
// (while playing: when playback stops or they scroll into view), so a test that reads them after a step should wait
// for the expected text rather than read once.

// First: marks when the script starts, before the other modules are set up.
import './start-mark';
import { gateTitle } from '../core/conventions/gates';
import type { CanonicalGate, CellKind } from '../core/conventions/types';
import { convention as conventionSpec } from './conventions';
import { PROTOCOL_VERSION, type HostToWebview, type WebviewMethods, type WebviewToHost } from '../protocol/messages';
import { CHANNEL_ERRORS, ChannelError, RequestClient, type Envelope } from '../protocol/channel';
import { GateBars, readBarTheme, type BarTheme } from './bars';
import { Heatmap, LinePlot, readThemeColors, type ChartHost, type ThemeColors } from './charts';
import { blockAsNumpy, stepAsNumpy } from './copytext';
import { clear, el, setText } from './dom';
import { formatCell, formatExact } from './format';
import { playbackTick, playNext, stepKeyAction, unitWindow } from './keys';
import {
  currentCell, currentTrace, displayConvention, frameworkOf, INITIAL_STATE, layerDoubts, persisted, reduce, requestFromForm, selectedLayer,
  sourceKinds, UNIT_PAGE, type Action, type InitialKind, type PanelState, type SourceKind,
} from './store';
import { setStrings, t, type StringKey } from './strings';
import {
  conventionChoices, decodeTrace, gateLabelIn, inputRow, gruHiddenAt, lstmCellAt, maxOtherAt, zBlocks, zSplitAt,
  type CellDecomposition, type GruDecomposition, type TraceData, type ZBlock, type ZSplit,
} from './trace';
// Bundled by esbuild into dist/webview/main.css, which the host links.
import '../../media/webview.css';

interface VsCodeApi {
  postMessage(message: WebviewToHost | Envelope): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** A gate's human name in the UI language (the English defaults are the core's names, see strings.ts). */
const gateName = (gate: CanonicalGate): string => t(`gate.${gate}`);
const CELL_NAMES: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' };

// Called once and kept in this closure: the API object must not leak to other scripts (webview security guidance).
const vscode: VsCodeApi = acquireVsCodeApi();
const post = (m: WebviewToHost): void => vscode.postMessage(m);
/** Requests to the host (run, cancelRun), answered with a result or an error {code, message}. */
const host = new RequestClient<WebviewMethods>((m) => vscode.postMessage(m));

/**
 * User Timing marks for scripts/bench/responsiveness.mjs (where a first render's time goes). The newest of each
 * name replaces the older one, so a long session holds a handful of entries, not one per run.
 */
function mark(name: string): void {
  if (typeof performance.mark !== 'function') return;
  performance.clearMarks(name);
  performance.mark(name);
}

/** Runs `then` in the first task after the next frame has been rendered (rAF runs just before style, layout, paint). */
function afterNextPaint(then: () => void): void {
  requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); then(); };
    channel.port2.postMessage(undefined);
  });
}

// ---------------------------------------------------------------- the store: one state, one render path

let state: PanelState = INITIAL_STATE;

/** Every change goes through here: the reducer decides the new state, `render` brings the page to it. */
function dispatch(action: Action): void {
  const prev = state;
  state = reduce(prev, action);
  if (state !== prev) render(prev, state);
}

// ---------------------------------------------------------------- static structure

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
app.classList.add('gl-app');

const layerSelect = el('select', { id: 'gl-layer' });
const layerSummary = el('span', { id: 'gl-layer-summary', className: 'gl-muted' });
const doubtsList = el('ul', { className: 'gl-doubt-list' });
const doubtsBox = el('div', { id: 'gl-layer-doubts', className: 'gl-doubts', role: 'note', hidden: true }, el('strong', { 'data-str': 'layer.doubts' }), doubtsList);
const directionSelect = el('select', { id: 'gl-direction' });
const directionLabel = el('label', { className: 'gl-field', hidden: true }, el('span', { 'data-str': 'layer.direction' }), directionSelect);
const conventionSelect = el('select', { id: 'gl-convention' });

const sourceSelect = el('select', { id: 'gl-run-source' });
const stepsInput = el('input', { id: 'gl-run-steps', type: 'number', min: 1, max: 100000, step: 1 });
const seedInput = el('input', { id: 'gl-run-seed', type: 'number', min: 0, step: 1 });
const arraySelect = el('select', { id: 'gl-run-array' });
const valuesInput = el('textarea', { id: 'gl-run-values', rows: 3, spellcheck: 'false', 'data-placeholder': 'run.values.placeholder' });
const initialSelect = el('select', { id: 'gl-run-initial' });
const h0Input = el('input', { id: 'gl-run-h0', type: 'text', spellcheck: 'false', 'data-placeholder': 'run.state.placeholder' });
const c0Input = el('input', { id: 'gl-run-c0', type: 'text', spellcheck: 'false', 'data-placeholder': 'run.state.placeholder' });
const stepsField = el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.steps' }), stepsInput);
const seedField = el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.seed' }), seedInput);
const revealButton = el('button', { id: 'gl-run-reveal', type: 'button', 'data-str': 'run.reveal' });
const arrayField = el('span', { className: 'gl-field' }, el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.array' }), arraySelect), revealButton);
const valuesField = el('label', { className: 'gl-field gl-wide' }, el('span', { 'data-str': 'run.values' }), valuesInput);
const h0Field = el('label', { className: 'gl-field gl-wide' }, el('span', { text: 'h₀' }), h0Input);
const c0Field = el('label', { className: 'gl-field gl-wide' }, el('span', { text: 'c₀' }), c0Input);
const runButton = el('button', { id: 'gl-run', type: 'submit', className: 'gl-primary', 'data-str': 'run.button' });
const cancelButton = el('button', { id: 'gl-cancel', type: 'button', hidden: true, 'data-str': 'run.cancel' });
const progressBar = el('progress', { id: 'gl-progress-bar', max: 1, hidden: true });
const progressText = el('span', { className: 'gl-progress-text' });
const progress = el('div', { id: 'gl-progress', role: 'status', className: 'gl-progress' }, progressBar, progressText);
const errorBox = el('div', { id: 'gl-error', role: 'alert', className: 'gl-error', hidden: true });

const runForm = el('form', { id: 'gl-run-form', className: 'gl-run-form' },
  el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.source' }), sourceSelect),
  stepsField, seedField, arrayField, valuesField,
  el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.initial' }), initialSelect),
  h0Field, c0Field, runButton, cancelButton);

const navButton = (id: string, key: StringKey, glyph: string) =>
  el('button', { id, type: 'button', className: 'gl-nav-button', 'data-aria': key, title: t(key), 'aria-label': t(key) }, el('span', { 'aria-hidden': 'true', text: glyph }));
const firstButton = navButton('gl-first', 'nav.first', '⇤');
const prevButton = navButton('gl-prev', 'nav.prev', '←');
const playButton = navButton('gl-play', 'nav.play', '▶');
const nextButton = navButton('gl-next', 'nav.next', '→');
const lastButton = navButton('gl-last', 'nav.last', '⇥');
const slider = el('input', { id: 'gl-slider', type: 'range', min: 0, max: 0, step: 1, value: 0 });
const stepLabel = el('span', { id: 'gl-step-label', className: 'gl-step-label' });
const timeIndexLabel = el('span', { id: 'gl-time-index', className: 'gl-muted' });
const speedSelect = el('select', { id: 'gl-speed', 'data-aria': 'nav.speed' });
for (const s of [1, 2, 4, 8, 15, 30, 60]) speedSelect.appendChild(el('option', { value: s, text: `${s}/s` }));
const copyButton = el('button', { id: 'gl-copy', type: 'button', 'data-str': 'copy.button' });
const copyForwardButton = el('button', { id: 'gl-copy-forward', type: 'button', 'data-str': 'copy.forward' });
const convertButton = el('button', { id: 'gl-convert', type: 'button', 'data-str': 'convert.button' });

const whatIf = el('p', { id: 'gl-whatif', className: 'gl-whatif', role: 'note', hidden: true });
const splitToggle = el('input', { id: 'gl-split', type: 'checkbox' });
const precisionToggle = el('input', { id: 'gl-precision', type: 'checkbox' });
const unitsPrev = el('button', { id: 'gl-units-prev', type: 'button', 'data-aria': 'z.unitsPrev', text: '‹' });
const unitsNext = el('button', { id: 'gl-units-next', type: 'button', 'data-aria': 'z.unitsNext', text: '›' });
const unitsLabel = el('span', { id: 'gl-units-label', className: 'gl-muted' });
const unitsPager = el('div', { className: 'gl-units', hidden: true }, unitsPrev, unitsLabel, unitsNext);
const xLine = el('p', { id: 'gl-x', className: 'gl-x gl-num' });
const zBox = el('div', { id: 'gl-z', className: 'gl-z' });
const zNote = el('p', { id: 'gl-z-note', className: 'gl-note', hidden: true });
const resetNote = el('p', { id: 'gl-reset', className: 'gl-reset', hidden: true });
const gatesBox = el('div', { id: 'gl-gates', className: 'gl-gates' });
const cBox = el('div', { id: 'gl-state-c', className: 'gl-state' });
const hBox = el('div', { id: 'gl-state-h', className: 'gl-state' });
const emptyNote = el('p', { id: 'gl-empty', className: 'gl-note' });

const tooltip = el('div', { id: 'gl-tooltip', className: 'gl-tooltip', role: 'tooltip', hidden: true });
const live = el('div', { id: 'gl-live', className: 'gl-sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });

const chartHost: ChartHost = {
  tooltip(text, x, y) {
    if (text === undefined) { tooltip.hidden = true; return; }
    setText(tooltip, text);
    tooltip.hidden = false;
    const w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    const left = Math.min((x ?? 0) + 12, window.innerWidth - w - 4);
    const top = (y ?? 0) + 16 + h > window.innerHeight ? (y ?? 0) - h - 8 : (y ?? 0) + 16;
    tooltip.style.left = `${Math.max(4, left)}px`;
    tooltip.style.top = `${Math.max(4, top)}px`;
  },
  announce(text) { setText(live, text); },
  goToStep(s) { dispatch({ type: 'goToStep', step: s }); },
};
const heatGates = new Heatmap('gl-heat-gates', 'heat.gates', chartHost);
const heatC = new Heatmap('gl-heat-c', 'heat.c', chartHost);
const heatH = new Heatmap('gl-heat-h', 'heat.h', chartHost);
const plotH = new LinePlot('gl-plot-h', chartHost);
const charts = [heatGates, heatC, heatH, plotH] as const;

const stepSection = el('section', { className: 'gl-section', 'aria-labelledby': 'gl-step-heading' },
  el('h2', { id: 'gl-step-heading', 'data-str': 'section.step' }),
  whatIf,
  xLine,
  el('div', { className: 'gl-subhead' },
    el('h3', { 'data-str': 'z.title' }),
    el('label', { className: 'gl-toggle' }, splitToggle, el('span', { 'data-str': 'z.split' })),
    el('label', { className: 'gl-toggle' }, precisionToggle, el('span', { 'data-str': 'view.fullPrecision' })),
    unitsPager),
  zBox, zNote, resetNote,
  el('h3', { 'data-str': 'gates.title' }), gatesBox,
  cBox, hBox);
const timeSection = el('section', { className: 'gl-section', 'aria-labelledby': 'gl-time-heading' },
  el('h2', { id: 'gl-time-heading', 'data-str': 'section.time' }),
  el('p', { className: 'gl-hint', 'data-str': 'heat.keys' }),
  heatGates.root, heatC.root, heatH.root, plotH.root);
const traceArea = el('div', { id: 'gl-trace', className: 'gl-trace', hidden: true },
  el('div', { className: 'gl-nav', role: 'toolbar', 'data-aria': 'nav.toolbar' },
    firstButton, prevButton, playButton, nextButton, lastButton, stepLabel, slider, timeIndexLabel, speedSelect, copyButton, copyForwardButton, convertButton),
  el('p', { className: 'gl-hint', 'data-str': 'nav.keys' }),
  stepSection, timeSection);

app.append(
  el('header', { className: 'gl-header' },
    el('label', { className: 'gl-field' }, el('span', { 'data-str': 'layer.label' }), layerSelect),
    directionLabel,
    el('label', { className: 'gl-field' }, el('span', { 'data-str': 'conv.label' }), conventionSelect),
    layerSummary),
  doubtsBox,
  el('section', { className: 'gl-section gl-run', 'aria-labelledby': 'gl-run-heading' },
    el('h2', { id: 'gl-run-heading', className: 'gl-sr-only', 'data-str': 'section.run' }),
    runForm, progress, errorBox),
  emptyNote,
  traceArea,
  tooltip, live);

// ---------------------------------------------------------------- renderers, one per section

/** Re-apply every translatable string of the static structure (after `init`). */
function renderStaticStrings(): void {
  app.querySelectorAll<HTMLElement>('[data-str]').forEach((node) => { node.textContent = t(node.dataset.str as StringKey); });
  app.querySelectorAll<HTMLElement>('[data-aria]').forEach((node) => {
    const text = t(node.dataset.aria as StringKey);
    node.setAttribute('aria-label', text);
    node.title = text;
  });
  app.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('[data-placeholder]').forEach((node) => { node.placeholder = t(node.dataset.placeholder as StringKey); });
  slider.setAttribute('aria-label', t('nav.slider'));
  for (const chart of charts) chart.relabel();
}

function renderHeader(s: PanelState): void {
  layerSelect.replaceChildren(...s.layers.map((l) => el('option', { value: l.id, text: `${l.name} — ${frameworkOf(l)} ${CELL_NAMES[l.cell]}` })));
  layerSelect.disabled = s.layers.length === 0;
  if (s.layerId) layerSelect.value = s.layerId;
  const l = selectedLayer(s);
  setText(layerSummary, l ? t('layer.summary', frameworkOf(l), l.units, l.inputSize, l.directions === 2 ? t('layer.bidirectional') : CELL_NAMES[l.cell]) : '');
  const doubts = layerDoubts(s);
  doubtsBox.hidden = doubts.length === 0;
  doubtsList.replaceChildren(...doubts.map((d) => el('li', { text: d })));
}

function renderDirection(s: PanelState): void {
  const tr = currentTrace(s);
  directionSelect.replaceChildren(el('option', { value: 0, text: t('layer.forward') }), el('option', { value: 1, text: t('layer.backward') }));
  directionLabel.hidden = s.traces.length < 2;
  directionSelect.value = String(tr?.direction ?? s.direction);
}

function renderConvention(s: PanelState): void {
  const cc = currentCell(s);
  if (!cc) { conventionSelect.replaceChildren(); conventionSelect.disabled = true; return; }
  conventionSelect.disabled = false;
  conventionSelect.replaceChildren(...conventionChoices(cc.cell, cc.stored).map((spec) => {
    const order = spec.gateOrder.map((g) => g.label).join(', ');
    const name = spec.id === cc.stored ? t('conv.stored', spec.framework) : spec.framework;
    return el('option', { value: spec.id, text: `${name} — ${order}` });
  }));
  conventionSelect.value = displayConvention(s) ?? cc.stored;
}

const SOURCE_LABELS: Record<SourceKind, StringKey> = { zeros: 'run.source.zeros', random: 'run.source.random', array: 'run.source.array', values: 'run.source.values' };
const INITIAL_LABELS: Record<InitialKind, StringKey> = { zeros: 'run.initial.zeros', values: 'run.initial.values' };

function setValue(input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  if (input.value !== value) input.value = value;
}

function renderForm(s: PanelState): void {
  const f = s.form;
  sourceSelect.replaceChildren(...sourceKinds(s).map((k) => el('option', { value: k, text: t(SOURCE_LABELS[k]) })));
  sourceSelect.value = f.source;
  arraySelect.replaceChildren(...s.inputs.map((a) => el('option', { value: a.arrayIndex, text: `${a.name} (${a.shape.join('×')})` })));
  if (f.arrayIndex !== undefined) arraySelect.value = String(f.arrayIndex);
  initialSelect.replaceChildren(...(['zeros', 'values'] as const).map((k) => el('option', { value: k, text: t(INITIAL_LABELS[k]) })));
  initialSelect.value = f.initial;
  stepsField.hidden = f.source === 'array' || f.source === 'values';
  seedField.hidden = f.source !== 'random';
  arrayField.hidden = f.source !== 'array';
  valuesField.hidden = f.source !== 'values';
  const layer = selectedLayer(s);
  h0Field.hidden = f.initial !== 'values';
  c0Field.hidden = f.initial !== 'values' || layer?.cell !== 'lstm';
  setValue(stepsInput, String(f.steps));
  setValue(seedInput, String(f.seed));
  setValue(valuesInput, f.values);
  setValue(h0Input, f.h0);
  setValue(c0Input, f.c0);
}

function renderRunStatus(s: PanelState): void {
  const r = s.run;
  progressBar.hidden = !r.running;
  if (r.fraction !== undefined) progressBar.value = r.fraction; else progressBar.removeAttribute('value');
  setText(progressText, r.message);
  runButton.disabled = !selectedLayer(s) || r.running;
  cancelButton.hidden = !r.running;
  errorBox.hidden = r.error === undefined;
  clear(errorBox);
  if (r.error !== undefined) errorBox.append(el('strong', { text: `${t('error.title')}: ` }), r.error);
}

function renderEmpty(s: PanelState): void {
  const tr = currentTrace(s);
  traceArea.hidden = !tr;
  emptyNote.hidden = !!tr;
  if (!tr) setText(emptyNote, s.layers.length === 0 ? (s.fileName ? t('app.noLayers', s.fileName) : t('app.noDocument')) : t('app.noTrace'));
  slider.max = String(Math.max(0, (tr?.steps ?? 1) - 1));
}

function renderPlayButton(s: PanelState): void {
  const key: StringKey = s.playing ? 'nav.pause' : 'nav.play';
  playButton.dataset.aria = key;
  playButton.setAttribute('aria-label', t(key));
  playButton.title = t(key);
  playButton.setAttribute('aria-pressed', String(s.playing));
  playButton.firstChild!.textContent = s.playing ? '⏸' : '▶';
}

/**
 * The single render path: each renderer runs when the part of the state it shows has changed. The per-step update
 * (a step change only) touches existing cells in the next animation frame; a new trace, naming, split or unit window
 * rebuilds the step tables; a new trace or naming repaints the charts.
 */
function render(prev: PanelState, next: PanelState): void {
  const strings = prev.stringsVersion !== next.stringsVersion;
  if (strings) renderStaticStrings();
  const layersChanged = strings || prev.layers !== next.layers || prev.layerId !== next.layerId;
  if (layersChanged) renderHeader(next);
  const trP = currentTrace(prev), trN = currentTrace(next);
  if (strings || prev.traces !== next.traces || prev.direction !== next.direction) renderDirection(next);
  const dispP = displayConvention(prev), dispN = displayConvention(next);
  if (layersChanged || trP !== trN || dispP !== dispN || prev.uri !== next.uri) renderConvention(next);
  if (layersChanged || prev.form !== next.form || prev.inputs !== next.inputs) renderForm(next);
  if (layersChanged || prev.run !== next.run) renderRunStatus(next);
  if (strings || trP !== trN || prev.layers !== next.layers || prev.fileName !== next.fileName) renderEmpty(next);
  if (strings || prev.playing !== next.playing) renderPlayButton(next);
  if (prev.playing !== next.playing && next.playing) startPlayback();
  if (prev.playing && !next.playing && sections.some((sec) => sec.dirty)) scheduleFlush(DEFERRED_LAG_MS);
  if (prev.view.speed !== next.view.speed || strings) speedSelect.value = String(next.view.speed);
  splitToggle.checked = next.view.split;
  precisionToggle.checked = next.view.fullPrecision;
  app.classList.toggle('gl-full-precision', next.view.fullPrecision);

  const structure = strings || trP !== trN || dispP !== dispN || prev.view.split !== next.view.split || prev.view.unitOffset !== next.view.unitOffset;
  if (structure) rebuildStepDom(next);
  // The numbers go in before the charts: painting the line plot reads its canvas's size, which lays out the page,
  // and with the cells already filled that one layout covers them too (a new trace's frame was otherwise laid out
  // twice: once forced here, once more for the numbers).
  if (structure || prev.view.fullPrecision !== next.view.fullPrecision) renderStepNow();
  else if (prev.step !== next.step) scheduleStep();
  // Without a trace there is nothing to draw (the page's strings arrive before it).
  if ((strings || trP !== trN || dispP !== dispN) && trN) scheduleCharts();
  saveState(prev, next);
}

// ---------------------------------------------------------------- controls: each one dispatches

function startRun(): void {
  const parsed = requestFromForm(state);
  if (!parsed.ok) { dispatch({ type: 'runFailed', message: t(parsed.error, ...parsed.args) }); return; }
  dispatch({ type: 'runStarted', message: t('run.running') });
  host.request('run', parsed.value).catch((error: unknown) => {
    // A cancel is the user's own doing, not a failure to show.
    if (error instanceof ChannelError && error.code === CHANNEL_ERRORS.cancelled) return;
    dispatch({ type: 'runFailed', message: error instanceof Error ? error.message : String(error) });
  });
}

runForm.addEventListener('submit', (e) => { e.preventDefault(); startRun(); });
cancelButton.addEventListener('click', () => {
  // The run's own request reports how it ended (cancelled or failed); a lost cancel has nothing further to say.
  if (state.run.runId !== undefined) host.request('cancelRun', { runId: state.run.runId }).catch(() => undefined);
  dispatch({ type: 'cancel' });
});
revealButton.addEventListener('click', () => {
  const idx = Number(arraySelect.value);
  if (arraySelect.value !== '' && Number.isInteger(idx)) post({ type: 'revealArray', arrayIndex: idx });
});
sourceSelect.addEventListener('change', () => dispatch({ type: 'editForm', patch: { source: sourceSelect.value as SourceKind } }));
arraySelect.addEventListener('change', () => dispatch({ type: 'editForm', patch: { arrayIndex: Number(arraySelect.value) } }));
stepsInput.addEventListener('input', () => dispatch({ type: 'editForm', patch: { steps: Number(stepsInput.value) } }));
seedInput.addEventListener('input', () => dispatch({ type: 'editForm', patch: { seed: Number(seedInput.value) } }));
valuesInput.addEventListener('input', () => dispatch({ type: 'editForm', patch: { values: valuesInput.value } }));
initialSelect.addEventListener('change', () => dispatch({ type: 'editForm', patch: { initial: initialSelect.value as InitialKind } }));
h0Input.addEventListener('input', () => dispatch({ type: 'editForm', patch: { h0: h0Input.value } }));
c0Input.addEventListener('input', () => dispatch({ type: 'editForm', patch: { c0: c0Input.value } }));
layerSelect.addEventListener('change', () => {
  dispatch({ type: 'selectLayer', layerId: layerSelect.value });
  post({ type: 'selectLayer', layerId: layerSelect.value });
});
directionSelect.addEventListener('change', () => dispatch({ type: 'setDirection', direction: Number(directionSelect.value) }));
conventionSelect.addEventListener('change', () => {
  dispatch({ type: 'setConvention', convention: conventionSelect.value as NonNullable<PanelState['naming']>['convention'] });
  const shown = displayConvention(state);
  if (shown) post({ type: 'conventionChanged', convention: shown });
});
splitToggle.addEventListener('change', () => dispatch({ type: 'setView', patch: { split: splitToggle.checked } }));
precisionToggle.addEventListener('change', () => dispatch({ type: 'setView', patch: { fullPrecision: precisionToggle.checked } }));
unitsPrev.addEventListener('click', () => dispatch({ type: 'pageUnits', delta: -UNIT_PAGE }));
unitsNext.addEventListener('click', () => dispatch({ type: 'pageUnits', delta: UNIT_PAGE }));
speedSelect.addEventListener('change', () => dispatch({ type: 'setView', patch: { speed: Number(speedSelect.value) } }));

const goTo = (step: number): void => dispatch({ type: 'goToStep', step });
firstButton.addEventListener('click', () => goTo(0));
prevButton.addEventListener('click', () => goTo(state.step - 1));
nextButton.addEventListener('click', () => goTo(state.step + 1));
lastButton.addEventListener('click', () => goTo((currentTrace(state)?.steps ?? 1) - 1));
playButton.addEventListener('click', () => dispatch({ type: 'play', on: !state.playing }));
slider.addEventListener('input', () => goTo(Number(slider.value)));
copyButton.addEventListener('click', () => {
  const tr = currentTrace(state);
  if (!tr) return;
  post({ type: 'copy', text: stepAsNumpy(tr, state.step, tr.direction === 1 ? 'backward' : 'forward'), what: t('copy.what', state.step + 1) });
});

copyForwardButton.addEventListener('click', () => post({ type: 'copyForwardPass' }));

/** The copy-block buttons' action: one z block of the step on screen, at full precision. */
function copyBlockAtStep(block: ZBlock, label: string): void {
  const tr = currentTrace(state);
  if (!tr) return;
  post({ type: 'copy', text: blockAsNumpy(tr, state.step, block), what: t('copy.block.what', label, state.step + 1) });
}
convertButton.addEventListener('click', () => post({ type: 'convertLayer' }));

document.addEventListener('keydown', (e) => {
  const tr = currentTrace(state);
  if (!tr || e.defaultPrevented) return;
  const target = e.target as HTMLElement | null;
  // Form fields keep their own keys (the slider handles arrows itself); on a button, Space and Enter press it,
  // but the arrows still step, so the keyboard keeps working after a click on ← or →.
  if (target && target.closest('input, select, textarea')) return;
  if (target && target.closest('button, a') && (e.key === ' ' || e.key === 'Enter')) return;
  const action = stepKeyAction(e.key, state.step, tr.steps, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
  if (action.kind === 'none') return;
  e.preventDefault();
  if (action.kind === 'togglePlay') dispatch({ type: 'play', on: !state.playing });
  else {
    dispatch({ type: 'play', on: false });
    goTo(action.step);
    for (const chart of charts) chart.announceIfFocused();
  }
});

// ---------------------------------------------------------------- stepping and playback

let stepFrame: number | undefined;
/**
 * A step change renders in the next animation frame; several changes before it render once. A render done sooner
 * (playback renders inside its own frame callback) cancels the request, so no frame carries an empty callback.
 */
function scheduleStep(): void {
  if (stepFrame === undefined && !inPlaybackFrame) stepFrame = requestAnimationFrame(() => { stepFrame = undefined; renderStepNow(); });
}

// Playback: one animation-frame loop; `playbackTick` (keys.ts) decides per frame whether it shows the next step.
let playDue = 0;
let lastFrameAt = 0;
/** The display's frame period, learnt from frame gaps (a dropped frame's long gap is not counted). */
let framePeriod = 1000 / 60;
let playLoop: number | undefined;
/** Set while playback's own frame callback changes the step: it renders at once, no extra frame request. */
let inPlaybackFrame = false;
function tick(now: number): void {
  playLoop = undefined;
  const tr = currentTrace(state);
  if (!state.playing || !tr) return;
  const gap = now - lastFrameAt;
  lastFrameAt = now;
  if (gap > 0 && gap < framePeriod * 1.5) framePeriod += (gap - framePeriod) / 8;
  const due = playbackTick(now, playDue, 1000 / state.view.speed, framePeriod);
  playDue = due.due;
  if (due.step) {
    const n = playNext(state.step, tr.steps);
    inPlaybackFrame = true;
    try { goTo(n.step); } finally { inPlaybackFrame = false; }
    renderStepNow();
    if (n.stop) { dispatch({ type: 'play', on: false }); return; }
  }
  playLoop = requestAnimationFrame(tick);
}

function startPlayback(): void {
  // One loop only; the first step waits a full interval so the step shown when Play was pressed stays visible.
  if (playLoop !== undefined) cancelAnimationFrame(playLoop);
  lastFrameAt = performance.now();
  playDue = lastFrameAt + 1000 / state.view.speed;
  playLoop = requestAnimationFrame(tick);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(prev: PanelState, next: PanelState): void {
  const same = prev.uri === next.uri && prev.layerId === next.layerId && prev.naming === next.naming && prev.form === next.form && prev.request === next.request
    && prev.direction === next.direction && prev.step === next.step && prev.pendingStep === next.pendingStep && prev.view === next.view && prev.traces === next.traces;
  if (same || saveTimer !== undefined) return;
  saveTimer = setTimeout(() => { saveTimer = undefined; vscode.setState(persisted(state)); }, 200);
}

// ---------------------------------------------------------------- per-step DOM (built once per trace / window / naming)

interface BlockCells { block: ZBlock; rows: { kind: keyof ZSplit; cells: HTMLElement[] }[] }
let blockCells: BlockCells[] = [];
let gateBars: { canonicalOffset: number; bars: GateBars }[] = [];
let cCells: Record<string, HTMLElement[]> = {};
let hCells: Record<string, HTMLElement[]> = {};
let windowStart = 0;
const split: ZSplit = { xw: 0, hu: 0, b: 0, other: 0, z: 0 };
const cellDec: CellDecomposition = { unit: 0, f: 0, cPrev: 0, i: 0, g: 0, forgetTerm: 0, inputTerm: 0, sum: 0, c: 0, derived: false };
const gruDec: GruDecomposition = { unit: 0, z: 0, hPrev: 0, n: 0, keepTerm: 0, newTerm: 0, sum: 0, h: 0 };

const ROW_KEYS: Record<keyof ZSplit, StringKey> = { xw: 'z.row.xw', hu: 'z.row.hu', b: 'z.row.b', other: 'z.row.other', z: 'z.row.z' };

function rebuildStepDom(s: PanelState): void {
  for (const bar of gateBars) bar.bars.dispose();
  blockCells = []; gateBars = []; cCells = {}; hCells = {};
  clear(zBox); clear(gatesBox); clear(cBox); clear(hBox);
  const tr = currentTrace(s);
  if (!tr) return;
  const display = displayConvention(s) ?? tr.convention;
  const storedSpec = conventionSpec(tr.convention, tr.cell);
  const displaySpec = conventionSpec(display, tr.cell);
  const blocks = zBlocks(tr.cell, tr.convention, display, tr.units);
  const width = Math.max(tr.units, tr.hiddenSize);
  const win = unitWindow(s.view.unitOffset, UNIT_PAGE, width);
  windowStart = win.start;
  const windowEnd = win.end;
  const unitEnd = Math.min(windowEnd, tr.units);
  unitsPager.hidden = width <= UNIT_PAGE;
  // The z grid's column width follows the number of units shown (see .gl-z in media/webview.css).
  zBox.style.setProperty('--gl-units', String(unitEnd - windowStart));
  setText(unitsLabel, t('z.units', windowStart, windowEnd - 1, width));
  unitsPrev.disabled = windowStart === 0;
  unitsNext.disabled = windowEnd >= width;

  const isWhatIf = display !== tr.convention;
  whatIf.hidden = !isWhatIf;
  setText(whatIf, isWhatIf ? t('conv.whatIf', storedSpec.framework, displaySpec.framework) : '');

  // "other" appears when some gate receives more than x·W + h·U + b anywhere in the trace (peepholes, clip,
  // forget_bias, or the reset_after n block), so the table shape does not jump while stepping.
  // Decided per block over the whole trace, so a block's table keeps its shape while stepping.
  const blockHasOther = (b: ZBlock): boolean => {
    for (let k = 0; k < tr.steps; k++) if (maxOtherAt(tr, k, b.canonicalOffset, b.canonicalOffset + tr.units) > 0) return true;
    return false;
  };
  let showOther = false;

  for (const b of blocks) {
    const label = t('z.gateLabel', b.label, gateName(b.shownGate), b.start, b.end);
    // Copies this block's z at the current step with every digit (a <button>: Tab and Enter/Space reach it).
    const copyBlock = el('button', { type: 'button', className: 'gl-copy-block', text: t('copy.block'), 'aria-label': t('copy.block.label', label) });
    copyBlock.addEventListener('click', () => copyBlockAtStep(b, label));
    const caption = el('caption', { className: 'gl-gate-label' }, el('span', { className: 'gl-swatch', 'aria-hidden': 'true' }), label, copyBlock);
    if (b.mismatch) caption.appendChild(el('span', { className: 'gl-really', text: ` (${t('conv.really', gateTitle({ label: b.trueLabel, name: gateName(b.trueGate) }))})` }));
    const head = el('tr', {}, el('th', { scope: 'col', className: 'gl-rowhead' }));
    for (let u = windowStart; u < unitEnd; u++) head.appendChild(el('th', { scope: 'col', text: String(b.start + u) }));
    const table = el('table', { className: 'gl-ztable' }, caption, el('thead', {}, head));
    const body = el('tbody');
    const rows: BlockCells['rows'] = [];
    const other = s.view.split && blockHasOther(b);
    showOther ||= other;
    const rowKinds: (keyof ZSplit)[] = s.view.split ? (other ? ['xw', 'hu', 'b', 'other', 'z'] : ['xw', 'hu', 'b', 'z']) : ['z'];
    for (const kind of rowKinds) {
      const row = el('tr', { className: `gl-zrow gl-zrow-${kind}` }, el('th', { scope: 'row', className: 'gl-rowhead', text: t(ROW_KEYS[kind]) }));
      const cells: HTMLElement[] = [];
      for (let u = windowStart; u < unitEnd; u++) {
        const td = el('td', { className: 'gl-cell', 'data-row': kind });
        cells.push(td);
        row.appendChild(td);
      }
      body.appendChild(row);
      rows.push({ kind, cells });
    }
    table.appendChild(body);
    const cls = ['gl-block', `gl-gate-${b.shownGate}`];
    if (b.mismatch) cls.push('gl-mismatch');
    if (tr.cell === 'gru' && b.trueGate === 'n') cls.push(tr.resetAfter ? 'gl-reset-after' : 'gl-reset-before');
    zBox.appendChild(el('div', { className: cls.join(' '), 'data-gate': b.shownGate, 'data-true-gate': b.trueGate, 'data-start': b.start, 'data-end': b.end }, table));
    blockCells.push({ block: b, rows });
  }

  if (tr.cell === 'gru') {
    resetNote.hidden = false;
    setText(resetNote, t(tr.resetAfter ? 'gru.resetAfter' : 'gru.resetBefore'));
    resetNote.classList.toggle('gl-reset-after', tr.resetAfter);
  } else resetNote.hidden = true;
  zNote.hidden = !s.view.split;
  if (s.view.split) {
    setText(zNote, tr.cell === 'gru' ? t(tr.resetAfter ? 'z.resetAfter' : 'z.resetBefore') : showOther ? t('z.other.lstm') : '');
    zNote.hidden = zNote.textContent === '';
  }

  // Gate activations in stored order, each named by the display convention's letter for that same gate
  // (activations are computed, so they are always the true gate; only the letter changes: c / g / j, h / n).
  for (const b of blocks) {
    const named = gateLabelIn(displaySpec, b.trueGate);
    const { max, signed } = gateRange(tr, b.canonicalOffset);
    const units = Array.from({ length: unitEnd - windowStart }, (_, k) => windowStart + k);
    const bars = new GateBars(units, max, signed, t('state.col.unit'));
    gatesBox.appendChild(el('div', { className: `gl-gate gl-gate-${b.trueGate}`, 'data-gate': b.trueGate },
      el('h4', { className: 'gl-gate-label' }, el('span', { className: 'gl-swatch', 'aria-hidden': 'true' }), t('gates.gateHeading', named.label, gateName(b.trueGate))),
      bars.root));
    gateBars.push({ canonicalOffset: b.canonicalOffset, bars });
  }
  themeBars();

  if (tr.cell === 'lstm' && tr.c) {
    // The formula keeps the textbook g for the candidate: Keras calls it c, which would collide with the cell state.
    const g = 'g';
    const cols: [string, string][] = [['unit', t('state.col.unit')], ['f', t('state.col.f')], ['cPrev', t('state.col.cPrev')], ['fc', 'f⊙c₋₁'],
      ['i', t('state.col.i')], ['g', g], ['ig', `i⊙${g}`], ['c', t('state.col.c')]];
    cCells = stateTable(cBox, t('state.c.title'), cols, windowStart, unitEnd);
  }
  const hEnd = Math.min(windowEnd, tr.hiddenSize);
  if (tr.cell === 'gru') {
    // n for the candidate whatever the convention: Keras and ONNX call it h, which would collide with the state.
    const cols: [string, string][] = [['unit', t('state.col.unit')], ['z', t('state.col.z')], ['hPrev', t('state.col.hPrev')], ['zh', 'z⊙h₋₁'],
      ['n', t('state.col.n')], ['zn', '(1−z)⊙n'], ['h', t('state.col.h')]];
    hCells = stateTable(hBox, `${t('state.h.title')}: ${t('state.h.gru')}`, cols, windowStart, hEnd);
  } else if (tr.cell === 'lstm') {
    const cols: [string, string][] = tr.hiddenSize === tr.units
      ? [['unit', t('state.col.unit')], ['o', 'o'], ['c', t('state.col.c')], ['h', t('state.col.h')]]
      : [['unit', t('state.col.unit')], ['h', t('state.col.h')]];
    hCells = stateTable(hBox, `${t('state.h.title')}: ${t('state.h.lstm')}`, cols, windowStart, hEnd);
  } else {
    hCells = stateTable(hBox, `${t('state.h.title')}: ${t('state.h.rnn')}`, [['unit', t('state.col.unit')], ['z', 'z'], ['h', t('state.col.h')]], windowStart, hEnd);
  }
}

/** Bar scale of one gate over the whole trace: the largest |activation| (at least 1), and whether any is negative. */
function gateRange(tr: TraceData, offset: number): { max: number; signed: boolean } {
  const a = tr.a, GH = tr.gates * tr.units, H = tr.units, steps = tr.steps;
  let max = 1, signed = false;
  for (let s = 0; s < steps; s++) {
    const base = s * GH + offset;
    for (let u = 0; u < H; u++) {
      const v = a[base + u];
      if (v < 0) { signed = true; if (-v > max) max = -v; } else if (v > max) max = v;
    }
  }
  return { max, signed };
}

/** The bars' colours and fonts from the theme (each gate's own --gl-gate colour), read when the first of them draws. */
function themeBars(): void {
  let theme: BarTheme | undefined;
  for (const { bars } of gateBars) {
    bars.useTheme(() => ({ theme: (theme ??= readBarTheme(gatesBox)), color: getComputedStyle(bars.root).getPropertyValue('--gl-gate').trim() }));
  }
}

function stateTable(box: HTMLElement, title: string, cols: [string, string][], from: number, to: number): Record<string, HTMLElement[]> {
  const cells: Record<string, HTMLElement[]> = {};
  const head = el('tr');
  for (const [key, label] of cols) { head.appendChild(el('th', { scope: 'col', text: label })); cells[key] = []; }
  const body = el('tbody');
  for (let u = from; u < to; u++) {
    const row = el('tr', { 'data-unit': u });
    for (const [key] of cols) {
      const cell = key === 'unit' ? el('th', { scope: 'row', text: String(u) }) : el('td', { 'data-col': key, className: 'gl-num' });
      if (key !== 'unit') cells[key].push(cell);
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
  box.appendChild(el('table', { className: 'gl-statetable' }, el('caption', { text: title }), el('thead', {}, head), body));
  const derived = el('p', { className: 'gl-note gl-derived', hidden: true, text: t('state.c.derived') });
  box.appendChild(derived);
  return cells;
}

// ---------------------------------------------------------------- per-step update (no structural DOM changes)

/** The number format of the view: 4 decimals, or every digit of the float64 when full precision is on. */
let fmt: (v: number) => string = formatCell;

// Sections outside the viewport (tracked by an IntersectionObserver) are updated just after the frame instead of
// inside it, so the visible part of a step stays within the frame budget; they are never left stale, because a
// screen reader's virtual cursor may read them without scrolling. "Outside" is strict (no margin): every changed
// number costs layout (15–20 µs of Chromium text layout per cell at load 16, whatever the structure around it), and
// with a 200 px margin the c table just below a 900 px panel was laid out in every frame (112 of its ~290 cells).
// While playing they are not caught up at all until playback stops (or they scroll into view): a catch-up lays out
// all of their cells in the next frame, on top of that frame's step, and at 60 steps/s every catch-up (one each
// 500 ms before) was a dropped frame; nobody reads a table that changes 60 times a second, and a pause or the last
// step brings them up to date within DEFERRED_LAG_MS.
// The gate bars' text list (what screen readers read for the canvas) is always written after the frame (`afterFrame`).
interface StepSection {
  readonly el: HTMLElement; readonly render: (tr: TraceData, s: number) => void; visible: boolean; dirty: boolean;
  readonly always?: boolean; readonly afterFrame?: boolean;
}

function renderZ(tr: TraceData, s: number): void {
  for (const bc of blockCells) {
    for (const row of bc.rows) {
      for (let k = 0; k < row.cells.length; k++) {
        zSplitAt(tr, s, bc.block.canonicalOffset + windowStart + k, split);
        setText(row.cells[k], fmt(split[row.kind]));
      }
    }
  }
}

function renderBars(tr: TraceData, s: number): void {
  const GH = tr.gates * tr.units;
  for (const bar of gateBars) bar.bars.paint(tr.a, s * GH + bar.canonicalOffset + windowStart, fmt, state.view.fullPrecision);
}

function renderBarsText(tr: TraceData, s: number): void {
  const GH = tr.gates * tr.units;
  for (const bar of gateBars) bar.bars.writeText(tr.a, s * GH + bar.canonicalOffset + windowStart, fmt);
}

function renderCell(tr: TraceData, s: number): void {
  if (tr.cell === 'lstm' && cCells.c) {
    let anyDerived = false;
    for (let k = 0; k < cCells.c.length; k++) {
      lstmCellAt(tr, s, windowStart + k, cellDec);
      anyDerived ||= cellDec.derived;
      setText(cCells.f[k], fmt(cellDec.f));
      setText(cCells.cPrev[k], fmt(cellDec.cPrev));
      setText(cCells.fc[k], fmt(cellDec.forgetTerm));
      setText(cCells.i[k], fmt(cellDec.i));
      setText(cCells.g[k], fmt(cellDec.g));
      setText(cCells.ig[k], fmt(cellDec.inputTerm));
      setText(cCells.c[k], fmt(cellDec.c));
      cCells.c[k].title = formatExact(cellDec.c);
    }
    const note = cBox.querySelector<HTMLElement>('.gl-derived');
    if (note) note.hidden = !anyDerived;
  }
}

function renderHidden(tr: TraceData, s: number): void {
  const GH = tr.gates * tr.units;
  if (hCells.h) {
    for (let k = 0; k < hCells.h.length; k++) {
      const u = windowStart + k;
      if (tr.cell === 'gru') {
        gruHiddenAt(tr, s, u, gruDec);
        setText(hCells.z[k], fmt(gruDec.z));
        setText(hCells.hPrev[k], fmt(gruDec.hPrev));
        setText(hCells.zh[k], fmt(gruDec.keepTerm));
        setText(hCells.n[k], fmt(gruDec.n));
        setText(hCells.zn[k], fmt(gruDec.newTerm));
      } else if (tr.cell === 'lstm' && hCells.o) {
        setText(hCells.o[k], fmt(tr.a[s * GH + 3 * tr.units + u]));
        setText(hCells.c[k], fmt(tr.c ? tr.c[s * tr.units + u] : NaN));
      } else if (hCells.z) {
        setText(hCells.z[k], fmt(tr.z[s * GH + u]));
      }
      const hv = tr.h[s * tr.hiddenSize + u];
      setText(hCells.h[k], fmt(hv));
      hCells.h[k].title = formatExact(hv);
    }
  }
}

/** How long off-screen sections may lag behind the step shown after a step (not playing). */
const DEFERRED_LAG_MS = 60;

let flushTimer: ReturnType<typeof setTimeout> | undefined;
let flushDue = 0;
/** Brings the off-screen sections up to date within `lagMs` (sooner than an already scheduled catch-up, never later). */
function scheduleFlush(lagMs: number): void {
  const due = performance.now() + lagMs;
  if (flushTimer !== undefined && flushDue <= due) return;
  clearTimeout(flushTimer);
  flushDue = due;
  flushTimer = setTimeout(flushDeferred, lagMs);
}
function flushDeferred(): void {
  flushTimer = undefined;
  const tr = currentTrace(state);
  if (!tr) return;
  for (const sec of sections) if (sec.dirty) { sec.dirty = false; sec.render(tr, state.step); }
}

const sections: StepSection[] = [
  // z is the view's subject and sits near the top: always updated in the frame, together with the step label.
  { el: zBox, render: renderZ, visible: true, dirty: false, always: true },
  { el: gatesBox, render: renderBars, visible: true, dirty: false },
  { el: cBox, render: renderCell, visible: true, dirty: false },
  { el: hBox, render: renderHidden, visible: true, dirty: false },
  { el: gatesBox, render: renderBarsText, visible: false, dirty: false, afterFrame: true },
];
if (typeof IntersectionObserver === 'function') {
  const io = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const sec = sections.find((x) => x.el === entry.target && !x.afterFrame);
      if (!sec) continue;
      sec.visible = entry.isIntersecting;
      const tr = currentTrace(state);
      if (sec.visible && sec.dirty && tr) { sec.dirty = false; sec.render(tr, state.step); }
    }
  }, { rootMargin: '0px' });
  for (const sec of sections) if (!sec.afterFrame) io.observe(sec.el);
}

/** The step's numbers into the cells built by rebuildStepDom. */
function renderStepNow(): void {
  if (stepFrame !== undefined) { cancelAnimationFrame(stepFrame); stepFrame = undefined; }
  const tr = currentTrace(state);
  if (!tr) return;
  const s = state.step;
  fmt = state.view.fullPrecision ? formatExact : formatCell;
  setText(stepLabel, t('nav.stepLabel', s + 1, tr.steps));
  setText(timeIndexLabel, t('nav.timeIndex', tr.timeIndex[s]));
  if (slider.value !== String(s)) slider.value = String(s);
  slider.setAttribute('aria-valuetext', `${t('nav.stepLabel', s + 1, tr.steps)}, ${t('nav.timeIndex', tr.timeIndex[s])}`);
  firstButton.disabled = prevButton.disabled = s === 0;
  nextButton.disabled = lastButton.disabled = s >= tr.steps - 1;

  const ti = inputRow(tr, s);
  let xs = `x[${tr.timeIndex[s]}] = [`;
  const shown = Math.min(tr.inputSize, UNIT_PAGE);
  for (let k = 0; k < shown; k++) xs += (k ? ', ' : '') + fmt(tr.x[ti * tr.inputSize + k]);
  setText(xLine, xs + (tr.inputSize > shown ? `, … ${t('x.more', tr.inputSize - shown)}]` : ']'));

  let deferred = false;
  for (const sec of sections) {
    if ((sec.visible || sec.always) && !sec.afterFrame) { sec.dirty = false; sec.render(tr, s); } else { sec.dirty = true; deferred = true; }
  }
  if (deferred && !state.playing) scheduleFlush(DEFERRED_LAG_MS);
  for (const chart of charts) chart.setStep(s);
}

// ---------------------------------------------------------------- charts (painted once per trace / naming / theme)

let colors: ThemeColors | undefined;

let chartsQueued = false;
/**
 * The charts sit below the step's numbers and take tens of milliseconds to paint at 512 units: they are painted
 * just after the frame that shows the step (a new trace's first frame does not wait for them), from the newest state.
 */
function scheduleCharts(): void {
  if (chartsQueued) return;
  chartsQueued = true;
  afterNextPaint(() => { chartsQueued = false; refreshCharts(state); });
}

function stepName(tr: TraceData) {
  return (s: number) => `${s + 1} (x[${tr.timeIndex[s]}])`;
}

function refreshCharts(s: PanelState): void {
  const tr = currentTrace(s);
  if (!tr) return;
  colors ??= readThemeColors();
  const display = displayConvention(s) ?? tr.convention;
  const displaySpec = conventionSpec(display, tr.cell);
  const blocks = zBlocks(tr.cell, tr.convention, display, tr.units);
  const GH = tr.gates * tr.units;
  const rowMap = new Int32Array(GH);
  const groups = blocks.map((b, k) => {
    for (let u = 0; u < tr.units; u++) rowMap[k * tr.units + u] = b.canonicalOffset + u;
    return { label: gateLabelIn(displaySpec, b.trueGate).label, gate: b.trueGate, start: k * tr.units, end: (k + 1) * tr.units };
  });
  heatGates.setData({
    values: tr.a, steps: tr.steps, recordWidth: GH, rowMap, groups, stepName: stepName(tr),
    rowName: (r) => {
      const b = blocks[Math.floor(r / tr.units)];
      const named = gateLabelIn(displaySpec, b.trueGate);
      return t('heat.unitName', `${named.label} · ${gateName(b.trueGate)}`, r % tr.units);
    },
  });
  heatGates.paint(colors);
  heatC.root.hidden = !tr.c;
  if (tr.c) {
    const map = Int32Array.from({ length: tr.units }, (_, k) => k);
    heatC.setData({ values: tr.c, steps: tr.steps, recordWidth: tr.units, rowMap: map, stepName: stepName(tr), rowName: (r) => t('heat.unitName', 'c', r) });
    heatC.paint(colors);
  }
  const hmap = Int32Array.from({ length: tr.hiddenSize }, (_, k) => k);
  heatH.setData({ values: tr.h, steps: tr.steps, recordWidth: tr.hiddenSize, rowMap: hmap, stepName: stepName(tr), rowName: (r) => t('heat.unitName', 'h', r) });
  heatH.paint(colors);
  plotH.setData(tr.h, tr.steps, tr.hiddenSize, stepName(tr));
  plotH.paint(colors);
  // The cursors were placed by the step render before the new data arrived.
  for (const chart of charts) chart.setStep(s.step);
  mark('gl-charts-painted');
}

// A theme switch changes the body class (light/dark/high contrast) and the --vscode-* variables VS Code writes on
// <html style>; either way, repaint the canvases with the new colours.
const themeObserver = new MutationObserver(() => {
  colors = readThemeColors();
  if (currentTrace(state)) for (const chart of charts) chart.paint(colors);
  themeBars();
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (currentTrace(state) && colors) plotH.paint(colors); }, 100);
});

// ---------------------------------------------------------------- host messages: each one dispatches

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'init':
      setStrings(m.strings);
      document.documentElement.lang = m.locale || 'en';
      dispatch({ type: 'strings' });
      if (m.protocol !== PROTOCOL_VERSION) dispatch({ type: 'runFailed', message: t('app.protocolMismatch', m.protocol, PROTOCOL_VERSION) });
      break;
    case 'document':
      dispatch({ type: 'document', uri: m.uri, fileName: m.fileName, layers: m.layers, inputs: m.inputs ?? [], selectedLayerId: m.selectedLayerId });
      break;
    case 'progress':
      dispatch({ type: 'progress', runId: m.runId, message: m.message, fraction: m.fraction });
      break;
    case 'trace': {
      mark('gl-trace-received');
      let decoded: TraceData;
      try { decoded = decodeTrace(m.trace); } catch (err) { dispatch({ type: 'runFailed', message: err instanceof Error ? err.message : String(err) }); break; }
      mark('gl-trace-decoded');
      if (decoded.steps === 0) { dispatch({ type: 'runFailed', message: t('run.empty') }); break; }
      // Registered before the render schedules the charts, so it runs first after that frame.
      afterNextPaint(() => mark('gl-trace-painted'));
      dispatch({ type: 'trace', trace: decoded, request: m.request, message: t('run.done', decoded.steps) });
      mark('gl-trace-shown');
      break;
    }
    case 'setConvention':
      dispatch({ type: 'setConvention', convention: m.convention });
      break;
    case 'goToStep':
      dispatch({ type: 'goToStep', step: m.step });
      break;
    case 'error':
      dispatch({ type: 'runFailed', message: m.message });
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  if (host.receive(e.data)) return;
  const m = e.data as HostToWebview | undefined;
  if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') onMessage(m);
});

/** The page's first host messages, written into its HTML by the host (data-boot on #app): JSON, read, never run. */
function bootMessages(): HostToWebview[] {
  const text = app.dataset.boot;
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((m): m is HostToWebview => typeof m === 'object' && m !== null && ((m as { type?: unknown }).type === 'init' || (m as { type?: unknown }).type === 'document')) : [];
  } catch {
    return [];
  }
}

// A reload restores through the same path as any change: the saved state is an action like the others. The strings
// and document the page was written with apply before its first frame, as if posted.
dispatch({ type: 'restore', saved: vscode.getState() });
const boot = bootMessages();
for (const m of boot) onMessage(m);
if (!boot.some((m) => m.type === 'init')) dispatch({ type: 'strings' });
mark('gl-ready');
post({ type: 'ready', protocol: PROTOCOL_VERSION });
