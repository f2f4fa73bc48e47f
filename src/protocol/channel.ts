// The one request/response helper every Gate Lens channel uses: host ↔ parse/run worker and host ↔ webview.
// A request carries an id; the other side answers it once with a result or a structured error {code, message}, may
// report progress before that, and can be asked to stop (cancel). Callers act on `code`, never on message text,
// which is for people. Pure: no vscode, no Node — the worker, the webview and the host all import it.

import { errorPhrase, type MessageArg } from '../core/messages';

/**
 * What went wrong, in a form that survives postMessage: `code` is for programs, `message` for people (English), and
 * `template`/`args` when the core gave them, so the host can show the message translated (core/messages.ts).
 */
export interface ChannelErrorBody {
  readonly code: string;
  readonly message: string;
  readonly template?: string;
  readonly args?: readonly MessageArg[];
}

/** Codes the channel itself produces; handlers add their own (the core's GateLensError codes pass through). */
export const CHANNEL_ERRORS = {
  /** The caller cancelled the request. */
  cancelled: 'cancelled',
  /** The other side has no handler for the method (an older or newer build). */
  unknownMethod: 'unknown-method',
  /** The handler failed without naming why: a bug, or memory. */
  internal: 'internal',
  /** The channel went away (worker stopped, webview closed) before the answer. */
  closed: 'channel-closed',
} as const;

/** A failed request, as the caller sees it. */
export class ChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly template?: string,
    readonly args?: readonly MessageArg[],
  ) {
    super(message);
    this.name = 'ChannelError';
  }

  get body(): ChannelErrorBody {
    return { code: this.code, message: this.message, ...(this.template !== undefined ? { template: this.template, args: this.args ?? [] } : {}) };
  }
}

/** The structured error for anything thrown: its string `code` when it has one (GateLensError, ChannelError), else 'internal'. */
export function toErrorBody(error: unknown): ChannelErrorBody {
  const named = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const code = typeof named === 'string' && named.length > 0 ? named : CHANNEL_ERRORS.internal;
  const phrase = errorPhrase(error);
  const translatable = typeof phrase === 'string' ? {} : { template: phrase.template, args: phrase.args ?? [] };
  return { code, message: error instanceof Error ? error.message : String(error), ...translatable };
}

/**
 * `type` is never set on an envelope: on a port that also carries `{type: ...}` messages (the webview's), the two
 * kinds cannot be mistaken for each other, and one union of both still narrows on `type`.
 */
export type Envelope = { readonly type?: undefined } & (
  | { readonly rpc: 'request'; readonly id: number; readonly method: string; readonly params: unknown }
  | { readonly rpc: 'result'; readonly id: number; readonly result: unknown }
  | { readonly rpc: 'error'; readonly id: number; readonly error: ChannelErrorBody }
  | { readonly rpc: 'progress'; readonly id: number; readonly progress: unknown }
  | { readonly rpc: 'cancel'; readonly id: number }
);

const RPC_KINDS: ReadonlySet<unknown> = new Set(['request', 'result', 'error', 'progress', 'cancel']);

/** Whether a received value is a channel envelope (other messages on the same port are left to their own handler). */
export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const { rpc, id, type } = value as { rpc?: unknown; id?: unknown; type?: unknown };
  if (type !== undefined || !RPC_KINDS.has(rpc) || typeof id !== 'number' || !Number.isSafeInteger(id)) return false;
  if (rpc === 'request') return typeof (value as { method?: unknown }).method === 'string';
  if (rpc === 'error') {
    const error = (value as { error?: unknown }).error;
    return typeof error === 'object' && error !== null && typeof (error as ChannelErrorBody).code === 'string' && typeof (error as ChannelErrorBody).message === 'string';
  }
  return true;
}

/** One method of a channel: what it takes, what it answers, what progress it reports. */
export interface MethodSpec {
  readonly params: unknown;
  readonly result: unknown;
  readonly progress?: unknown;
}

/** A channel's methods by name (an interface of MethodSpecs; no index signature needed). */
export type MethodMap<M> = { readonly [K in keyof M]: MethodSpec };

/** Sends one envelope; `transfer` lists buffers to move rather than copy (ignored where the port cannot move them). */
export type Send = (message: Envelope, transfer?: ArrayBuffer[]) => void;

/** The shape of vscode.CancellationToken, so the core-free side can take one. */
export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => unknown): { dispose(): unknown };
}

export interface RequestOptions<P> {
  readonly transfer?: ArrayBuffer[];
  readonly token?: CancellationLike;
  readonly onProgress?: (progress: P) => void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: ChannelError) => void;
  readonly onProgress?: (progress: unknown) => void;
}

/** The asking side of a channel. Feed it every message that arrives (`receive`); it settles its own requests. */
export class RequestClient<M extends MethodMap<M>> {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly send: Send) {}

  /** Requests waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  request<K extends keyof M & string>(method: K, params: M[K]['params'], options: RequestOptions<M[K]['progress']> = {}): Promise<M[K]['result']> {
    const { token } = options;
    if (token?.isCancellationRequested) return Promise.reject(new ChannelError(CHANNEL_ERRORS.cancelled, 'Cancelled'));
    const id = this.nextId++;
    return new Promise<M[K]['result']>((resolve, reject) => {
      const subscription = token?.onCancellationRequested(() => this.cancel(id));
      const done =
        <T>(settle: (v: T) => void) =>
        (v: T): void => {
          subscription?.dispose();
          settle(v);
        };
      this.pending.set(id, { resolve: done(resolve as (v: unknown) => void), reject: done(reject), onProgress: options.onProgress as ((p: unknown) => void) | undefined });
      try {
        this.send({ rpc: 'request', id, method, params }, options.transfer);
      } catch (error) {
        this.pending.delete(id);
        const body = toErrorBody(error);
        done(reject)(new ChannelError(body.code === CHANNEL_ERRORS.internal ? CHANNEL_ERRORS.closed : body.code, body.message));
      }
    });
  }

  /** Settles `id` as cancelled at once and tells the other side to stop working on it. */
  cancel(id: number): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    try {
      this.send({ rpc: 'cancel', id });
    } catch {
      // The channel is gone: nothing is working on the request any more.
    }
    entry.reject(new ChannelError(CHANNEL_ERRORS.cancelled, 'Cancelled'));
  }

  /** Handles an answer to one of this client's requests; false for anything else (so the caller can route it on). */
  receive(message: unknown): boolean {
    if (!isEnvelope(message) || message.rpc === 'request' || message.rpc === 'cancel') return false;
    const entry = this.pending.get(message.id);
    // An answer to a request already settled (cancelled): consumed, nothing to do.
    if (!entry) return true;
    if (message.rpc === 'progress') {
      entry.onProgress?.(message.progress);
      return true;
    }
    this.pending.delete(message.id);
    if (message.rpc === 'result') entry.resolve(message.result);
    else entry.reject(new ChannelError(message.error.code, message.error.message, message.error.template, message.error.args));
    return true;
  }

  /** Fails every open request (the other side went away). */
  failAll(code: string, message: string): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(new ChannelError(code, message));
  }
}

/** What a handler gets besides its params. */
export interface RequestContext<P> {
  readonly id: number;
  /** True once the caller cancelled; long handlers check it between chunks of work. */
  readonly cancelled: boolean;
  progress(value: P): void;
  /** Buffers of the result to move rather than copy (the handler must not use them afterwards). */
  transfer(buffers: ArrayBuffer[]): void;
}

export type Handlers<M extends MethodMap<M>> = {
  readonly [K in keyof M]: (params: M[K]['params'], context: RequestContext<M[K]['progress']>) => M[K]['result'] | Promise<M[K]['result']>;
};

/**
 * The answering side: returns the function to feed every arriving message; it answers requests with the handlers'
 * results or their errors as {code, message}, and marks cancelled requests so the handlers can stop early. An
 * answer to a cancelled request is not sent (the caller has settled it already).
 */
export function serveRequests<M extends MethodMap<M>>(send: Send, handlers: Handlers<M>): (message: unknown) => boolean {
  const running = new Map<number, { cancelled: boolean }>();
  const answer = (message: Envelope, transfer?: ArrayBuffer[]): void => {
    try {
      send(message, transfer);
    } catch {
      // A buffer that cannot be moved (a view of WebAssembly memory, say): send a copy instead.
      send(message);
    }
  };
  return (message: unknown): boolean => {
    if (!isEnvelope(message)) return false;
    if (message.rpc === 'cancel') {
      const job = running.get(message.id);
      if (job) job.cancelled = true;
      return true;
    }
    if (message.rpc !== 'request') return false;
    const { id, method, params } = message;
    const handler = Object.prototype.hasOwnProperty.call(handlers, method) ? (handlers as Record<string, Handlers<M>[keyof M]>)[method] : undefined;
    if (!handler) {
      answer({ rpc: 'error', id, error: { code: CHANNEL_ERRORS.unknownMethod, message: `No handler for "${method}".` } });
      return true;
    }
    const job = { cancelled: false };
    running.set(id, job);
    let transfer: ArrayBuffer[] | undefined;
    const context: RequestContext<unknown> = {
      id,
      get cancelled() {
        return job.cancelled;
      },
      progress: (value) => {
        if (!job.cancelled) answer({ rpc: 'progress', id, progress: value });
      },
      transfer: (buffers) => {
        transfer = buffers;
      },
    };
    const finish = (envelope: Envelope, list?: ArrayBuffer[]): void => {
      running.delete(id);
      if (!job.cancelled) answer(envelope, list);
    };
    try {
      const result = (handler as (p: unknown, c: RequestContext<unknown>) => unknown)(params, context);
      if (result instanceof Promise) {
        result.then(
          (value: unknown) => finish({ rpc: 'result', id, result: value }, transfer),
          (error: unknown) => finish({ rpc: 'error', id, error: toErrorBody(error) }),
        );
      } else {
        finish({ rpc: 'result', id, result }, transfer);
      }
    } catch (error) {
      finish({ rpc: 'error', id, error: toErrorBody(error) });
    }
    return true;
  };
}
