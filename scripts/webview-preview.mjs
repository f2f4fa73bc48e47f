// Standalone preview of the Gate Lens webview with a fake host (scripts/webview-preview/host.mjs) that runs the real
// core. Writes out/webview-preview/index.html; with --screenshot, also renders PNGs with headless Chromium through
// playwright-core (chromium from apt: /usr/bin/chromium) for several cases and themes.
//   node scripts/webview-preview.mjs [--screenshot] [--executable /usr/bin/chromium]
// Open out/webview-preview/index.html?case=seed|pytorch_gru|onnx_gru|bidi|keras_rnn|big&theme=dark|light|hc&state={json}.
import * as esbuild from 'esbuild';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const outDir = 'out/webview-preview';
mkdirSync(outDir, { recursive: true });
await esbuild.build({ entryPoints: ['src/webview/main.ts'], outfile: join(outDir, 'main.js'), bundle: true, format: 'iife', platform: 'browser', target: 'es2022', sourcemap: true, logLevel: 'warning' });
await esbuild.build({ entryPoints: ['scripts/webview-preview/host.mjs'], outfile: join(outDir, 'host.js'), bundle: true, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'warning', loader: { '.wasm': 'binary' } });

// A subset of the --vscode-* variables VS Code injects, with the Dark Modern / Light Modern / High Contrast values.
const themes = {
  dark: { class: 'vscode-dark', vars: {
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '12px',
    foreground: '#cccccc', descriptionForeground: '#9d9d9d', 'editor-background': '#1f1f1f', 'panel-border': '#2b2b2b', focusBorder: '#0078d4',
    'dropdown-background': '#313131', 'dropdown-foreground': '#cccccc', 'dropdown-border': '#3c3c3c', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-hoverBackground': '#026ec1', 'button-secondaryBackground': '#313131', 'button-secondaryForeground': '#cccccc', 'button-secondaryHoverBackground': '#3c3c3c',
    'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-purple': '#b180d7',
    'editorWarning-foreground': '#cca700', 'errorForeground': '#f85149', 'inputValidation-errorBackground': '#5a1d1d', 'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#352a05',
    'editorWidget-background': '#202020', 'editorHoverWidget-background': '#202020', 'editorHoverWidget-border': '#454545', 'textLink-foreground': '#4daafc', 'progressBar-background': '#0078d4',
    'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
  } },
  light: { class: 'vscode-light', vars: {
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '12px',
    foreground: '#3b3b3b', descriptionForeground: '#6f6f6f', 'editor-background': '#ffffff', 'panel-border': '#e5e5e5', focusBorder: '#005fb8',
    'dropdown-background': '#ffffff', 'dropdown-foreground': '#3b3b3b', 'dropdown-border': '#cecece', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-hoverBackground': '#0258a8', 'button-secondaryBackground': '#e5e5e5', 'button-secondaryForeground': '#3b3b3b', 'button-secondaryHoverBackground': '#cccccc',
    'charts-blue': '#1a85ff', 'charts-red': '#e51400', 'charts-green': '#388a34', 'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-purple': '#652d90',
    'editorWarning-foreground': '#bf8803', 'errorForeground': '#a1260d', 'inputValidation-errorBackground': '#f2dede', 'inputValidation-errorBorder': '#be1100', 'inputValidation-warningBackground': '#f6f5d2',
    'editorWidget-background': '#f8f8f8', 'editorHoverWidget-background': '#f8f8f8', 'editorHoverWidget-border': '#c8c8c8', 'textLink-foreground': '#005fb8', 'progressBar-background': '#005fb8',
    'editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
  } },
  hc: { class: 'vscode-high-contrast', vars: {
    'font-family': 'system-ui, sans-serif', 'font-size': '13px', 'editor-font-family': 'monospace', 'editor-font-size': '12px',
    foreground: '#ffffff', descriptionForeground: '#ffffff', 'editor-background': '#000000', 'panel-border': '#6fc3df', focusBorder: '#f38518', contrastBorder: '#6fc3df',
    'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df', 'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df',
    'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
    'charts-blue': '#3794ff', 'charts-red': '#f14c4c', 'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-purple': '#b180d7',
    'editorWarning-foreground': '#ffd370', 'errorForeground': '#f48771', 'textLink-foreground': '#21a6ff', 'editorHoverWidget-background': '#0c141f', 'editorHoverWidget-border': '#6fc3df',
  } },
};

const themeCss = Object.entries(themes).map(([name, th]) =>
  `body.preview-${name} {\n${Object.entries(th.vars).map(([k, v]) => `  --vscode-${k}: ${v};`).join('\n')}\n  background: var(--vscode-editor-background);\n}`).join('\n');
writeFileSync(join(outDir, 'index.html'), `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Gate Lens webview preview</title>
<style>${themeCss}\nbody { margin: 0; padding: 8px 16px; }</style>
<link rel="stylesheet" href="main.css">
</head>
<body data-gate-lens-kind="panel">
<main id="app"></main>
<script>
  const theme = new URLSearchParams(location.search).get('theme') || 'dark';
  const themes = ${JSON.stringify(Object.fromEntries(Object.entries(themes).map(([k, v]) => [k, v.class])))};
  document.body.classList.add('preview-' + theme, themes[theme]);
  if (new URLSearchParams(location.search).get('kind') === 'view') document.body.dataset.gateLensKind = 'view';
</script>
<script src="host.js"></script>
<script src="main.js"></script>
</body></html>
`);
const page = pathToFileURL(resolve(outDir, 'index.html')).href;
console.log(`preview: ${page}?case=seed&theme=dark`);

if (process.argv.includes('--screenshot')) {
  const exe = process.argv.includes('--executable') ? process.argv[process.argv.indexOf('--executable') + 1] : '/usr/bin/chromium';
  if (!existsSync(exe)) throw new Error(`No Chromium at ${exe}: apt-get install -y chromium, or pass --executable.`);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
  const shots = [
    ['seed-dark', 'case=seed&theme=dark&state=' + encodeURIComponent(JSON.stringify({ step: 3 }))],
    ['seed-light-split', 'case=seed&theme=light&state=' + encodeURIComponent(JSON.stringify({ step: 3, split: true }))],
    ['seed-onnx-whatif', 'case=seed&theme=dark&convention=onnx&state=' + encodeURIComponent(JSON.stringify({ step: 3 }))],
    ['pytorch-gru-onnx-whatif-light', 'case=pytorch_gru&theme=light&convention=onnx&state=' + encodeURIComponent(JSON.stringify({ step: 2 }))],
    ['seed-full-precision-dark', 'case=seed&theme=dark&state=' + encodeURIComponent(JSON.stringify({ step: 3, view: { fullPrecision: true } }))],
    ['pytorch-gru-hc-split', 'case=pytorch_gru&theme=hc&state=' + encodeURIComponent(JSON.stringify({ step: 5, split: true }))],
    ['onnx-gru-light-split', 'case=onnx_gru&theme=light&state=' + encodeURIComponent(JSON.stringify({ step: 2, split: true }))],
    ['big-dark', 'case=big&theme=dark&state=' + encodeURIComponent(JSON.stringify({ step: 500 }))],
    ['bidi-backward-dark', 'case=bidi&theme=dark&state=' + encodeURIComponent(JSON.stringify({ step: 1, direction: 1 }))],
    ['rnn-light-split', 'case=keras_rnn&theme=light&state=' + encodeURIComponent(JSON.stringify({ step: 2, split: true }))],
    ['seed-zh-cn-light-split', 'case=seed&theme=light&locale=zh-cn&state=' + encodeURIComponent(JSON.stringify({ step: 3, split: true }))],
    ['seed-view-narrow', 'case=seed&theme=dark&kind=view&state=' + encodeURIComponent(JSON.stringify({ step: 3 }))],
    ['pytorch-gru-view-narrow-onnx', 'case=pytorch_gru&theme=light&kind=view&convention=onnx&state=' + encodeURIComponent(JSON.stringify({ step: 3 }))],
    ['pytorch-gru-medium-onnx-dark', 'case=pytorch_gru&theme=dark&convention=onnx&state=' + encodeURIComponent(JSON.stringify({ step: 3 }))],
  ];
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  for (const [name, query] of shots) {
    if (only && !name.includes(only)) continue;
    const p = await browser.newPage({ viewport: { width: name.includes('narrow') ? 300 : name.includes('medium') ? 640 : 1200, height: 900 } });
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await p.goto(`${page}?${query}`);
    await p.waitForSelector('#gl-step-label:not(:empty)', { timeout: 30000 });
    // The what-if naming belongs to the layer shown, so it is chosen on the page rather than restored.
    const conv = new URLSearchParams(query).get('convention');
    if (conv) await p.selectOption('#gl-convention', conv);
    await p.waitForTimeout(300);
    await p.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
    console.log(`${name}.png${errors.length ? '  ERRORS: ' + errors.join(' | ') : ''}`);
    await p.close();
  }
  await browser.close();
}

// --check: drive the page like a user (buttons, keys, convention, split, copy, run, hover) and time step updates.
if (process.argv.includes('--check')) {
  const exe = process.argv.includes('--executable') ? process.argv[process.argv.indexOf('--executable') + 1] : '/usr/bin/chromium';
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
  const fail = (msg) => { console.error('CHECK FAILED: ' + msg); process.exitCode = 1; };
  const expect = (cond, msg) => { if (!cond) fail(msg); else console.log('ok  ' + msg); };
  for (const [caseId, units, steps] of [['seed', 3, 10], ['big', 512, 1000]]) {
    const p = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await p.goto(`${page}?case=${caseId}&theme=dark&timing=1&units=${units}&steps=${steps}`);
    const label = p.locator('#gl-step-label');
    await p.waitForSelector('#gl-step-label:not(:empty)', { timeout: 60000 });
    expect((await label.textContent()) === `Step 1 / ${steps}`, `${caseId}: opens at Step 1 / ${steps}`);
    await p.evaluate(() => { window.__frameMs.length = 0; });
    for (let k = 2; k <= Math.min(41, steps); k++) {
      await p.click('#gl-next');
      await p.waitForFunction((want) => document.getElementById('gl-step-label').textContent === want, `Step ${k} / ${steps}`);
    }
    const frames = await p.evaluate(() => window.__frameMs.slice().sort((a, b) => a - b));
    const q = (f) => frames[Math.min(frames.length - 1, Math.floor(frames.length * f))].toFixed(2);
    console.log(`${caseId} (${units} units × ${steps} steps): step update frame median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms over ${frames.length} frames`);
    // Stepping must not move the page: the charts stay where they are while the numbers change.
    const tops = [];
    for (let k = 0; k < 12; k++) {
      await p.evaluate(() => document.getElementById('gl-next').click());
      await p.waitForTimeout(90);
      tops.push(await p.evaluate(() => document.getElementById('gl-heat-gates').getBoundingClientRect().top + window.scrollY));
    }
    expect(new Set(tops).size === 1, `${caseId}: layout is stable while stepping (chart top ${[...new Set(tops)].join(', ')})`);
    // Time how long the page takes to take in a whole trace (decode, rebuild, paint the canvases) in one task.
    const loadMs = await p.evaluate(() => new Promise((resolve) => {
      window.addEventListener('message', () => resolve(performance.now() - window.__messageStart), { once: true });
      const m = window.__lastTrace;
      window.postMessage({ ...m, trace: { ...m.trace, runId: m.trace.runId + 1000 } }, '*');
    }));
    console.log(`${caseId}: taking in a new trace took ${loadMs.toFixed(1)} ms`);
    // Off-screen sections are updated just after the frame: after a short wait they must match the step.
    await p.waitForTimeout(250);
    await p.click('#gl-copy');
    const stepCopy = await p.evaluate(() => window.__previewSent.filter((m) => m.type === 'copy').pop().text);
    const hExact = Number(/^h = np\.array\(\[\s*([^,\]]+)/m.exec(stepCopy)[1]);
    const hCell = (await p.textContent('#gl-state-h td[data-col="h"]')).replace('−', '-');
    expect(Math.abs(Number(hCell) - hExact) <= 5e-5, `${caseId}: the off-screen h table shows this step's h[0] (${hCell} vs ${hExact})`);
    // The gate bars are a canvas; their values stay text for screen readers (a visually hidden list written just
    // after the frame): the o gate's list must read what the h table's o column shows for the same step.
    const barsMatchTable = async (when) => {
      const barText = await p.$$eval('#gl-gates .gl-gate[data-gate="o"] li', (els) => els.map((e) => e.textContent.split(': ')[1]));
      const oColumn = await p.$$eval('#gl-state-h td[data-col="o"]', (els) => els.map((e) => e.textContent));
      expect(barText.length > 0 && JSON.stringify(barText) === JSON.stringify(oColumn), `${caseId}: ${when}, the o bars' text list reads this step's o (${barText.slice(0, 2).join(', ')} / table ${oColumn.slice(0, 2).join(', ')})`);
    };
    await barsMatchTable('after a step');
    const inked = await p.$eval('#gl-gates .gl-gate[data-gate="o"] canvas', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 3; k < d.length; k += 4) if (d[k]) n++;
      return n;
    });
    expect(inked > 100, `${caseId}: the o bars' canvas is drawn (${inked} pixels with ink)`);
    const labelIs = async (want) => p.waitForFunction((w) => document.getElementById('gl-step-label').textContent === w, want, { timeout: 2000 }).then(() => true, () => false);
    // Focus stays on the ← → button after the clicks above: arrows must still step from there.
    await p.keyboard.press('End');
    expect(await labelIs(`Step ${steps} / ${steps}`), `${caseId}: End goes to the last step`);
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowRight');
    expect(await labelIs(`Step 2 / ${steps}`), `${caseId}: Home then → gives Step 2`);
    await p.locator('#gl-heat-h').focus();
    await p.keyboard.press('ArrowDown');
    expect(/^h, unit 1, step 2 \(x\[1\]\): /.test(await p.textContent('#gl-live')), `${caseId}: ↓ on the focused h heatmap reads unit 1: ${await p.textContent('#gl-live')}`);
    await p.keyboard.press('ArrowRight');
    expect(await labelIs(`Step 3 / ${steps}`), `${caseId}: → on a focused heatmap steps`);
    await p.locator('#gl-step-label').click();
    await p.keyboard.press(' ');
    expect((await p.getAttribute('#gl-play', 'aria-pressed')) === 'true', `${caseId}: Space starts playing`);
    await p.waitForTimeout(400);
    await p.keyboard.press(' ');
    expect((await p.getAttribute('#gl-play', 'aria-pressed')) === 'false', `${caseId}: Space pauses`);
    const played = Number(/Step (\d+)/.exec(await p.textContent('#gl-step-label'))[1]);
    expect(played > 3 && played < 10, `${caseId}: 400 ms of play at 8 steps/s moved from step 3 to ${played}`);
    // Sections out of view and the bars' text are not caught up while playing: a pause brings them to the step shown.
    await p.waitForTimeout(250);
    await barsMatchTable('after a pause');
    await p.selectOption('#gl-convention', 'onnx');
    const letters = await p.$$eval('#gl-z .gl-block .gl-gate-label', (els) => els.map((e) => e.textContent.split('·')[0].trim()));
    expect(JSON.stringify(letters) === JSON.stringify(['i', 'o', 'f', 'c']) && await p.isVisible('#gl-whatif'), `${caseId}: ONNX what-if relabels Keras columns i, o, f, c`);
    await p.selectOption('#gl-convention', 'keras');
    await p.check('#gl-split');
    const rows = await p.$$eval('#gl-z .gl-block:first-child tbody tr', (els) => els.map((e) => e.className));
    expect(rows.length === 4, `${caseId}: split shows x·W, h·U, b, z rows (${rows.length})`);
    await p.click('#gl-copy');
    const copy = await p.evaluate(() => window.__previewSent.filter((m) => m.type === 'copy').pop());
    expect(copy && copy.text.startsWith('# Gate Lens:') && copy.text.includes('z = np.array(['), `${caseId}: copy posts NumPy text`);
    await p.locator('#gl-heat-gates').scrollIntoViewIfNeeded();
    const box = await p.locator('#gl-heat-gates').boundingBox();
    await p.mouse.move(box.x + box.width * 0.5, box.y + 3);
    expect(await p.isVisible('#gl-tooltip') && /step \d+ \(x\[\d+\]\): /.test(await p.textContent('#gl-live')), `${caseId}: heatmap hover shows tooltip and live text: ${await p.textContent('#gl-live')}`);
    // The form shows the input of the trace on screen (the preview's seeded random run); the file's array is offered first.
    expect((await p.inputValue('#gl-run-source')) === 'random' && (await p.inputValue('#gl-run-steps')) === String(steps), `${caseId}: the run form shows the trace's own input (random, ${steps} steps)`);
    expect((await p.$$eval('#gl-run-source option', (os) => os.map((o) => o.value)))[0] === 'array' && (await p.textContent('#gl-run-array')).includes('x_seq (1×'), `${caseId}: the document's input array is offered first`);
    await p.selectOption('#gl-run-source', 'array');
    await p.click('#gl-run-reveal');
    const reveal = await p.evaluate(() => window.__previewSent.filter((m) => m.type === 'revealArray').pop());
    expect(reveal && reveal.arrayIndex === 3, `${caseId}: Show in file posts revealArray 3`);
    // The canvas has a 1px border: aim at the middle of column 2 of its content box.
    await p.locator('#gl-heat-gates').scrollIntoViewIfNeeded();
    const box2 = await p.locator('#gl-heat-gates').boundingBox();
    await p.mouse.click(box2.x + 1 + (box2.width - 2) * (2.5 / steps), box2.y + 3);
    expect(await labelIs(`Step 3 / ${steps}`), `${caseId}: a click on a heatmap column goes to that step (${await p.textContent('#gl-step-label')})`);
    await p.selectOption('#gl-run-source', 'zeros');
    await p.fill('#gl-run-steps', '5');
    await p.click('#gl-run');
    await p.waitForFunction(() => document.getElementById('gl-step-label').textContent.endsWith('/ 5'));
    expect(true, `${caseId}: Run with zeros × 5 posts run and shows the new 5-step trace`);
    const legendMid = () => p.evaluate(() => {
      // Read through a scratch canvas: the legend shows an ImageBitmap ('bitmaprenderer'), which has no pixels to read.
      const cv = document.querySelector('.gl-legend-canvas');
      const scratch = document.createElement('canvas');
      scratch.width = cv.width;
      scratch.height = cv.height;
      const ctx = scratch.getContext('2d');
      ctx.drawImage(cv, 0, 0);
      return Array.from(ctx.getImageData(64, 0, 1, 1).data.slice(0, 3));
    });
    const darkMid = await legendMid();
    await p.evaluate(() => { document.body.classList.remove('preview-dark', 'vscode-dark'); document.body.classList.add('preview-light', 'vscode-light'); });
    await p.waitForTimeout(100);
    const lightMid = await legendMid();
    expect(lightMid.reduce((a, v, k) => a + Math.abs(v - darkMid[k]), 0) > 100, `${caseId}: a theme switch repaints the heatmaps (legend middle ${darkMid} -> ${lightMid})`);
    await p.evaluate(() => window.postMessage({ type: 'progress', runId: 99, message: 'Running lstm…', fraction: 0.3 }, '*'));
    await p.waitForSelector('#gl-cancel', { state: 'visible', timeout: 2000 }).catch(() => undefined);
    expect(await p.isVisible('#gl-progress-bar') && (await p.textContent('#gl-progress')).includes('Running lstm…'), `${caseId}: progress shows bar and message`);
    await p.click('#gl-cancel');
    const cancel = await p.evaluate(() => window.__previewSent.filter((m) => m.rpc === 'request' && m.method === 'cancelRun').pop());
    expect(cancel && cancel.params.runId === 99 && !(await p.isVisible('#gl-cancel')), `${caseId}: Cancel posts cancel for run 99`);
    await p.evaluate(() => window.postMessage({ type: 'error', runId: 100, message: 'Layer lstm is no longer in weights.py.' }, '*'));
    await p.waitForSelector('#gl-error', { state: 'visible', timeout: 2000 }).catch(() => undefined);
    expect((await p.textContent('#gl-error')).includes('no longer in weights.py') && (await p.getAttribute('#gl-error', 'role')) === 'alert', `${caseId}: host error shown in the alert region`);
    await p.evaluate(() => {
      const t = window.__lastTrace.trace, none = new ArrayBuffer(0);
      window.postMessage({ type: 'trace', trace: { ...t, runId: 5000, steps: 0, x: none, zx: none, zh: none, z: none, a: none, c: t.c ? none : undefined, h: none, timeIndex: none } }, '*');
    });
    await p.waitForFunction(() => document.getElementById('gl-error').textContent.includes('no steps'), null, { timeout: 2000 }).catch(() => undefined);
    expect((await p.textContent('#gl-error')).includes('no steps') && (await p.textContent('#gl-step-label')).startsWith('Step '), `${caseId}: an empty trace is reported and the last trace stays`);
    expect(errors.length === 0, `${caseId}: no page errors ${errors.join(' | ')}`);
    await p.close();
  }
  await browser.close();
}
