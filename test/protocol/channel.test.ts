// The typed request/response channel every Gate Lens channel shares: answers, structured errors {code, message}
// (the code survives, so callers never match on message text), progress, cancellation and transfer lists.
import * as assert from 'node:assert/strict';
import { GateLensError } from '../../src/core/model';
import { INPUT_TEMPLATES } from '../../src/core/forward-messages';
import { localized } from '../../src/core/messages';
import { CHANNEL_ERRORS, ChannelError, RequestClient, serveRequests, toErrorBody, type Envelope, type RequestContext } from '../../src/protocol/channel';

interface TestMethods {
  readonly double: { readonly params: number; readonly result: number };
  readonly fail: { readonly params: string; readonly result: never };
  readonly slow: { readonly params: number; readonly result: string; readonly progress: number };
  readonly buffer: { readonly params: number; readonly result: Float64Array };
}

/** A client and a server joined by an in-memory port that delivers asynchronously, as postMessage does. */
function pair(): { client: RequestClient<TestMethods>; sent: Envelope[]; transfers: (ArrayBuffer[] | undefined)[]; slow: { context?: RequestContext<number>; release?: () => void } } {
  const sent: Envelope[] = [];
  const transfers: (ArrayBuffer[] | undefined)[] = [];
  const slow: { context?: RequestContext<number>; release?: () => void } = {};
  const toClient = (m: Envelope, transfer?: ArrayBuffer[]) => {
    sent.push(m);
    transfers.push(transfer);
    setTimeout(() => client.receive(structuredClone(m)), 0);
  };
  const serve = serveRequests<TestMethods>(toClient, {
    double: (n) => 2 * n,
    fail: (code) => {
      throw new GateLensError(code, `failed with ${code}`);
    },
    slow: (steps, context) =>
      new Promise((resolve) => {
        slow.context = context;
        context.progress(0.5);
        slow.release = () => resolve(context.cancelled ? 'saw the cancel' : `done ${steps}`);
      }),
    buffer: (n, context) => {
      const out = new Float64Array(n).fill(7);
      context.transfer([out.buffer]);
      return out;
    },
  });
  const client: RequestClient<TestMethods> = new RequestClient<TestMethods>((m) => setTimeout(() => serve(structuredClone(m)), 0));
  return { client, sent, transfers, slow };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('typed request channel (src/protocol/channel)', () => {
  it('answers a request with its result', async () => {
    const { client } = pair();
    assert.equal(await client.request('double', 21), 42);
    assert.equal(client.inFlight, 0);
  });

  it('carries a handler error as {code, message}: the core code survives, anything else is "internal"', async () => {
    const { client } = pair();
    await assert.rejects(client.request('fail', 'unknown-activation'), (e: unknown) => e instanceof ChannelError && e.code === 'unknown-activation' && e.message === 'failed with unknown-activation');
    assert.deepEqual(toErrorBody(new RangeError('Invalid array length')), { code: CHANNEL_ERRORS.internal, message: 'Invalid array length' });
    assert.deepEqual(toErrorBody('thrown string'), { code: CHANNEL_ERRORS.internal, message: 'thrown string' });
  });

  it('carries the template of a core refusal with its message, so the host can translate it (issue 8 item 18)', () => {
    const refusal = new GateLensError('bad-input', localized(INPUT_TEMPLATES.initialHCount, 3, 2));
    const body = toErrorBody(refusal);
    assert.deepEqual(body, { code: 'bad-input', message: 'Initial h needs 3 values, got 2.', template: INPUT_TEMPLATES.initialHCount, args: ['3', '2'] });
    const received = new ChannelError(body.code, body.message, body.template, body.args);
    assert.deepEqual(received.body, body);
  });

  it('refuses a method the other side does not have with "unknown-method"', async () => {
    const { client } = pair();
    const untyped = client as unknown as RequestClient<{ nothing: { params: null; result: null } }>;
    await assert.rejects(untyped.request('nothing', null), (e: unknown) => e instanceof ChannelError && e.code === CHANNEL_ERRORS.unknownMethod);
  });

  it('delivers progress before the answer', async () => {
    const { client, slow } = pair();
    const progress: number[] = [];
    const answer = client.request('slow', 3, { onProgress: (p) => progress.push(p) });
    while (!slow.release) await tick();
    await tick();
    slow.release();
    assert.equal(await answer, 'done 3');
    assert.deepEqual(progress, [0.5]);
  });

  it('cancels: the caller settles at once with "cancelled", the handler sees it, and its late answer is not sent', async () => {
    const { client, sent, slow } = pair();
    let cancel: (() => void) | undefined;
    const token = {
      isCancellationRequested: false,
      onCancellationRequested(listener: () => void) {
        cancel = listener;
        return { dispose: () => (cancel = undefined) };
      },
    };
    const answer = client.request('slow', 1, { token });
    while (!slow.context) await tick();
    assert.ok(cancel);
    cancel();
    await assert.rejects(answer, (e: unknown) => e instanceof ChannelError && e.code === CHANNEL_ERRORS.cancelled);
    await tick();
    assert.equal(slow.context.cancelled, true, 'the handler was told');
    slow.release?.();
    await tick();
    assert.ok(!sent.some((m) => m.rpc === 'result'), 'no answer after the cancel');
    assert.equal(client.inFlight, 0);
  });

  it('passes the handler\'s transfer list with the answer', async () => {
    const { client, transfers } = pair();
    const values = await client.request('buffer', 4);
    assert.deepEqual(Array.from(values), [7, 7, 7, 7]);
    assert.equal(transfers.at(-1)?.length, 1);
  });

  it('fails every open request when the channel goes away, and ignores what is not its envelope', async () => {
    const { client } = pair();
    const answer = client.request('slow', 1);
    assert.equal(client.receive({ type: 'trace' }), false);
    assert.equal(client.receive({ rpc: 'error', id: 1, error: { code: 5 } }), false, 'an error without a string code is no envelope');
    client.failAll(CHANNEL_ERRORS.closed, 'gone');
    await assert.rejects(answer, (e: unknown) => e instanceof ChannelError && e.code === CHANNEL_ERRORS.closed);
  });
});
