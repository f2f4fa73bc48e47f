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
//   #gl-gates          gate activations: `.gl-gate[data-gate]` with `.gl-bar-value` cells
//   #gl-state-c        LSTM c = f⊙c₋₁ + i⊙g table (`tr[data-unit]`, `td[data-col=f|cPrev|fc|i|g|ig|c]`)
//   #gl-state-h        h table (`td[data-col=h]`, GRU adds z, hPrev, zh, n, zn)
//   #gl-units-prev #gl-units-next #gl-units-label   unit window pager (only when units > page size)
//   #gl-heat-gates #gl-heat-c #gl-heat-h  heatmap canvases;  #gl-plot-h: h line plot canvas
//   #gl-tooltip        hover tooltip;  #gl-live: aria-live region
// The step label, slider, #gl-x and every on-screen section update in the next animation frame after a step
// change (#gl-z always); sections scrolled out of view (#gl-gates, #gl-state-c, #gl-state-h) update about 60 ms later, so
// a test that reads them after a step should wait for the expected text rather than read once.

import { gateTitle, type CanonicalGate, type ConventionId, type CellKind } from '../core/conventions';
import { PROTOCOL_VERSION, type HostToWebview, type LayerSummary, type InputCandidate, type WebviewToHost, type RunRequest } from '../protocol/messages';
import { Heatmap, LinePlot, readThemeColors, type ChartHost, type ThemeColors } from './charts';
import { stepAsNumpy } from './copytext';
import { clear, el, setText } from './dom';
import { formatCell, formatExact } from './format';
import { playNext, stepKeyAction, unitWindow } from './keys';
import { DEFAULT_STATE, restoreState, type SourceKind, type ViewState } from './state';
import { setStrings, t, type StringKey } from './strings';
import {
  conventionChoices, decodeTrace, gateLabelIn, inputRow, gruHiddenAt, lstmCellAt, maxOtherAt, zBlocks, zSplitAt,
  type CellDecomposition, type GruDecomposition, type TraceData, type ZBlock, type ZSplit,
} from './trace';
import { convention as conventionSpec } from '../core/conventions';
// Bundled by esbuild into dist/webview/main.css, which the host links.
import '../../media/webview.css';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const UNIT_PAGE = 16;
/** A gate's human name in the UI language (the English defaults are the core's names, see strings.ts). */
const gateName = (gate: CanonicalGate): string => t(`gate.${gate}`);
const CELL_NAMES: Record<CellKind, string> = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' };

// Called once and kept in this closure: the API object must not leak to other scripts (webview security guidance).
const vscode: VsCodeApi = acquireVsCodeApi();
const post = (m: WebviewToHost): void => vscode.postMessage(m);

const state: ViewState = restoreState(vscode.getState());
let layers: readonly LayerSummary[] = [];
let inputs: readonly InputCandidate[] = [];
let fileName = '';
let traces: TraceData[] = [];
let trace: TraceData | undefined;
let runId: number | undefined;
let running = false;
let playing = false;
let colors: ThemeColors | undefined;
let runSource: SourceKind = 'random';

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

// ---------------------------------------------------------------- static structure

const app = document.getElementById('app') ?? document.body.appendChild(el('div', { id: 'app' }));
app.classList.add('gl-app');

const layerSelect = el('select', { id: 'gl-layer' });
const layerSummary = el('span', { id: 'gl-layer-summary', className: 'gl-muted' });
const directionSelect = el('select', { id: 'gl-direction' });
const directionLabel = el('label', { className: 'gl-field', hidden: true }, el('span', { 'data-str': 'layer.direction' }), directionSelect);
const conventionSelect = el('select', { id: 'gl-convention' });

const sourceSelect = el('select', { id: 'gl-run-source' });
const stepsInput = el('input', { id: 'gl-run-steps', type: 'number', min: 1, max: 100000, step: 1 });
const seedInput = el('input', { id: 'gl-run-seed', type: 'number', min: 0, step: 1 });
const arraySelect = el('select', { id: 'gl-run-array' });
const stepsField = el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.steps' }), stepsInput);
const seedField = el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.seed' }), seedInput);
const revealButton = el('button', { id: 'gl-run-reveal', type: 'button', 'data-str': 'run.reveal' });
const arrayField = el('span', { className: 'gl-field' }, el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.array' }), arraySelect), revealButton);
const runButton = el('button', { id: 'gl-run', type: 'submit', className: 'gl-primary', 'data-str': 'run.button' });
const cancelButton = el('button', { id: 'gl-cancel', type: 'button', hidden: true, 'data-str': 'run.cancel' });
const progressBar = el('progress', { id: 'gl-progress-bar', max: 1, hidden: true });
const progressText = el('span', { className: 'gl-progress-text' });
const progress = el('div', { id: 'gl-progress', role: 'status', className: 'gl-progress' }, progressBar, progressText);
const errorBox = el('div', { id: 'gl-error', role: 'alert', className: 'gl-error', hidden: true });

const runForm = el('form', { id: 'gl-run-form', className: 'gl-run-form' },
  el('label', { className: 'gl-field' }, el('span', { 'data-str': 'run.source' }), sourceSelect),
  stepsField, seedField, arrayField, runButton, cancelButton);

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

const whatIf = el('p', { id: 'gl-whatif', className: 'gl-whatif', role: 'note', hidden: true });
const splitToggle = el('input', { id: 'gl-split', type: 'checkbox' });
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
  goToStep(s) { goTo(s); },
};
const heatGates = new Heatmap('gl-heat-gates', 'heat.gates', chartHost);
const heatC = new Heatmap('gl-heat-c', 'heat.c', chartHost);
const heatH = new Heatmap('gl-heat-h', 'heat.h', chartHost);
const plotH = new LinePlot('gl-plot-h', chartHost);

const stepSection = el('section', { className: 'gl-section', 'aria-labelledby': 'gl-step-heading' },
  el('h2', { id: 'gl-step-heading', 'data-str': 'section.step' }),
  whatIf,
  xLine,
  el('div', { className: 'gl-subhead' },
    el('h3', { 'data-str': 'z.title' }),
    el('label', { className: 'gl-toggle' }, splitToggle, el('span', { 'data-str': 'z.split' })),
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
    firstButton, prevButton, playButton, nextButton, lastButton, stepLabel, slider, timeIndexLabel, speedSelect, copyButton),
  el('p', { className: 'gl-hint', 'data-str': 'nav.keys' }),
  stepSection, timeSection);

app.append(
  el('header', { className: 'gl-header' },
    el('label', { className: 'gl-field' }, el('span', { 'data-str': 'layer.label' }), layerSelect),
    directionLabel,
    el('label', { className: 'gl-field' }, el('span', { 'data-str': 'conv.label' }), conventionSelect),
    layerSummary),
  el('section', { className: 'gl-section gl-run', 'aria-labelledby': 'gl-run-heading' },
    el('h2', { id: 'gl-run-heading', className: 'gl-sr-only', 'data-str': 'section.run' }),
    runForm, progress, errorBox),
  emptyNote,
  traceArea,
  tooltip, live);

/** Re-apply every translatable string (after `init`). */
function applyStrings(): void {
  app.querySelectorAll<HTMLElement>('[data-str]').forEach((node) => { node.textContent = t(node.dataset.str as StringKey); });
  app.querySelectorAll<HTMLElement>('[data-aria]').forEach((node) => {
    const text = t(node.dataset.aria as StringKey);
    node.setAttribute('aria-label', text);
    node.title = text;
  });
  slider.setAttribute('aria-label', t('nav.slider'));
  fillSourceOptions();
  fillDirectionOptions();
  heatGates.relabel(); heatC.relabel(); heatH.relabel(); plotH.relabel();
  refreshAll();
}

// ---------------------------------------------------------------- controls

function fillSourceOptions(): void {
  const kinds: SourceKind[] = inputs.length > 0 ? ['array', 'random', 'zeros'] : ['random', 'zeros'];
  const labels: Record<SourceKind, StringKey> = { zeros: 'run.source.zeros', random: 'run.source.random', array: 'run.source.array' };
  sourceSelect.replaceChildren(...kinds.map((k) => el('option', { value: k, text: t(labels[k]) })));
  runSource = state.source && kinds.includes(state.source) ? state.source : kinds[0];
  sourceSelect.value = runSource;
  arraySelect.replaceChildren(...inputs.map((a) => el('option', { value: a.arrayIndex, text: `${a.name} (${a.shape.join('×')})` })));
  if (state.arrayIndex !== undefined && inputs.some((a) => a.arrayIndex === state.arrayIndex)) arraySelect.value = String(state.arrayIndex);
  updateRunFields();
}

function updateRunFields(): void {
  stepsField.hidden = runSource === 'array';
  seedField.hidden = runSource !== 'random';
  arrayField.hidden = runSource !== 'array';
  stepsInput.value = String(state.steps);
  seedInput.value = String(state.seed);
}

function fillDirectionOptions(): void {
  const value = String(state.direction);
  directionSelect.replaceChildren(el('option', { value: 0, text: t('layer.forward') }), el('option', { value: 1, text: t('layer.backward') }));
  directionSelect.value = value;
}

function selectedLayer(): LayerSummary | undefined {
  return layers.find((l) => l.id === state.layerId);
}

function currentCell(): { cell: CellKind; stored: ConventionId } | undefined {
  if (trace) return { cell: trace.cell, stored: trace.convention };
  const l = selectedLayer();
  return l ? { cell: l.cell, stored: l.convention } : undefined;
}

function fillLayerOptions(): void {
  layerSelect.replaceChildren(...layers.map((l) => el('option', { value: l.id, text: `${l.name} — ${conventionSpec(l.convention, l.cell).framework} ${CELL_NAMES[l.cell]}` })));
  layerSelect.disabled = layers.length === 0;
  if (state.layerId) layerSelect.value = state.layerId;
  const l = selectedLayer();
  setText(layerSummary, l ? t('layer.summary', conventionSpec(l.convention, l.cell).framework, l.units, l.inputSize, l.directions === 2 ? t('layer.bidirectional') : CELL_NAMES[l.cell]) : '');
}

function fillConventionOptions(): void {
  const cc = currentCell();
  if (!cc) { conventionSelect.replaceChildren(); conventionSelect.disabled = true; return; }
  conventionSelect.disabled = false;
  const choices = conventionChoices(cc.cell, cc.stored);
  conventionSelect.replaceChildren(...choices.map((spec) => {
    const order = spec.gateOrder.map((g) => g.label).join(', ');
    const name = spec.id === cc.stored ? t('conv.stored', spec.framework) : spec.framework;
    return el('option', { value: spec.id, text: `${name} — ${order}` });
  }));
  if (!state.convention || !choices.some((c) => c.id === state.convention)) state.convention = cc.stored;
  conventionSelect.value = state.convention;
}

function readRunForm(): RunRequest | undefined {
  const l = selectedLayer();
  if (!l) return undefined;
  const steps = Math.max(1, Math.min(100000, Math.round(Number(stepsInput.value) || DEFAULT_STATE.steps)));
  const seed = Math.max(0, Math.round(Number(seedInput.value) || 0));
  state.steps = steps;
  state.seed = seed;
  if (runSource === 'array') {
    const idx = Number(arraySelect.value);
    if (!Number.isInteger(idx)) return undefined;
    state.arrayIndex = idx;
    return { layerId: l.id, input: { kind: 'array', arrayIndex: idx } };
  }
  if (runSource === 'zeros') return { layerId: l.id, input: { kind: 'zeros', steps } };
  return { layerId: l.id, input: { kind: 'random', steps, seed } };
}

runForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const request = readRunForm();
  if (!request) return;
  showError(undefined);
  running = true;
  updateRunState(t('run.running'), undefined);
  saveState();
  post({ type: 'run', request });
});
cancelButton.addEventListener('click', () => {
  if (runId !== undefined) post({ type: 'cancel', runId });
  running = false;
  updateRunState('', undefined);
});
revealButton.addEventListener('click', () => {
  const idx = Number(arraySelect.value);
  if (arraySelect.value !== '' && Number.isInteger(idx)) post({ type: 'revealArray', arrayIndex: idx });
});
sourceSelect.addEventListener('change', () => { state.source = runSource = sourceSelect.value as SourceKind; updateRunFields(); saveState(); });
layerSelect.addEventListener('change', () => {
  state.layerId = layerSelect.value;
  state.convention = undefined;
  state.unitOffset = 0;
  if (trace && trace.layerId !== state.layerId) setTraces([]);
  fillLayerOptions();
  fillConventionOptions();
  post({ type: 'selectLayer', layerId: layerSelect.value });
  saveState();
});
directionSelect.addEventListener('change', () => { state.direction = Number(directionSelect.value); chooseTrace(); });
conventionSelect.addEventListener('change', () => {
  state.convention = conventionSelect.value as ConventionId;
  post({ type: 'conventionChanged', convention: state.convention });
  rebuildStepDom();
  refreshCharts();
  renderStep();
  saveState();
});
splitToggle.addEventListener('change', () => { state.split = splitToggle.checked; rebuildStepDom(); renderStep(); saveState(); });
unitsPrev.addEventListener('click', () => { state.unitOffset = Math.max(0, state.unitOffset - UNIT_PAGE); rebuildStepDom(); renderStep(); saveState(); });
unitsNext.addEventListener('click', () => { state.unitOffset += UNIT_PAGE; rebuildStepDom(); renderStep(); saveState(); });
speedSelect.addEventListener('change', () => { state.speed = Number(speedSelect.value); saveState(); });

firstButton.addEventListener('click', () => goTo(0));
prevButton.addEventListener('click', () => goTo(state.step - 1));
nextButton.addEventListener('click', () => goTo(state.step + 1));
lastButton.addEventListener('click', () => goTo(trace ? trace.steps - 1 : 0));
playButton.addEventListener('click', () => setPlaying(!playing));
slider.addEventListener('input', () => goTo(Number(slider.value)));
copyButton.addEventListener('click', () => {
  if (!trace) return;
  post({ type: 'copy', text: stepAsNumpy(trace, state.step, trace.direction === 1 ? 'backward' : 'forward'), what: t('copy.what', state.step + 1) });
});

document.addEventListener('keydown', (e) => {
  if (!trace || e.defaultPrevented) return;
  const target = e.target as HTMLElement | null;
  // Form fields keep their own keys (the slider handles arrows itself); on a button, Space and Enter press it,
  // but the arrows still step, so the keyboard keeps working after a click on ← or →.
  if (target && target.closest('input, select, textarea')) return;
  if (target && target.closest('button, a') && (e.key === ' ' || e.key === 'Enter')) return;
  const action = stepKeyAction(e.key, state.step, trace.steps, { ctrl: e.ctrlKey, alt: e.altKey, meta: e.metaKey });
  if (action.kind === 'none') return;
  e.preventDefault();
  if (action.kind === 'togglePlay') setPlaying(!playing);
  else {
    setPlaying(false);
    goTo(action.step);
    heatGates.announceIfFocused(); heatC.announceIfFocused(); heatH.announceIfFocused(); plotH.announceIfFocused();
  }
});

// ---------------------------------------------------------------- stepping and playback

let renderQueued = false;
function goTo(step: number): void {
  if (!trace) return;
  const s = Math.max(0, Math.min(trace.steps - 1, Math.round(step)));
  if (s === state.step && !renderQueued) { renderStep(); return; }
  state.step = s;
  if (!renderQueued) {
    renderQueued = true;
    requestAnimationFrame(() => { renderQueued = false; renderStep(); });
  }
}

let lastFrame = 0;
function tick(now: number): void {
  if (!playing || !trace) return;
  if (now - lastFrame >= 1000 / state.speed) {
    lastFrame = now;
    const n = playNext(state.step, trace.steps);
    state.step = n.step;
    renderStep();
    if (n.stop) { setPlaying(false); return; }
  }
  requestAnimationFrame(tick);
}

function setPlaying(on: boolean): void {
  const was = playing;
  if (on && !was && trace && state.step >= trace.steps - 1) { state.step = 0; renderStep(); }
  playing = on && !!trace && trace.steps > 1;
  const key: StringKey = playing ? 'nav.pause' : 'nav.play';
  playButton.dataset.aria = key;
  playButton.setAttribute('aria-label', t(key));
  playButton.title = t(key);
  playButton.setAttribute('aria-pressed', String(playing));
  playButton.firstChild!.textContent = playing ? '⏸' : '▶';
  // One loop only; the first frame waits a full interval so the step shown when Play was pressed stays visible.
  if (playing && !was) { lastFrame = performance.now(); requestAnimationFrame(tick); } else if (!playing) saveState();
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  if (saveTimer !== undefined) return;
  saveTimer = setTimeout(() => { saveTimer = undefined; vscode.setState({ ...state }); }, 200);
}

// ---------------------------------------------------------------- per-step DOM (built once per trace / window / naming)

interface BlockCells { block: ZBlock; rows: { kind: keyof ZSplit; cells: HTMLElement[] }[] }
interface BarCells { canonicalOffset: number; fills: HTMLElement[]; values: HTMLElement[]; signed: boolean; max: number }
let blockCells: BlockCells[] = [];
let barCells: BarCells[] = [];
let cCells: Record<string, HTMLElement[]> = {};
let hCells: Record<string, HTMLElement[]> = {};
let windowStart = 0;
let windowEnd = 0;
let showOther = false;
const split: ZSplit = { xw: 0, hu: 0, b: 0, other: 0, z: 0 };
const cellDec: CellDecomposition = { unit: 0, f: 0, cPrev: 0, i: 0, g: 0, forgetTerm: 0, inputTerm: 0, sum: 0, c: 0, derived: false };
const gruDec: GruDecomposition = { unit: 0, z: 0, hPrev: 0, n: 0, keepTerm: 0, newTerm: 0, sum: 0, h: 0 };

const ROW_KEYS: Record<keyof ZSplit, StringKey> = { xw: 'z.row.xw', hu: 'z.row.hu', b: 'z.row.b', other: 'z.row.other', z: 'z.row.z' };

function rebuildStepDom(): void {
  blockCells = []; barCells = []; cCells = {}; hCells = {};
  clear(zBox); clear(gatesBox); clear(cBox); clear(hBox);
  if (!trace) return;
  const tr = trace;
  const display = state.convention ?? tr.convention;
  const storedSpec = conventionSpec(tr.convention, tr.cell);
  const displaySpec = conventionSpec(display, tr.cell);
  const blocks = zBlocks(tr.cell, tr.convention, display, tr.units);
  const win = unitWindow(state.unitOffset, UNIT_PAGE, Math.max(tr.units, tr.hiddenSize));
  state.unitOffset = win.start;
  windowStart = win.start;
  windowEnd = win.end;
  const unitEnd = Math.min(windowEnd, tr.units);
  unitsPager.hidden = Math.max(tr.units, tr.hiddenSize) <= UNIT_PAGE;
  setText(unitsLabel, t('z.units', windowStart, windowEnd - 1, Math.max(tr.units, tr.hiddenSize)));
  unitsPrev.disabled = windowStart === 0;
  unitsNext.disabled = windowEnd >= Math.max(tr.units, tr.hiddenSize);
  splitToggle.checked = state.split;

  const isWhatIf = display !== tr.convention;
  whatIf.hidden = !isWhatIf;
  setText(whatIf, isWhatIf ? t('conv.whatIf', storedSpec.framework, displaySpec.framework) : '');

  // "other" appears when some gate receives more than x·W + h·U + b anywhere in the trace (peepholes, clip,
  // forget_bias, or the reset_after n block), so the table shape does not jump while stepping.
  // Decided per block over the whole trace, so a block's table keeps its shape while stepping.
  const blockHasOther = (b: ZBlock): boolean => {
    for (let s = 0; s < tr.steps; s++) if (maxOtherAt(tr, s, b.canonicalOffset, b.canonicalOffset + tr.units) > 0) return true;
    return false;
  };
  showOther = false;

  for (const b of blocks) {
    const label = t('z.gateLabel', b.label, gateName(b.shownGate), b.start, b.end);
    const caption = el('caption', { className: 'gl-gate-label' }, el('span', { className: 'gl-swatch', 'aria-hidden': 'true' }), label);
    if (b.mismatch) caption.appendChild(el('span', { className: 'gl-really', text: ` (${t('conv.really', gateTitle({ label: b.trueLabel, name: gateName(b.trueGate) }))})` }));
    const head = el('tr', {}, el('th', { scope: 'col', className: 'gl-rowhead' }));
    for (let u = windowStart; u < unitEnd; u++) head.appendChild(el('th', { scope: 'col', text: String(b.start + u) }));
    const table = el('table', { className: 'gl-ztable' }, caption, el('thead', {}, head));
    const body = el('tbody');
    const rows: BlockCells['rows'] = [];
    const other = state.split && blockHasOther(b);
    showOther ||= other;
    const rowKinds: (keyof ZSplit)[] = state.split ? (other ? ['xw', 'hu', 'b', 'other', 'z'] : ['xw', 'hu', 'b', 'z']) : ['z'];
    for (const kind of rowKinds) {
      const tr2 = el('tr', { className: `gl-zrow gl-zrow-${kind}` }, el('th', { scope: 'row', className: 'gl-rowhead', text: t(ROW_KEYS[kind]) }));
      const cells: HTMLElement[] = [];
      for (let u = windowStart; u < unitEnd; u++) {
        const td = el('td', { className: 'gl-cell', 'data-row': kind });
        cells.push(td);
        tr2.appendChild(td);
      }
      body.appendChild(tr2);
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
  zNote.hidden = !state.split;
  if (state.split) {
    setText(zNote, tr.cell === 'gru' ? t(tr.resetAfter ? 'z.resetAfter' : 'z.resetBefore') : showOther ? t('z.other.lstm') : '');
    zNote.hidden = zNote.textContent === '';
  }

  // Gate activations in stored order, each named by the display convention's letter for that same gate
  // (activations are computed, so they are always the true gate; only the letter changes: c / g / j, h / n).
  for (const b of blocks) {
    const named = gateLabelIn(displaySpec, b.trueGate);
    const { max, signed } = gateRange(tr, b.canonicalOffset);
    const list = el('div', { className: 'gl-bars', role: 'list' });
    const fills: HTMLElement[] = [], values: HTMLElement[] = [];
    for (let u = windowStart; u < unitEnd; u++) {
      const fill = el('span', { className: 'gl-bar-fill' });
      const value = el('span', { className: 'gl-bar-value' });
      list.appendChild(el('div', { className: 'gl-bar-row', role: 'listitem' },
        el('span', { className: 'gl-bar-unit' }, el('span', { className: 'gl-sr-only', text: `${t('state.col.unit')} ` }), String(u)),
        el('span', { className: signed ? 'gl-bar-track gl-signed' : 'gl-bar-track', 'aria-hidden': 'true' }, fill),
        value));
      fills.push(fill); values.push(value);
    }
    gatesBox.appendChild(el('div', { className: `gl-gate gl-gate-${b.trueGate}`, 'data-gate': b.trueGate },
      el('h4', { className: 'gl-gate-label' }, el('span', { className: 'gl-swatch', 'aria-hidden': 'true' }), t('gates.gateHeading', named.label, gateName(b.trueGate))),
      list));
    barCells.push({ canonicalOffset: b.canonicalOffset, fills, values, signed, max });
  }

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

// Sections outside the viewport (tracked by an IntersectionObserver) are updated just after the frame instead of
// inside it, so the visible part of a step stays within the frame budget; they are never left stale, because a
// screen reader's virtual cursor may read them without scrolling.
interface StepSection { readonly el: HTMLElement; readonly render: (tr: TraceData, s: number) => void; visible: boolean; dirty: boolean; readonly always?: boolean }

function renderZ(tr: TraceData, s: number): void {
  for (const bc of blockCells) {
    for (const row of bc.rows) {
      for (let k = 0; k < row.cells.length; k++) {
        zSplitAt(tr, s, bc.block.canonicalOffset + windowStart + k, split);
        setText(row.cells[k], formatCell(split[row.kind]));
      }
    }
  }
}

function renderBars(tr: TraceData, s: number): void {
  const GH = tr.gates * tr.units;
  for (const bar of barCells) {
    for (let k = 0; k < bar.values.length; k++) {
      const v = tr.a[s * GH + bar.canonicalOffset + windowStart + k];
      setText(bar.values[k], formatCell(v));
      const frac = Number.isFinite(v) ? Math.min(1, Math.abs(v) / bar.max) : 0;
      // A transform, not width/left: moving a bar then needs no layout, only compositing.
      bar.fills[k].style.transform = `scaleX(${v < 0 ? -frac : frac})`;
      bar.fills[k].classList.toggle('gl-negative', v < 0);
    }
  }
}

function renderCell(tr: TraceData, s: number): void {
  if (tr.cell === 'lstm' && cCells.c) {
    let anyDerived = false;
    for (let k = 0; k < cCells.c.length; k++) {
      lstmCellAt(tr, s, windowStart + k, cellDec);
      anyDerived ||= cellDec.derived;
      setText(cCells.f[k], formatCell(cellDec.f));
      setText(cCells.cPrev[k], formatCell(cellDec.cPrev));
      setText(cCells.fc[k], formatCell(cellDec.forgetTerm));
      setText(cCells.i[k], formatCell(cellDec.i));
      setText(cCells.g[k], formatCell(cellDec.g));
      setText(cCells.ig[k], formatCell(cellDec.inputTerm));
      setText(cCells.c[k], formatCell(cellDec.c));
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
        setText(hCells.z[k], formatCell(gruDec.z));
        setText(hCells.hPrev[k], formatCell(gruDec.hPrev));
        setText(hCells.zh[k], formatCell(gruDec.keepTerm));
        setText(hCells.n[k], formatCell(gruDec.n));
        setText(hCells.zn[k], formatCell(gruDec.newTerm));
      } else if (tr.cell === 'lstm' && hCells.o) {
        setText(hCells.o[k], formatCell(tr.a[s * GH + 3 * tr.units + u]));
        setText(hCells.c[k], formatCell(tr.c ? tr.c[s * tr.units + u] : NaN));
      } else if (hCells.z) {
        setText(hCells.z[k], formatCell(tr.z[s * GH + u]));
      }
      const hv = tr.h[s * tr.hiddenSize + u];
      setText(hCells.h[k], formatCell(hv));
      hCells.h[k].title = formatExact(hv);
    }
  }
}

let flushTimer: ReturnType<typeof setTimeout> | undefined;
function flushDeferred(): void {
  flushTimer = undefined;
  if (!trace) return;
  for (const sec of sections) if (sec.dirty) { sec.dirty = false; sec.render(trace, state.step); }
}

const sections: StepSection[] = [
  // z is the view's subject and sits near the top: always updated in the frame, together with the step label.
  { el: zBox, render: renderZ, visible: true, dirty: false, always: true },
  { el: gatesBox, render: renderBars, visible: true, dirty: false },
  { el: cBox, render: renderCell, visible: true, dirty: false },
  { el: hBox, render: renderHidden, visible: true, dirty: false },
];
if (typeof IntersectionObserver === 'function') {
  const io = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const sec = sections.find((x) => x.el === entry.target);
      if (!sec) continue;
      sec.visible = entry.isIntersecting;
      if (sec.visible && sec.dirty && trace) { sec.dirty = false; sec.render(trace, state.step); }
    }
  }, { rootMargin: '200px 0px' });
  for (const sec of sections) io.observe(sec.el);
}


function renderStep(): void {
  const tr = trace;
  if (!tr) return;
  const s = state.step;
  setText(stepLabel, t('nav.stepLabel', s + 1, tr.steps));
  setText(timeIndexLabel, t('nav.timeIndex', tr.timeIndex[s]));
  if (slider.value !== String(s)) slider.value = String(s);
  slider.setAttribute('aria-valuetext', `${t('nav.stepLabel', s + 1, tr.steps)}, ${t('nav.timeIndex', tr.timeIndex[s])}`);
  firstButton.disabled = prevButton.disabled = s === 0;
  nextButton.disabled = lastButton.disabled = s >= tr.steps - 1;

  const ti = inputRow(tr, s);
  let xs = `x[${tr.timeIndex[s]}] = [`;
  const shown = Math.min(tr.inputSize, UNIT_PAGE);
  for (let k = 0; k < shown; k++) xs += (k ? ', ' : '') + formatCell(tr.x[ti * tr.inputSize + k]);
  setText(xLine, xs + (tr.inputSize > shown ? `, … ${t('x.more', tr.inputSize - shown)}]` : ']'));

  let deferred = false;
  for (const sec of sections) {
    if (sec.visible || sec.always) { sec.dirty = false; sec.render(tr, s); } else { sec.dirty = true; deferred = true; }
  }
  if (deferred && flushTimer === undefined) flushTimer = setTimeout(flushDeferred, 60);
  heatGates.setStep(s); heatC.setStep(s); heatH.setStep(s); plotH.setStep(s);
  saveState();
}

// ---------------------------------------------------------------- charts (painted once per trace / naming / theme)

function stepName(tr: TraceData) {
  return (s: number) => `${s + 1} (x[${tr.timeIndex[s]}])`;
}

function refreshCharts(): void {
  const tr = trace;
  if (!tr) return;
  colors ??= readThemeColors();
  const display = state.convention ?? tr.convention;
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
  mark('gl-charts-painted');
}

// A theme switch changes the body class (light/dark/high contrast) and the --vscode-* variables VS Code writes on
// <html style>; either way, repaint the canvases with the new colours.
const themeObserver = new MutationObserver(() => {
  colors = readThemeColors();
  if (trace) { heatGates.paint(colors); heatC.paint(colors); heatH.paint(colors); plotH.paint(colors); }
});
themeObserver.observe(document.body, { attributes: true, attributeFilter: ['class'] });
themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { if (trace && colors) plotH.paint(colors); }, 100);
});

// ---------------------------------------------------------------- traces and messages

function setTraces(list: TraceData[]): void {
  traces = list;
  chooseTrace();
}

function chooseTrace(): void {
  const next = traces.find((x) => x.direction === state.direction) ?? traces[0];
  const changed = next !== trace;
  trace = next;
  directionLabel.hidden = traces.length < 2;
  if (trace) {
    // state.direction stays the user's preference: the backward trace may arrive after the forward one.
    directionSelect.value = String(trace.direction);
    state.step = Math.min(state.step, trace.steps - 1);
    slider.max = String(Math.max(0, trace.steps - 1));
  }
  if (changed) {
    setPlaying(false);
    fillConventionOptions();
    traceArea.hidden = !trace;
    refreshCharts();
  }
  refreshAll();
}

/** Visibility and text of everything that depends on what has arrived so far. */
function refreshAll(): void {
  traceArea.hidden = !trace;
  emptyNote.hidden = !!trace;
  if (!trace) setText(emptyNote, layers.length === 0 ? (fileName ? t('app.noLayers', fileName) : t('app.noDocument')) : t('app.noTrace'));
  runButton.disabled = !selectedLayer() || running;
  cancelButton.hidden = !running;
  speedSelect.value = String(state.speed);
  if (trace) { rebuildStepDom(); renderStep(); }
}

function updateRunState(message: string, fraction: number | undefined): void {
  progressBar.hidden = !running;
  if (fraction !== undefined) progressBar.value = fraction; else progressBar.removeAttribute('value');
  setText(progressText, message);
  runButton.disabled = !selectedLayer() || running;
  cancelButton.hidden = !running;
}

function showError(message: string | undefined): void {
  errorBox.hidden = message === undefined;
  clear(errorBox);
  if (message !== undefined) errorBox.append(el('strong', { text: `${t('error.title')}: ` }), message);
}

function onMessage(m: HostToWebview): void {
  switch (m.type) {
    case 'init':
      setStrings(m.strings);
      document.documentElement.lang = m.locale || 'en';
      if (m.protocol !== PROTOCOL_VERSION) showError(t('app.protocolMismatch', m.protocol, PROTOCOL_VERSION));
      applyStrings();
      break;
    case 'document': {
      layers = m.layers;
      inputs = m.inputs ?? [];
      fileName = m.fileName;
      const want = m.selectedLayerId ?? state.layerId;
      state.layerId = layers.some((l) => l.id === want) ? want : layers[0]?.id;
      if (trace && !layers.some((l) => l.id === trace!.layerId && l.id === state.layerId)) setTraces([]);
      fillLayerOptions();
      fillSourceOptions();
      fillConventionOptions();
      refreshAll();
      saveState();
      break;
    }
    case 'progress':
      runId = m.runId;
      running = true;
      updateRunState(m.message, m.fraction);
      break;
    case 'trace': {
      mark('gl-trace-received');
      let decoded: TraceData;
      try { decoded = decodeTrace(m.trace); } catch (err) { showError(err instanceof Error ? err.message : String(err)); break; }
      mark('gl-trace-decoded');
      if (decoded.steps === 0) { running = false; updateRunState('', undefined); showError(t('run.empty')); break; }
      running = false;
      runId = decoded.runId;
      showError(undefined);
      // Directions of one run arrive as separate messages: keep them together, replace an older run.
      const same = traces.filter((x) => x.runId === decoded.runId && x.direction !== decoded.direction);
      if (state.layerId !== decoded.layerId && layers.some((l) => l.id === decoded.layerId)) { state.layerId = decoded.layerId; fillLayerOptions(); }
      trace = undefined; // force a rebuild: the new trace has new numbers even if the shape is the same
      setTraces([...same, decoded].sort((a, b) => a.direction - b.direction));
      updateRunState(t('run.done', decoded.steps), undefined);
      if (runSource !== 'array') { state.steps = decoded.steps; stepsInput.value = String(decoded.steps); }
      mark('gl-trace-shown');
      afterNextPaint(() => mark('gl-trace-painted'));
      break;
    }
    case 'setConvention':
      state.convention = m.convention;
      fillConventionOptions();
      rebuildStepDom(); refreshCharts(); renderStep();
      saveState();
      break;
    case 'goToStep':
      // Before the trace arrives, remember the step: chooseTrace clamps it to the trace's length.
      if (trace) goTo(m.step); else state.step = Math.max(0, Math.round(m.step) || 0);
      break;
    case 'error':
      running = false;
      updateRunState('', undefined);
      showError(m.message);
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as HostToWebview | undefined;
  if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') onMessage(m);
});

splitToggle.checked = state.split;
applyStrings();
mark('gl-ready');
post({ type: 'ready', protocol: PROTOCOL_VERSION });
