// A Chromium performance trace (the DevTools timeline categories) over a stretch of a Playwright session, summed
// by kind of main-thread work in CPU time (`tdur`, the thread's own time, so a loaded machine stretches it far less
// than wall time): our script, style, layout, paint and compositing. Used by the responsiveness bench to tell our
// step update apart from the layout it causes.

const KINDS = {
  // Top-level script entry points only (FunctionCall nests inside them), so nothing is counted twice.
  script: ['FireAnimationFrame', 'EventDispatch', 'TimerFire', 'FunctionCall'],
  style: ['UpdateLayoutTree'],
  layout: ['Layout'],
  paint: ['PrePaint', 'Paint', 'PaintImage'],
  composite: ['Layerize', 'Commit', 'UpdateLayer', 'CompositeLayers'],
};

/**
 * Starts tracing the whole browser (every renderer, so also a webview's out-of-process iframe) through a Browser,
 * or through a Page when the browser is a persistent context; the returned function stops it and resolves to the
 * trace events.
 */
export async function startTrace(browserOrPage) {
  const session = 'newBrowserCDPSession' in browserOrPage ? await browserOrPage.newBrowserCDPSession() : await browserOrPage.context().newCDPSession(browserOrPage);
  const events = [];
  session.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  const complete = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
  await session.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', '__metadata'], recordMode: 'recordAsMuchAsPossible' },
  });
  return async () => {
    await session.send('Tracing.end');
    await complete;
    await session.detach().catch(() => {});
    return events;
  };
}

/**
 * CPU milliseconds per kind of work on the renderers' main threads, over the events between `from` and `to`
 * (trace clock, µs; all when omitted). Nested events of one kind are counted once (the outermost); style and
 * layout forced by a script are counted both under script and under their own kind, and `forcedMs` says how much
 * that was.
 */
export function mainThreadWork(events, from = -Infinity, to = Infinity) {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const kindOf = new Map(Object.entries(KINDS).flatMap(([kind, names]) => names.map((n) => [n, kind])));
  const out = Object.fromEntries(Object.keys(KINDS).map((k) => [k, 0]));
  out.forcedMs = 0;
  // Per thread and kind, where the outermost event being summed ends: an event of the same kind inside it (a paint
  // layer's Paint inside the document's, a FunctionCall inside an EventDispatch) is part of it, not added again.
  const openUntil = new Map();
  const sorted = events.filter((e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`) && e.ts >= from && e.ts <= to && kindOf.has(e.name)).sort((a, b) => a.ts - b.ts);
  for (const e of sorted) {
    const kind = kindOf.get(e.name);
    const thread = `${e.pid}:${e.tid}`;
    const cpuMs = (e.tdur ?? e.dur ?? 0) / 1000;
    if (e.ts < (openUntil.get(`${thread}:${kind}`) ?? -Infinity)) continue;
    openUntil.set(`${thread}:${kind}`, e.ts + (e.dur ?? 0));
    if (kind !== 'script' && e.ts < (openUntil.get(`${thread}:script`) ?? -Infinity)) out.forcedMs += cpuMs;
    out[kind] += cpuMs;
  }
  for (const k of Object.keys(out)) out[k] = Math.round(out[k] * 100) / 100;
  return out;
}

/**
 * Main-thread CPU milliseconds of each frame that follows a click: from the click's dispatch to the end of the first
 * compositor commit after it (our handler, the step's animation-frame callback, style, layout, paint, commit), i.e.
 * the work that has to fit in one frame. Work done later (sections updated just after the frame) is not counted
 * here; `mainThreadWork` over the whole stretch counts it.
 */
export function clickFrameWork(events) {
  const mainThreads = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`);
  const clicks = events.filter((e) => onMain(e) && e.name === 'EventDispatch' && e.args?.data?.type === 'click').map((e) => e.ts).sort((a, b) => a - b);
  const commits = events.filter((e) => onMain(e) && e.name === 'Commit').sort((a, b) => a.ts - b.ts);
  const frames = [];
  clicks.forEach((from, k) => {
    const commit = commits.find((c) => c.ts > from && c.ts < (clicks[k + 1] ?? Infinity));
    if (!commit) return;
    const w = mainThreadWork(events, from, commit.ts + (commit.dur ?? 0));
    frames.push(Math.round((w.script + w.style + w.layout + w.paint + w.composite) * 100) / 100);
  });
  return frames;
}

/** Each figure divided by n (per step, per frame). */
export function divideBy(work, n) {
  return Object.fromEntries(Object.entries(work).map(([k, v]) => [k, Math.round((v / n) * 100) / 100]));
}
