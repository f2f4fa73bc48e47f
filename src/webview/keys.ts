// Keyboard step logic, separate from the DOM so it is tested directly.

export type KeyAction =
  | { readonly kind: 'step'; readonly step: number }
  | { readonly kind: 'togglePlay' }
  | { readonly kind: 'none' };

/** What a key does to the current step. Keys with modifiers are left to the editor. */
export function stepKeyAction(key: string, step: number, steps: number, mods: { ctrl?: boolean; alt?: boolean; meta?: boolean } = {}): KeyAction {
  if (mods.ctrl || mods.alt || mods.meta || steps <= 0) return { kind: 'none' };
  const last = steps - 1;
  const clamp = (s: number) => (s < 0 ? 0 : s > last ? last : s);
  switch (key) {
    case 'ArrowRight': return { kind: 'step', step: clamp(step + 1) };
    case 'ArrowLeft': return { kind: 'step', step: clamp(step - 1) };
    case 'PageDown': return { kind: 'step', step: clamp(step + 10) };
    case 'PageUp': return { kind: 'step', step: clamp(step - 10) };
    case 'Home': return { kind: 'step', step: 0 };
    case 'End': return { kind: 'step', step: last };
    case ' ': case 'Spacebar': return { kind: 'togglePlay' };
    default: return { kind: 'none' };
  }
}

/** The step after `step` while playing; playback stops at the last step. */
export function playNext(step: number, steps: number): { step: number; stop: boolean } {
  if (step + 1 >= steps) return { step: Math.max(0, steps - 1), stop: true };
  return { step: step + 1, stop: step + 2 >= steps };
}

/** A window of at most `size` units starting near `offset`, aligned so the last page is full when possible. */
export function unitWindow(offset: number, size: number, units: number): { start: number; end: number } {
  if (units <= size) return { start: 0, end: units };
  const start = Math.max(0, Math.min(offset, units - size));
  return { start, end: start + size };
}

/**
 * Playback's step schedule, asked once per animation frame: does the frame at `now` show the next step, and when is
 * the step after it due. Steps are due on a fixed grid (`due`, `due + interval`, …), so 8 steps/s stays 8 on a
 * 60 Hz display instead of rounding every interval up to whole frames; a frame up to half a display period before
 * the due time counts as on time (frame times jitter around the period). At most one step per frame, and after a
 * stall longer than an interval the grid restarts from `now` instead of catching up with a burst of frames that
 * each carry a step: a busy renderer then plays slower, never skips steps and never queues frames.
 */
export function playbackTick(now: number, due: number, intervalMs: number, framePeriodMs: number): { step: boolean; due: number } {
  const slack = Math.min(intervalMs, framePeriodMs) / 2;
  if (now < due - slack) return { step: false, due };
  const next = due + intervalMs;
  return { step: true, due: next < now - slack ? now + intervalMs : next };
}
