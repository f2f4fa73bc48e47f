// The Gate Lens Model editor's webview: a model file's layer table, its recurrent layers with gates and evidence,
// and each weight matrix as a heatmap with gate bands along the packed axis and the exact value on hover or focus.
// Everything document-derived goes in through textContent (names come from untrusted files).

import { MAX_GRID_SIDE, MODEL_PROTOCOL_VERSION, type HeatmapGridMessage, type MatrixView, type ModelHostToWebview, type ModelWebviewToHost, type RecurrentView, type RenderedReport } from '../../protocol/modelMessages';
import { buildLut, paintHeatmap, parseColor, scaleFor, type Rgb } from '../colors';
import { clear, cssVar, el } from '../dom';
import { formatExact } from '../format';
import { formatString, type ModelStringKey } from './strings';
import { isExact, matrixGeometry } from './grid';
import { formatBytes, gateAt, gateBands, INITIAL_STATE, layerRows, moveCell, reduce, type Band, type ModelState } from './store';
import '../../../media/model.css';

type ConventionChoice = Extract<ModelWebviewToHost, { type: 'chooseConvention' }>['convention'];

interface VsCodeApi {
  postMessage(message: ModelWebviewToHost): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const scriptAt = Date.now();
let receivedAt = scriptAt;
const vscode = acquireVsCodeApi();
const app = document.getElementById('app') as HTMLElement;
app.className = 'glm';
let state: ModelState = INITIAL_STATE;
const tooltip = el('div', { className: 'glm-tooltip', role: 'tooltip', hidden: true });
document.body.appendChild(tooltip);

const t = (key: ModelStringKey, ...args: (string | number)[]) => formatString(state.strings, key, ...args);

function post(message: ModelWebviewToHost): void {
  vscode.postMessage(message);
}

function rgb(name: string, fallback: string): Rgb {
  return parseColor(cssVar(name, fallback)) ?? parseColor(fallback) ?? [128, 128, 128];
}

/** Heatmaps received, by layer id and matrix index: a redraw (theme change, new render) needs no new request. */
const grids = new Map<string, HeatmapGridMessage>();
/** Heatmaps asked for and not answered yet. */
const asked = new Set<string>();
/** What draws a received heatmap into the canvas on screen (replaced by each render). */
const drawers = new Map<string, (grid: HeatmapGridMessage | string) => void>();
/** What shows an exact value the host sent (the latest hover or keyboard cell of that heatmap). */
const valueSinks = new Map<string, (row: number, col: number, value: number) => void>();
const matrixKey = (layerId: string, matrix: number) => `${matrix}:${layerId}`;

/**
 * Heatmaps are asked for as they come within a screen of the viewport, so a long model costs only what is looked at.
 * The root is the webview's own document: with the implicit root, a cross-origin iframe (every webview) ignores
 * rootMargin.
 */
const nearViewport = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    nearViewport.unobserve(entry.target);
    (entry.target as HTMLElement & { glmRequest?: () => void }).glmRequest?.();
  }
}, { root: document, rootMargin: '100% 0px' });

function drawGrid(canvas: HTMLCanvasElement, grid: HeatmapGridMessage): void {
  canvas.width = grid.gridCols;
  canvas.height = grid.gridRows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const values = new Float64Array(grid.values);
  const scale = scaleFor(grid.lo, grid.hi);
  const lut = buildLut(scale, rgb('--vscode-charts-blue', '#3794ff'), rgb('--vscode-editor-background', '#1e1e1e'), rgb('--vscode-charts-red', '#f14c4c'));
  const image = ctx.createImageData(grid.gridCols, grid.gridRows);
  const rowMap = new Int32Array(grid.gridRows);
  for (let r = 0; r < grid.gridRows; r++) rowMap[r] = r * grid.gridCols;
  paintHeatmap(values, grid.gridCols, 1, rowMap, scale, lut, rgb('--vscode-editorWarning-foreground', '#cca700'), image.data);
  ctx.putImageData(image, 0, 0);
}

/** Display size: small matrices get cells of up to 16 px, large ones shrink to `target` (the hover maps back). */
function displaySize(n: number, target: number): number {
  const cell = Math.max(1, Math.min(16, Math.floor(target / n)));
  return Math.min(n * cell, target);
}

function bandStrip(bands: readonly Band[], length: number, along: 'rows' | 'cols', pixels: number): HTMLElement {
  const strip = el('div', { className: `glm-bands glm-${along}`, 'aria-hidden': 'true' });
  bands.forEach((b, k) => {
    const size = ((b.end - b.start) / length) * pixels;
    const band = el('div', { className: `glm-band${k % 2 ? ' glm-alt' : ''}`, title: `${b.label}: ${b.name} [${b.start}:${b.end})`, text: size >= 10 ? b.label : '' });
    band.style[along === 'cols' ? 'width' : 'height'] = `${size}px`;
    strip.appendChild(band);
  });
  strip.style[along === 'cols' ? 'width' : 'height'] = `${pixels}px`;
  return strip;
}

function matrixSection(layer: RecurrentView, matrix: MatrixView, index: number): { node: HTMLElement; bands: number; laidOut: boolean } {
  const m = matrixGeometry(matrix.shape, matrix.direction, matrix.packedAxis);
  const direction = matrix.direction === 1 ? ` (${t('model.backwardSuffix')})` : '';
  const axisName = m?.packedAxis === 0 ? t('model.axisRows') : t('model.axisColumns');
  const caption = el('h4', { className: 'glm-mono', text: t('model.matrixCaption', `${matrix.name}${direction}`, matrix.role, matrix.shape.join(', '), axisName) });
  const node = el('div', { className: 'glm-matrix' }, caption);
  if (!m) {
    node.appendChild(el('p', { className: 'glm-muted', text: t('model.omitted', matrix.shape.join('×')) }));
    return { node, bands: 0, laidOut: false };
  }
  const packedLength = m.packedAxis === 0 ? m.rows : m.packedAxis === 1 ? m.cols : 0;
  const bands = packedLength ? gateBands(layer.gates, packedLength) : [];
  const width = displaySize(m.cols, 480);
  const height = displaySize(m.rows, 320);
  const canvas = el('canvas', { tabindex: 0, role: 'img', 'aria-label': t('model.heatmapLabel', matrix.name, m.rows, m.cols), 'aria-busy': 'true' });
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const grid = el('div', { className: 'glm-matrix-grid' });
  if (m.packedAxis === 1 && bands.length) grid.appendChild(bandStrip(bands, m.cols, 'cols', width));
  if (m.packedAxis === 0 && bands.length) grid.appendChild(bandStrip(bands, m.rows, 'rows', height));
  grid.appendChild(canvas);
  const readout = el('div', { className: 'glm-readout', 'aria-live': 'polite' });
  const key = matrixKey(layer.id, index);
  const pixels = Math.max(1, window.devicePixelRatio || 1);
  const request = () => {
    if (grids.has(key) || asked.has(key)) return;
    asked.add(key);
    post({ type: 'heatmap', layerId: layer.id, matrix: index, maxRows: Math.min(MAX_GRID_SIDE, Math.ceil(height * pixels)), maxCols: Math.min(MAX_GRID_SIDE, Math.ceil(width * pixels)) });
  };
  drawers.set(key, (received) => {
    canvas.removeAttribute('aria-busy');
    if (typeof received === 'string') return void (readout.textContent = received);
    drawGrid(canvas, received);
    post({ type: 'heatmapDrawn', layerId: layer.id, matrix: index, gridRows: received.gridRows, gridCols: received.gridCols, exact: isExact(received) });
  });
  const cached = grids.get(key);
  if (cached) {
    drawGrid(canvas, cached);
    canvas.removeAttribute('aria-busy');
  } else {
    (canvas as HTMLCanvasElement & { glmRequest?: () => void }).glmRequest = request;
    nearViewport.observe(canvas);
  }
  /** The exact value at (row, col): from the grid when it is the whole matrix, else from the host. */
  const cellText = (row: number, col: number, value: number | undefined): string => {
    const gate = gateAt(bands, m.packedAxis, row, col);
    const shown = value === undefined ? '…' : formatExact(value);
    return gate ? t('model.cellGate', row, col, shown, `${gate.label} · ${gate.name}`) : t('model.cell', row, col, shown);
  };
  let shown: ((text: string) => void) | undefined;
  let wanted = { row: -1, col: -1 };
  const describe = (row: number, col: number, show: (text: string) => void): void => {
    if (row < 0 || col < 0 || row >= m.rows || col >= m.cols) return show('');
    const local = grids.get(key);
    if (local && isExact(local)) return show(cellText(row, col, new Float64Array(local.values)[row * local.gridCols + col]));
    show(cellText(row, col, undefined));
    shown = show;
    wanted = { row, col };
    post({ type: 'cellValue', layerId: layer.id, matrix: index, row, col });
  };
  valueSinks.set(key, (row, col, value) => {
    if (row === wanted.row && col === wanted.col) shown?.(cellText(row, col, value));
  });
  const showTooltip = (text: string) => {
    tooltip.hidden = !text;
    tooltip.textContent = text;
  };
  let cursor = { row: 0, col: 0 };
  canvas.addEventListener('mousemove', (e) => {
    const box = canvas.getBoundingClientRect();
    const col = Math.floor(((e.clientX - box.left) / box.width) * m.cols);
    const row = Math.floor(((e.clientY - box.top) / box.height) * m.rows);
    tooltip.style.left = `${Math.min(window.innerWidth - 260, e.clientX + 12)}px`;
    tooltip.style.top = `${e.clientY + 14}px`;
    if (row !== wanted.row || col !== wanted.col || tooltip.hidden) describe(row, col, showTooltip);
  });
  canvas.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
    wanted = { row: -1, col: -1 };
  });
  canvas.addEventListener('focus', () => { request(); describe(cursor.row, cursor.col, (text) => (readout.textContent = text)); });
  canvas.addEventListener('blur', () => (readout.textContent = ''));
  canvas.addEventListener('keydown', (e) => {
    const next = moveCell(e.key, cursor.row, cursor.col, m.rows, m.cols);
    if (!next) return;
    e.preventDefault();
    cursor = next;
    describe(cursor.row, cursor.col, (text) => (readout.textContent = text));
  });
  node.append(grid, readout);
  return { node, bands: bands.length, laidOut: true };
}

/** A native select (keyboard and screen readers work as everywhere): the host reads the layer again in that convention. */
function conventionPicker(layer: RecurrentView): HTMLElement {
  const id = `glm-convention-${layer.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const recognised = layer.chosenConvention ? '' : layer.convention;
  const select = el('select', { id, className: 'glm-convention' },
    el('option', { value: 'auto', text: t('model.conventionAuto', recognised || '…') }),
    ...layer.conventionChoices.map((c) => el('option', { value: c.id, text: c.title })));
  select.value = layer.chosenConvention ?? 'auto';
  select.addEventListener('change', () => {
    select.disabled = true;
    post({ type: 'chooseConvention', layerId: layer.id, convention: select.value as ConventionChoice });
  });
  return el('span', { className: 'glm-picker' }, el('label', { for: id, text: t('model.convention') }), select);
}

function recurrentSection(layer: RecurrentView): { node: HTMLElement; report: RenderedReport['recurrent'][number] } {
  const directions = layer.directions === 2 ? t('model.twoDirections') : t('model.oneDirection');
  const node = el('section', { className: 'glm-layer', 'aria-label': layer.name },
    el('h3', { className: 'glm-mono', text: layer.name }),
    el('p', { text: t('model.layerSummary', layer.convention, layer.cell.toUpperCase(), layer.units, layer.inputSize, directions) + (layer.projSize !== undefined ? ` · ${t('model.projection', layer.projSize)}` : '') }));
  if (!layer.complete) node.appendChild(el('p', { className: 'glm-error', text: [t('model.incomplete'), ...layer.missing].join('\n') }));
  const step = el('button', { type: 'button', text: t('model.stepThrough'), disabled: !layer.complete });
  step.addEventListener('click', () => post({ type: 'stepThrough', layerId: layer.id }));
  const text = el('button', { type: 'button', className: 'glm-secondary', text: t('model.openAsText') });
  text.addEventListener('click', () => post({ type: 'openAsText', layerId: layer.id }));
  node.appendChild(el('div', { className: 'glm-actions' }, step, text, conventionPicker(layer)));
  if (layer.chosenConvention) node.appendChild(el('p', { className: 'glm-muted', text: t('model.conventionChosen') }));
  const gates = el('table', {}, el('caption', { className: 'glm-muted', text: t('model.gates') }),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: t('col.letter') }), el('th', { scope: 'col', text: t('col.gate') }), el('th', { scope: 'col', text: t('col.range') }))));
  const body = el('tbody');
  for (const g of layer.gates) body.appendChild(el('tr', {}, el('td', { className: 'glm-mono', text: g.label }), el('td', { text: g.name }), el('td', { className: 'glm-mono', text: `${g.start}:${g.end}` })));
  gates.appendChild(body);
  node.appendChild(gates);
  node.appendChild(el('h4', { text: t('model.evidence') }));
  node.appendChild(el('ul', { className: 'glm-evidence' }, ...layer.evidence.map((e) => el('li', { text: e.message }))));
  if (layer.warnings.length) {
    node.appendChild(el('h4', { text: t('model.warnings') }));
    node.appendChild(el('ul', { className: 'glm-evidence' }, ...layer.warnings.map((e) => el('li', { text: e.message }))));
  }
  node.appendChild(el('h4', { text: t('model.weights') }));
  let heatmaps = 0, bands = 0;
  layer.matrices.forEach((matrix, index) => {
    const section = matrixSection(layer, matrix, index);
    node.appendChild(section.node);
    if (section.laidOut) heatmaps++;
    bands += section.bands;
  });
  return { node, report: { id: layer.id, gateLabels: layer.gates.map((g) => g.label), heatmaps, bands, convention: layer.chosenConvention ?? 'auto', conventionChoices: layer.conventionChoices.length } };
}

function layerTable(): { node: HTMLElement; layerRows: number; tensorRows: number } {
  const model = state.model;
  if (!model) return { node: el('div'), layerRows: 0, tensorRows: 0 };
  const rows = layerRows(model);
  const table = el('table', {}, el('thead', {}, el('tr', {}, ...(['col.layer', 'col.class', 'col.tensor', 'col.shape', 'col.dtype', 'col.note'] as const).map((k) => el('th', { scope: 'col', text: t(k) })))));
  const body = el('tbody');
  let tensorRows = 0;
  for (const row of rows) {
    const span = Math.max(1, row.tensors.length);
    const first = [el('td', { className: 'glm-mono', rowspan: span, text: row.layer || '—' }), el('td', { rowspan: span, text: row.layerClass ?? '' })];
    if (!row.tensors.length) body.appendChild(el('tr', {}, ...first, el('td'), el('td'), el('td'), el('td')));
    row.tensors.forEach((tensor, k) => {
      tensorRows++;
      const note = tensor.note?.kind === 'recurrent' ? t('note.recurrent', tensor.note.text) : tensor.note?.kind === 'dense' ? t('note.dense', tensor.note.text) : tensor.note?.kind === 'read' ? t('note.read') : tensor.note?.text ?? '';
      body.appendChild(el('tr', { className: tensor.note?.kind === 'recurrent' ? 'glm-recurrent' : undefined },
        ...(k === 0 ? first : []),
        el('td', { className: 'glm-mono', text: tensor.name }), el('td', { className: 'glm-mono', text: `(${tensor.shape.join(', ')})` }),
        el('td', { className: 'glm-mono', text: tensor.dtype }), el('td', { className: 'glm-muted', text: note })));
    });
  }
  table.appendChild(body);
  return { node: table, layerRows: rows.length, tensorRows };
}

function render(): void {
  clear(app);
  drawers.clear();
  valueSinks.clear();
  nearViewport.disconnect();
  tooltip.hidden = true;
  if (state.status === 'protocol') {
    app.appendChild(el('p', { className: 'glm-error', text: 'Gate Lens was updated: reopen this editor.' }));
    return;
  }
  if (state.status === 'waiting' || state.status === 'loading') {
    app.appendChild(el('p', { className: 'glm-muted', role: 'status', text: state.fileName ? t('model.loading', state.fileName) : t('model.waiting') }));
    return;
  }
  if (state.status === 'error') {
    app.append(el('h1', { className: 'glm-mono', text: state.fileName ?? '' }), el('div', { className: 'glm-error', role: 'alert' }, el('strong', { text: t('model.error', state.fileName ?? '') }), el('br'), state.error?.message ?? ''));
    post({ type: 'rendered', report: { tensorRows: 0, layerRows: 0, recurrent: [], error: state.error?.message ?? '' } });
    return;
  }
  const model = state.model;
  if (!model) return;
  app.appendChild(el('h1', { className: 'glm-mono', text: model.fileName }));
  app.appendChild(el('p', { className: 'glm-muted', text: t('model.summary', model.format, formatBytes(model.size), model.tensors.length) + ' — ' + (model.ranged ? t('model.ranged', formatBytes(model.bytesRead)) : t('model.whole', formatBytes(model.bytesRead))) }));
  if (model.diagnostics.length) {
    app.appendChild(el('h2', { text: t('model.problems') }));
    app.appendChild(el('ul', { className: 'glm-diagnostics' }, ...model.diagnostics.map((d) => el('li', { className: `glm-sev-${d.severity}`, text: d.message }))));
  }
  app.appendChild(el('h2', { text: t('model.recurrent') }));
  const recurrent: RenderedReport['recurrent'][number][] = [];
  if (!model.recurrent.length) app.appendChild(el('p', { className: 'glm-muted', text: t('model.noRecurrent') }));
  for (const layer of model.recurrent) {
    const section = recurrentSection(layer);
    app.appendChild(section.node);
    recurrent.push(section.report);
  }
  app.appendChild(el('h2', { text: t('model.layers') }));
  const table = layerTable();
  app.appendChild(table.node);
  post({ type: 'rendered', report: { tensorRows: table.tensorRows, layerRows: table.layerRows, recurrent, timings: { scriptAt, receivedAt, drawnAt: Date.now() } } });
}

window.addEventListener('message', (event: MessageEvent<ModelHostToWebview>) => {
  const message = event.data;
  if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
  if (message.type === 'heatmap') return receiveHeatmap(message);
  if (message.type === 'cellValue') {
    if (message.value) valueSinks.get(matrixKey(message.layerId, message.matrix))?.(message.row, message.col, new Float64Array(message.value)[0]);
    return;
  }
  receivedAt = Date.now();
  // A new read (another convention, a reopened file) may hold other values under the same keys.
  if (message.type === 'model' || message.type === 'loading') {
    grids.clear();
    asked.clear();
  }
  state = reduce(state, message);
  render();
});

function receiveHeatmap(message: Extract<ModelHostToWebview, { type: 'heatmap' }>): void {
  const key = matrixKey(message.layerId, message.matrix);
  asked.delete(key);
  if (!message.grid) return drawers.get(key)?.(message.error ?? '');
  grids.set(key, message.grid);
  drawers.get(key)?.(message.grid);
}

// A theme change swaps the body's vscode-light/vscode-dark class and the --vscode-* colors: the heatmaps are canvas
// pixels painted from those colors, so draw again.
new MutationObserver(() => render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

render();
post({ type: 'ready', protocol: MODEL_PROTOCOL_VERSION });
