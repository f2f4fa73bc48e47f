// Gate activation bars of one gate, drawn on a canvas. As DOM (a flex row per unit: label, track, fill moved by a
// transform, value text) the bars were half of a step's frame: 64 changed texts to lay out, 64 fills and rows to
// restyle and repaint, at 60 steps/s in every frame (main-thread CPU per played frame ~17 → ~8 ms at load 12 with the
// bars hidden, scripts/bench/playback.mjs). On a canvas a step is one redraw of pixels: no layout, no style.
// The numbers stay text for screen readers: a visually hidden list ("unit 3: 0.5123" per row) written just after
// the frame, like the sections scrolled out of view (main.ts), never from document text (only numbers and our own
// strings), through textContent.

import { el, setText } from './dom';

/** Where the text, colours and sizes come from: the theme's CSS, read once per theme / rebuild (getComputedStyle). */
export interface BarTheme {
  /** Font size of the gates section in CSS px (the row height and columns are in em of it, as the DOM rows were). */
  readonly emPx: number;
  readonly unitFont: string;
  readonly valueFont: string;
  readonly foreground: string;
  readonly muted: string;
  readonly track: string;
  readonly border: string;
}

/** Column geometry in em, as the DOM rows had it; the row height (1.35em) is the canvas CSS height / rows (media/webview.css). */
const UNIT_EM = 2.5;
const VALUE_EM = 5.5;
const VALUE_EM_FULL = 15;
const TRACK_EM = 0.8;
const GAP_PX = 6;

export function readBarTheme(section: Element): BarTheme {
  const style = getComputedStyle(section);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const emPx = parseFloat(style.fontSize) || 13;
  const family = style.fontFamily || 'sans-serif';
  return {
    emPx,
    unitFont: `${emPx}px ${family}`,
    valueFont: `${emPx}px ${v('--vscode-editor-font-family', 'monospace')}`,
    foreground: style.color || v('--vscode-foreground', '#cccccc'),
    muted: v('--vscode-descriptionForeground', style.color || '#9d9d9d'),
    track: v('--vscode-editorWidget-background', 'rgba(128, 128, 128, 0.15)'),
    border: v('--gl-border', 'rgba(128, 128, 128, 0.35)'),
  };
}

export class GateBars {
  /** The canvas (hidden from assistive technology) and the text list that stands for it. */
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly items: HTMLElement[] = [];
  private readonly resize?: ResizeObserver;
  private cssWidth = 0;
  private cssHeight = 0;
  private theme?: BarTheme;
  private themeSource?: () => { theme: BarTheme; color: string };
  private color = '#888888';
  private last?: { values: ArrayLike<number>; offset: number; format: (v: number) => string; wide: boolean };
  /** What does not change with the step (unit numbers, empty tracks), drawn once per size / theme / value width. */
  private background?: { canvas: HTMLCanvasElement; key: string };

  /**
   * @param units the unit numbers of the rows (the unit window)
   * @param max the bar scale: |value| / max of the track (≥ 1, over the whole trace)
   * @param signed whether any value of the trace is negative: bars then grow both ways from the middle
   */
  constructor(private readonly units: readonly number[], private readonly max: number, private readonly signed: boolean, unitWord: string) {
    this.canvas = el('canvas', { className: 'gl-bars-canvas', 'aria-hidden': 'true' });
    this.canvas.style.setProperty('--gl-rows', String(units.length));
    const list = el('ul', { className: 'gl-sr-only' });
    for (const u of units) {
      const value = el('span');
      list.appendChild(el('li', {}, `${unitWord} ${u}: `, value));
      this.items.push(value);
    }
    this.root = el('div', { className: 'gl-bars' }, this.canvas, list);
    if (typeof ResizeObserver === 'function') {
      // The observer reports the canvas's CSS size after layout without forcing one; the bitmap follows it.
      this.resize = new ResizeObserver((entries) => {
        const box = entries[entries.length - 1].contentRect;
        if (box.width === this.cssWidth && box.height === this.cssHeight) return;
        this.cssWidth = box.width;
        this.cssHeight = box.height;
        this.redraw();
      });
      this.resize.observe(this.canvas);
    }
  }

  /**
   * Where the gate's colour and the theme come from (after a rebuild or a theme change): read when the bars next draw,
   * and what was shown is repainted. New bars first draw after layout, where reading styles forces nothing; read right
   * after the bars were built, the same styles cost a style pass over the new DOM (~13 ms at 512 units).
   */
  useTheme(source: () => { theme: BarTheme; color: string }): void {
    this.themeSource = source;
    this.theme = undefined;
    this.background = undefined;
    this.redraw();
  }

  /** Draws the bars of `values[offset + k]` for row k (in the step's frame). */
  paint(values: ArrayLike<number>, offset: number, format: (v: number) => string, wide: boolean): void {
    this.last = { values, offset, format, wide };
    this.redraw();
  }

  /** Writes the same values into the text list (off the frame). */
  writeText(values: ArrayLike<number>, offset: number, format: (v: number) => string): void {
    for (let k = 0; k < this.items.length; k++) setText(this.items[k], format(values[offset + k]));
  }

  dispose(): void {
    this.resize?.disconnect();
  }

  /** Row geometry in CSS px for the current size, theme and value column. */
  private geometry(th: BarTheme, wide: boolean) {
    const em = th.emPx, rowH = this.cssHeight / this.units.length;
    const unitW = UNIT_EM * em, valueW = (wide ? VALUE_EM_FULL : VALUE_EM) * em;
    // The track's box (1 px border outside its content, like the DOM's), between the unit and value columns.
    const trackX = unitW + GAP_PX, trackW = Math.max(0, this.cssWidth - unitW - valueW - 2 * GAP_PX);
    const trackH = TRACK_EM * em + 2;
    const trackY = (k: number) => Math.round((k + 0.5) * rowH - trackH / 2);
    return { rowH, unitW, trackX, trackW, trackH, trackY };
  }

  private redraw(): void {
    const last = this.last;
    if (!last || !this.themeSource || this.cssWidth <= 0 || this.cssHeight <= 0) return;
    if (!this.theme) {
      const { theme, color } = this.themeSource();
      this.theme = theme;
      this.color = color || theme.foreground;
    }
    const th = this.theme;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(this.cssWidth * dpr), h = Math.round(this.cssHeight * dpr);
    if (this.canvas.width !== w || this.canvas.height !== h) { this.canvas.width = w; this.canvas.height = h; }
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const g = this.geometry(th, last.wide);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.backgroundFor(th, last.wide, w, h, dpr, g), 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (g.trackW > 2) for (let k = 0; k < this.units.length; k++) this.drawFill(ctx, last.values[last.offset + k], g.trackX, g.trackY(k), g.trackW, g.trackH);
    // One font for all the values: setting ctx.font parses it each time.
    ctx.font = th.valueFont;
    ctx.fillStyle = th.foreground;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let k = 0; k < this.units.length; k++) ctx.fillText(last.format(last.values[last.offset + k]), this.cssWidth, (k + 0.5) * g.rowH);
  }

  private backgroundFor(th: BarTheme, wide: boolean, w: number, h: number, dpr: number, g: ReturnType<GateBars['geometry']>): HTMLCanvasElement {
    const key = `${w}x${h}@${dpr}:${wide}`;
    if (this.background?.key === key) return this.background.canvas;
    const canvas = this.background?.canvas ?? document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = th.unitFont;
      ctx.fillStyle = th.muted;
      ctx.textAlign = 'right';
      ctx.textBaseline = 'middle';
      for (let k = 0; k < this.units.length; k++) ctx.fillText(String(this.units[k]), g.unitW, (k + 0.5) * g.rowH);
      if (g.trackW > 2) {
        ctx.lineWidth = 1;
        for (let k = 0; k < this.units.length; k++) {
          const y = g.trackY(k);
          ctx.fillStyle = th.track;
          ctx.fillRect(g.trackX, y, g.trackW, g.trackH);
          ctx.strokeStyle = th.border;
          ctx.strokeRect(g.trackX + 0.5, y + 0.5, g.trackW - 1, g.trackH - 1);
        }
      }
    }
    this.background = { canvas, key };
    return canvas;
  }

  /** The bar of one value inside its track's border; signed tracks get their middle line over the bar. */
  private drawFill(ctx: CanvasRenderingContext2D, v: number, x: number, y: number, w: number, h: number): void {
    const ix = x + 1, iy = y + 1, iw = w - 2, ih = h - 2;
    const frac = Number.isFinite(v) ? Math.min(1, Math.abs(v) / this.max) : 0;
    const from = this.signed ? ix + iw / 2 : ix;
    const len = frac * (this.signed ? iw / 2 : iw);
    const left = v < 0 ? from - len : from;
    if (len > 0) {
      if (v < 0) this.hatch(ctx, left, iy, len, ih);
      else { ctx.fillStyle = this.color; ctx.fillRect(left, iy, len, ih); }
    }
    if (this.signed) {
      ctx.globalAlpha = 0.6;
      ctx.fillStyle = this.theme!.foreground;
      ctx.fillRect(Math.round(ix + iw / 2), y - 2, 1, h + 4);
      ctx.globalAlpha = 1;
    }
  }

  /** Negative values: diagonal stripes of the gate colour (3 px on, 2 px off), as the DOM's gradient drew them. */
  private hatch(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number): void {
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    ctx.strokeStyle = this.color;
    ctx.lineWidth = 3;
    ctx.beginPath();
    const step = 5 * Math.SQRT2;
    for (let sx = x - h; sx < x + w + h; sx += step) { ctx.moveTo(sx, y); ctx.lineTo(sx + h, y + h); }
    ctx.stroke();
    ctx.restore();
  }
}
