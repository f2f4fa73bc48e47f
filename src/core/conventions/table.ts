// The conventions table of docs/conventions.md, rendered from the registry (npm run docs:conventions writes it; a test
// fails when the committed file differs). Pure string building.

import { ADAPTERS } from './index';
import type { BiasLayout, CellSpec, Dim, PackedAxis } from './types';

export const TABLE_BEGIN = '<!-- BEGIN GENERATED: npm run docs:conventions (from src/core/conventions/*.ts) -->';
export const TABLE_END = '<!-- END GENERATED -->';

const CELL_TITLE = { lstm: 'LSTM', gru: 'GRU', simple_rnn: 'SimpleRNN' } as const;

const AXIS: Record<PackedAxis, string> = { columns: 'columns (x·K)', rows: 'rows (W·x)', per_gate: 'one array per gate' };

const BIAS: Record<BiasLayout, string> = {
  single: 'one bias (G·H)',
  keras_gru_2xGH: '(2, 3H): input, recurrent',
  ih_plus_hh: 'bias_ih + bias_hh',
  onnx_wb_rb: 'B [D, 2·G·H] = [Wb, Rb]',
  cudnn_2xGH: '(2·G·H) = [input, recurrent]',
  per_gate: 'per gate',
  per_gate_w_r: 'per gate: input and recurrent',
  single_plus_rn: 'one bias (G·H) + candidate recurrent bias (H) when reset-after',
  matlab_gru: '(3H, 1), or (6H, 1) = [input; recurrent]',
};

function dim(d: Dim): string {
  if (typeof d === 'number') return String(d);
  if (typeof d === 'object') return `${d.times}H`;
  return d;
}

const cellText = (s: string): string => s.replace(/\|/g, '\\|');

function arrays(c: CellSpec): string {
  return c.tensors.map((t) => `\`${t.role}\` (${t.shape.map(dim).join(', ')}${t.shape.length === 1 ? ',' : ''})${t.optional ? '?' : ''}`).join(', ');
}

function reset(c: CellSpec): string {
  if (c.cell !== 'gru') return '—';
  return c.defaultResetAfter === false ? 'before (default)' : 'after (default)';
}

function activations(c: CellSpec): string {
  const a = c.defaultActivations;
  return c.cell === 'simple_rnn' ? a.candidate : [a.gate, a.candidate, ...(c.cell === 'lstm' ? [a.output ?? a.candidate] : [])].join(' / ');
}

/** One Markdown table, framework × cell, from every adapter's registry rows. */
export function conventionsTable(): string {
  const lines = [
    TABLE_BEGIN,
    '',
    '| Framework (`id`) | Cell | Gate order | Packed axis | Arrays (`?` optional) | Bias layout | GRU reset | Default activations (gate / candidate / output) | State order | Sources | Status |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const a of ADAPTERS) {
    const sources = a.sources.map((s, k) => `[${k + 1}](${s.url} "${cellText(s.fact).replace(/"/g, '\'')}")`).join(' ');
    const status = a.verification === 'verified' ? 'verified (fixtures from the framework)' : '**documented, not run against the framework**';
    for (const c of a.cells) {
      const notes = c.notes?.length ? `<br>${cellText(c.notes.join(' '))}` : '';
      lines.push(`| ${cellText(c.framework)} ${a.layerNames[c.cell] ?? ''} (\`${a.id}\`) | ${CELL_TITLE[c.cell]} | ${c.gateOrder.map((g) => g.label).join(', ')} | ${AXIS[c.packedAxis]} | ${arrays(c)} | ${BIAS[c.bias]}${notes} | ${reset(c)} | ${activations(c)} | (${c.stateOrder.join(', ')}) | ${sources} | ${status} |`);
    }
  }
  lines.push('', 'Sources per framework (hover a number for the fact it supports):', '');
  for (const a of ADAPTERS) lines.push(`- **${a.title}** (\`${a.id}\`, ${a.verification}): ${a.sources.map((s, k) => `[${k + 1}] ${cellText(s.fact)} — <${s.url}>`).join('; ')}`);
  lines.push('', TABLE_END);
  return lines.join('\n');
}

/** The document with its generated block replaced (or the block put after the first heading when it has none). */
export function withConventionsTable(doc: string): string {
  const start = doc.indexOf(TABLE_BEGIN), end = doc.indexOf(TABLE_END);
  if (start >= 0 && end > start) return doc.slice(0, start) + conventionsTable() + doc.slice(end + TABLE_END.length);
  const firstBreak = doc.indexOf('\n\n');
  return `${doc.slice(0, firstBreak + 2)}## All conventions (generated from the registry)\n\n${conventionsTable()}\n\n${doc.slice(firstBreak + 2)}`;
}
