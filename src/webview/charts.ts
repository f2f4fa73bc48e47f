// Canvas charts over time: a heatmap (rows × steps, one pixel per cell, scaled by CSS) and a line plot of h per
// unit. Each chart is painted once per trace or theme change; a step change only moves the cursor element, so
// stepping stays cheap at 512 units × 1000 steps. Hover and keyboard focus both report the exact value.

import { buildLut, paintHeatmap, parseColor, scaleFor, type ColorScale, type Rgb } from './colors';
import { el, cssVar, setText } from './dom';
import { formatCell, formatExact } from './format';
import { t } from './strings';
import { extent } from './trace';

export interface ChartHost {
  /** Show a tooltip near the pointer (or hide it with text = undefined). */
  tooltip(text: string | undefined, clientX?: number, clientY?: number): void;
  /** Announce through the aria-live region. */
  announce(text: string): void;
  /** The chart asks the page to move to another step (a click on a cell or a point). */
  goToStep(step: number): void;
}

export interface ThemeColors {
  low: Rgb;
  mid: Rgb;
  high: Rgb;
  hole: Rgb;
  lines: Rgb[];
  foreground: string;
}

const FALLBACK = { low: '#3794ff', mid: '#1e1e1e', high: '#f14c4c', hole: '#b180d7', fg: '#cccccc' };

/** Read chart colours from the theme: diverging blue → editor background → red, line colours from --vscode-charts-*. */
export function readThemeColors(): ThemeColors {
  const rgb = (name: string, fb: string): Rgb => parseColor(cssVar(name, fb)) ?? parseColor(fb) ?? [128, 128, 128];
  return {
    low: rgb('--vscode-charts-blue', FALLBACK.low),
    mid: rgb('--vscode-editor-background', FALLBACK.mid),
    high: rgb('--vscode-charts-red', FALLBACK.high),
    hole: rgb('--vscode-charts-purple', FALLBACK.hole),
    lines: ['--vscode-charts-blue', '--vscode-charts-red', '--vscode-charts-green', '--vscode-charts-yellow', '--vscode-charts-orange', '--vscode-charts-purple']
      .map((n) => rgb(n, FALLBACK.fg)),
    foreground: cssVar('--vscode-foreground', FALLBACK.fg),
  };
}

export interface HeatmapData {
  readonly values: Float64Array;
  readonly steps: number;
  /** Width of one step's record in `values`. */
  readonly recordWidth: number;
  /** Row r shows column rowMap[r] of each record. */
  readonly rowMap: Int32Array;
  /** Human name of row r ("f · forget gate, unit 2"). */
  readonly rowName: (row: number) => string;
  /** Group separators: label and first row of each group (gate blocks), drawn as text beside the canvas. */
  readonly groups?: readonly { label: string; gate: string; start: number; end: number }[];
  /** Step label shown to the user for step index t (1-based step and input time index). */
  readonly stepName: (step: number) => string;
}

/** The canvas's content box in client coordinates (its CSS border is not part of the plotted area). */
function contentBox(canvas: HTMLCanvasElement): { left: number; top: number; width: number; height: number } {
  const r = canvas.getBoundingClientRect();
  return { left: r.left + canvas.clientLeft, top: r.top + canvas.clientTop, width: canvas.clientWidth || r.width, height: canvas.clientHeight || r.height };
}

function rgbCss(c: Rgb): string {
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The drawing calls the charts make: common to a page canvas's 2D context and an OffscreenCanvas's. */
type Context2D = CanvasCompositing & CanvasDrawPath & CanvasFillStrokeStyles & CanvasImageData & CanvasPath & CanvasPathDrawingStyles
  & CanvasRect & CanvasState & CanvasText & CanvasTextDrawingStyles & CanvasTransform;

/**
 * Draws a chart's picture (it stays until the next trace, naming or theme) and shows it in `canvas`. Where the page
 * has OffscreenCanvas, the picture is drawn there and handed to `canvas` as an ImageBitmap (a 'bitmaprenderer'
 * context): Chromium gives such a canvas to the compositor once per picture. A '2d' canvas in the page is given
 * to it again at every compositor commit, and with software compositing (no GPU, as in many VMs and remote desktops)
 * that is a copy of its whole bitmap per frame into a new or recycled shared-memory buffer: while playing, every frame
 * copied the 2000 × 512 heatmap and the other static charts (~6.7 MB), and the first frames after Play, needing
 * more buffers in flight than the idle page kept, created new ones — a blocking call to the GPU process and fresh
 * memory to fault in for each canvas — in one 25–35 ms commit that dropped a frame (docs/benchmarks.md, session 8).
 * Elsewhere (no OffscreenCanvas), the picture is drawn on the canvas's own 2D context as before.
 */
function showPicture(canvas: HTMLCanvasElement, width: number, height: number, draw: (ctx: Context2D) => void): void {
  const renderer = typeof OffscreenCanvas === 'function' ? canvas.getContext('bitmaprenderer') : null;
  if (renderer) {
    const surface = new OffscreenCanvas(width, height);
    const ctx = surface.getContext('2d');
    if (!ctx) return;
    draw(ctx);
    canvas.width = width;
    canvas.height = height;
    renderer.transferFromImageBitmap(surface.transferToImageBitmap());
    return;
  }
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx) draw(ctx);
}

/**
 * The step cursor moves inside a layer over the canvas that has size and layout containment (`.gl-cursor-layer`),
 * which makes the layer a relayout boundary: moving the cursor each step lays out that layer only. A cursor placed
 * directly in the stage dirtied the layout of every ancestor, and with the charts' ancestors the whole page.
 */
function cursorLayer(cursor: HTMLElement): HTMLElement {
  return el('div', { className: 'gl-cursor-layer', 'aria-hidden': 'true' }, cursor);
}

export class Heatmap {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly cursor: HTMLElement;
  private readonly rowMarker: HTMLElement;
  private readonly groupLayer: HTMLElement;
  private readonly legendCanvas: HTMLCanvasElement;
  private readonly legendLow: HTMLElement;
  private readonly legendMid: HTMLElement;
  private readonly legendHigh: HTMLElement;
  private data?: HeatmapData;
  private scale: ColorScale = { min: -1, max: 1, diverging: true };
  private image?: ImageData;
  private step = 0;
  private row = 0;

  constructor(id: string, private readonly titleKey: 'heat.gates' | 'heat.c' | 'heat.h', private readonly host: ChartHost) {
    this.canvas = el('canvas', { id, className: 'gl-heat-canvas', tabindex: 0, role: 'img' });
    this.cursor = el('div', { className: 'gl-cursor', 'aria-hidden': 'true' });
    this.rowMarker = el('div', { className: 'gl-row-marker', 'aria-hidden': 'true', hidden: true });
    this.groupLayer = el('div', { className: 'gl-heat-groups', 'aria-hidden': 'true' });
    this.legendCanvas = el('canvas', { className: 'gl-legend-canvas', width: 128, height: 1, 'aria-hidden': 'true' });
    this.legendLow = el('span', { className: 'gl-legend-low' });
    this.legendMid = el('span', { className: 'gl-legend-mid' });
    this.legendHigh = el('span', { className: 'gl-legend-high' });
    const legend = el('div', { className: 'gl-legend' }, this.legendLow, el('span', { className: 'gl-legend-bar' }, this.legendCanvas, this.legendMid), this.legendHigh);
    this.root = el('figure', { className: 'gl-chart' },
      el('figcaption', { className: 'gl-chart-title', text: t(titleKey) }),
      el('div', { className: 'gl-heat-wrap' }, this.groupLayer, el('div', { className: 'gl-heat-stage' }, this.canvas, cursorLayer(this.cursor), this.rowMarker)),
      legend);
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mouseleave', () => this.host.tooltip(undefined));
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e);
      if (!cell) return;
      this.row = cell.row;
      this.placeRowMarker();
      this.host.goToStep(cell.step);
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('focus', () => { this.rowMarker.hidden = false; this.placeRowMarker(); this.announceCell(); });
    this.canvas.addEventListener('blur', () => { this.rowMarker.hidden = true; });
  }

  relabel(): void {
    const cap = this.root.querySelector('figcaption');
    if (cap) cap.textContent = t(this.titleKey);
  }

  setData(data: HeatmapData, scale?: ColorScale): void {
    this.data = data;
    this.row = Math.min(this.row, Math.max(0, data.rowMap.length - 1));
    if (scale) this.scale = scale;
    else {
      // Extent over the rows shown only (a gate heatmap of the stored blocks covers every column anyway).
      // Locals, not data.x in the loop: this runs over up to 2 million cells when a trace arrives.
      const { values, steps, recordWidth, rowMap } = data;
      const rows = rowMap.length;
      let lo = Infinity, hi = -Infinity;
      for (let s = 0; s < steps; s++) {
        const base = s * recordWidth;
        for (let r = 0; r < rows; r++) {
          const v = values[base + rowMap[r]];
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      this.scale = scaleFor(lo, hi);
    }
    const rows = Math.max(1, data.rowMap.length), steps = Math.max(1, data.steps);
    this.canvas.width = steps;
    this.canvas.height = rows;
    // Tall enough to read a few units, capped so 2048 gate rows do not push everything off screen.
    this.canvas.style.height = `${Math.max(36, Math.min(320, rows * 14))}px`;
    this.image = undefined;
    this.canvas.setAttribute('aria-label', `${t(this.titleKey)}. ${t('heat.legend', formatCell(this.scale.min), formatCell(this.scale.max))}. ${t('heat.keys')}`);
    this.groupLayer.replaceChildren(...(data.groups ?? []).map((g) => {
      const tag = el('span', { className: 'gl-heat-group', 'data-gate': g.gate, text: g.label });
      tag.style.top = `${(g.start / rows) * 100}%`;
      tag.style.height = `${((g.end - g.start) / rows) * 100}%`;
      return tag;
    }));
  }

  /** Repaint with the theme's colours (after setData and on theme changes). */
  paint(colors: ThemeColors): void {
    const d = this.data;
    if (!d) return;
    const lut = buildLut(this.scale, colors.low, colors.mid, colors.high);
    const { width, height } = this.canvas; // sized to the data by setData
    showPicture(this.canvas, width, height, (ctx) => {
      if (!this.image || this.image.width !== width || this.image.height !== height) this.image = ctx.createImageData(width, height);
      paintHeatmap(d.values, d.steps, d.recordWidth, d.rowMap, this.scale, lut, colors.hole, this.image.data);
      ctx.putImageData(this.image, 0, 0);
    });
    // Legend: the same LUT, one pixel per entry, stretched by CSS.
    showPicture(this.legendCanvas, 128, 1, (lctx) => {
      const li = lctx.createImageData(128, 1);
      for (let k = 0; k < 128; k++) {
        const src = Math.round((k / 127) * 255) * 4;
        li.data[k * 4] = lut[src]; li.data[k * 4 + 1] = lut[src + 1]; li.data[k * 4 + 2] = lut[src + 2]; li.data[k * 4 + 3] = 255;
      }
      lctx.putImageData(li, 0, 0);
    });
    setText(this.legendLow, formatCell(this.scale.min, 3));
    setText(this.legendHigh, formatCell(this.scale.max, 3));
    setText(this.legendMid, this.scale.diverging ? formatCell(0, 1) : '');
  }

  setStep(step: number): void {
    this.step = step;
    const steps = this.data ? Math.max(1, this.data.steps) : 1;
    this.cursor.style.left = `${(step / steps) * 100}%`;
    this.cursor.style.width = `${100 / steps}%`;
  }

  private placeRowMarker(): void {
    const rows = this.data ? Math.max(1, this.data.rowMap.length) : 1;
    this.rowMarker.style.top = `${(this.row / rows) * 100}%`;
    this.rowMarker.style.height = `${100 / rows}%`;
  }

  private cellText(row: number, step: number): string {
    const d = this.data;
    if (!d) return '';
    const v = d.values[step * d.recordWidth + d.rowMap[row]];
    return t('heat.cell', d.rowName(row), d.stepName(step), formatExact(v));
  }

  private announceCell(): void {
    if (this.data && this.data.steps > 0) this.host.announce(this.cellText(this.row, this.step));
  }

  private cellAt(e: MouseEvent): { row: number; step: number } | undefined {
    const d = this.data;
    if (!d || d.steps === 0) return undefined;
    const r = contentBox(this.canvas);
    const step = Math.min(d.steps - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * d.steps)));
    const row = Math.min(d.rowMap.length - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * d.rowMap.length)));
    return { row, step };
  }

  private onHover(e: MouseEvent): void {
    const cell = this.cellAt(e);
    if (!cell) return;
    const { row, step } = cell;
    const text = this.cellText(row, step);
    this.host.tooltip(text, e.clientX, e.clientY);
    this.host.announce(text);
  }

  private onKey(e: KeyboardEvent): void {
    const d = this.data;
    if (!d) return;
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault();
      e.stopPropagation();
      this.row = Math.max(0, Math.min(d.rowMap.length - 1, this.row + (e.key === 'ArrowUp' ? -1 : 1)));
      this.placeRowMarker();
      this.announceCell();
    }
  }

  /** Called by the page after a keyboard step change while this chart has focus. */
  announceIfFocused(): void {
    if (document.activeElement === this.canvas) this.announceCell();
  }
}

/** Line plot of h per unit over time on a canvas; the hovered unit is named in the tooltip. */
export class LinePlot {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly cursor: HTMLElement;
  private readonly yHigh: HTMLElement;
  private readonly yLow: HTMLElement;
  private values?: Float64Array;
  private steps = 0;
  private width = 0;
  private lo = -1;
  private hi = 1;
  private step = 0;
  private unit = 0;
  private stepName: (s: number) => string = (s) => String(s + 1);

  constructor(id: string, private readonly host: ChartHost) {
    this.canvas = el('canvas', { id, className: 'gl-plot-canvas', tabindex: 0, role: 'img' });
    this.cursor = el('div', { className: 'gl-cursor gl-cursor-line', 'aria-hidden': 'true' });
    this.yHigh = el('span', { className: 'gl-axis gl-axis-high' });
    this.yLow = el('span', { className: 'gl-axis gl-axis-low' });
    this.root = el('figure', { className: 'gl-chart' },
      el('figcaption', { className: 'gl-chart-title', text: t('plot.h') }),
      el('div', { className: 'gl-plot-wrap' }, this.yHigh, this.yLow, el('div', { className: 'gl-heat-stage' }, this.canvas, cursorLayer(this.cursor))));
    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mouseleave', () => this.host.tooltip(undefined));
    this.canvas.addEventListener('click', (e) => {
      const hit = this.pointAt(e);
      if (!hit) return;
      this.unit = hit.unit;
      this.host.goToStep(hit.step);
    });
    this.canvas.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
      e.preventDefault();
      e.stopPropagation();
      this.unit = Math.max(0, Math.min(this.width - 1, this.unit + (e.key === 'ArrowUp' ? -1 : 1)));
      this.announce();
    });
    this.canvas.addEventListener('focus', () => this.announce());
  }

  relabel(): void {
    const cap = this.root.querySelector('figcaption');
    if (cap) cap.textContent = t('plot.h');
  }

  setData(values: Float64Array, steps: number, width: number, stepName: (s: number) => string): void {
    this.values = values;
    this.steps = steps;
    this.width = width;
    this.stepName = stepName;
    this.unit = Math.min(this.unit, Math.max(0, width - 1));
    const [lo, hi] = extent(values);
    const pad = (hi - lo) * 0.05 || 0.5;
    this.lo = lo - pad;
    this.hi = hi + pad;
    setText(this.yHigh, formatCell(hi, 3));
    setText(this.yLow, formatCell(lo, 3));
    this.canvas.setAttribute('aria-label', `${t('plot.h')}. ${formatCell(lo)} … ${formatCell(hi)}. ${t('heat.keys')}`);
  }

  paint(colors: ThemeColors): void {
    const v = this.values;
    if (!v) return;
    const dpr = window.devicePixelRatio || 1;
    const cssW = this.canvas.clientWidth || 600;
    const cssH = this.canvas.clientHeight || 160;
    showPicture(this.canvas, Math.round(cssW * dpr), Math.round(cssH * dpr), (ctx) => this.draw(ctx, v, colors, dpr, cssW, cssH));
  }

  private draw(ctx: Context2D, v: Float64Array, colors: ThemeColors, dpr: number, cssW: number, cssH: number): void {
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    const x = (s: number) => (this.steps <= 1 ? cssW / 2 : ((s + 0.5) / this.steps) * cssW);
    const y = (val: number) => cssH - ((val - this.lo) / (this.hi - this.lo)) * cssH;
    // Zero line, for orientation.
    if (this.lo < 0 && this.hi > 0) {
      ctx.strokeStyle = colors.foreground;
      ctx.globalAlpha = 0.35;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(0, Math.round(y(0)) + 0.5);
      ctx.lineTo(cssW, Math.round(y(0)) + 0.5);
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    ctx.lineWidth = this.width > 64 ? 0.75 : 1.5;
    for (let u = 0; u < this.width; u++) {
      const c = colors.lines[u % colors.lines.length];
      ctx.strokeStyle = rgbCss(c);
      ctx.beginPath();
      for (let s = 0; s < this.steps; s++) {
        const px = x(s), py = y(v[s * this.width + u]);
        if (s === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      }
      if (this.steps === 1) ctx.arc(x(0), y(v[u]), 2, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  setStep(step: number): void {
    this.step = step;
    const steps = Math.max(1, this.steps);
    this.cursor.style.left = `${((step + 0.5) / steps) * 100}%`;
  }

  private text(unit: number, step: number): string {
    const v = this.values ? this.values[step * this.width + unit] : NaN;
    return t('heat.cell', t('heat.unitName', 'h', unit), this.stepName(step), formatExact(v));
  }

  private announce(): void {
    if (this.values && this.steps > 0) this.host.announce(this.text(this.unit, this.step));
  }

  announceIfFocused(): void {
    if (document.activeElement === this.canvas) this.announce();
  }

  /** The step under the pointer and the unit whose line passes closest to it. */
  private pointAt(e: MouseEvent): { unit: number; step: number } | undefined {
    const v = this.values;
    if (!v || this.steps === 0) return undefined;
    const r = contentBox(this.canvas);
    const step = Math.min(this.steps - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * this.steps)));
    const want = this.hi - ((e.clientY - r.top) / r.height) * (this.hi - this.lo);
    let best = 0, bestD = Infinity;
    for (let u = 0; u < this.width; u++) {
      const d = Math.abs(v[step * this.width + u] - want);
      if (d < bestD) { bestD = d; best = u; }
    }
    return { unit: best, step };
  }

  private onHover(e: MouseEvent): void {
    const hit = this.pointAt(e);
    if (!hit) return;
    const text = this.text(hit.unit, hit.step);
    this.host.tooltip(text, e.clientX, e.clientY);
    this.host.announce(text);
  }
}
