// Issue 8 #15: Copy NumPy Forward Pass offers the input of the last run, not only the file's x.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { RunSummary } from '../../../src/extension/commands/run';
import { assertClose, gateLensApi, openExample } from '../helpers';

const SEED = 'seed_keras_lstm.py';
const LAYER = 'layer-0-lstm_1';

function finalH(code: string): number[] {
  const run = spawnSync('python3', ['-c', `${code}\nimport json\nprint("@@" + json.dumps(final_states[0][0].tolist()))`], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.split('\n').find((l) => l.startsWith('@@'))?.slice(2) ?? 'null') as number[];
}

describe('Gate Lens Copy NumPy Forward Pass after a run', () => {
  let uri: string;

  before(async () => {
    await gateLensApi();
    uri = (await openExample(SEED)).document.uri.toString();
  });

  it('runs the last run’s input and initial state, reproducing that run’s final h', async () => {
    const api = await gateLensApi();
    const initialState = { kind: 'values', h: [0.1, -0.2, 0.3], c: [0.5, 0.25, -0.125] };
    const run = await vscode.commands.executeCommand<RunSummary>('gateLens.run', { uri, layerId: LAYER, input: { kind: 'random', steps: 6, seed: 11 }, initialState });
    assert.equal(run.steps, 6);
    const result = await vscode.commands.executeCommand<{ code: string; input: string }>('gateLens.copyNumpy', { uri, layerId: LAYER, input: 'lastRun' });
    assert.equal(result.input, 'lastRun');
    const shown = api.views.panel?.session.lastRun;
    assert.ok(shown, 'the panel keeps the run');
    assertClose(finalH(result.code), Array.from(shown.result.finalStates[0].h), 1e-9, 'NumPy h of the last run');
    // The file's own input (one step, x = 0.83467698) gives another h: the choice really changes the script.
    const file = await vscode.commands.executeCommand<{ code: string; input: string }>('gateLens.copyNumpy', { uri, layerId: LAYER, input: 'file' });
    assert.equal(file.input, 'file');
    assert.notDeepEqual(finalH(file.code), finalH(result.code));
  });

  it('the view’s “Copy NumPy forward pass of this run” copies the run shown', async () => {
    const api = await gateLensApi();
    await vscode.commands.executeCommand('gateLens.run', { uri, layerId: LAYER, input: { kind: 'zeros', steps: 3 }, initialState: { kind: 'zeros' } });
    const session = api.views.panel?.session;
    assert.ok(session);
    await vscode.env.clipboard.writeText('');
    // What the webview's button posts.
    await (session as unknown as { receive(m: unknown): Promise<void> }).receive({ type: 'copyForwardPass' });
    const copied = await vscode.env.clipboard.readText();
    assertClose(finalH(copied), Array.from(session.lastRun?.result.finalStates[0].h ?? []), 1e-9, 'NumPy h of the zeros run');
  });
});
