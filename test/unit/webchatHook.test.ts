import { describe, expect, it } from 'vitest';
import { freshWindow, hookOn, scriptRan } from '../helpers/hookHarness';

type Mw = (api: unknown) => (next: (a: unknown) => unknown) => (a: unknown) => unknown;

/** A minimal Redux-like createStore with Web Chat's signature: createStore(initialState, ...middlewares). */
function fakeCreateStore(_initial: unknown, ...middlewares: Mw[]) {
  const reduced: unknown[] = [];
  const api = { getState: () => reduced };
  const base = (action: unknown) => (reduced.push(action), action);
  const dispatch = middlewares.reduceRight<(a: unknown) => unknown>((next, mw) => mw(api)(next), base);
  return { dispatch, reduced };
}

type Observer = { next(v: unknown): void; error(e: unknown): void; complete(): void };

/** A cold observable class like rxjs's: `new Cold(subscribe)`, and every subscribe runs the producer again. */
class Cold {
  static runs = 0;
  constructor(private readonly producer: (o: Observer) => unknown) {}
  subscribe(nextOrObserver?: unknown, error?: unknown) {
    const o: Observer =
      typeof nextOrObserver === 'function'
        ? {
            next: nextOrObserver as (v: unknown) => void,
            error: (error as (e: unknown) => void) ?? (() => undefined),
            complete: () => undefined,
          }
        : (nextOrObserver as Observer);
    this.producer(o);
    return { unsubscribe() {} };
  }
}
const cold = (producer: (o: Observer) => void) =>
  new Cold((o) => {
    Cold.runs += 1;
    producer(o);
  });

const oauthCard = {
  type: 'message',
  id: 'c|3',
  from: { id: 'bot', role: 'bot' },
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.oauth',
      content: { connectionName: 'Sso', tokenExchangeResource: { id: 't1', uri: 'api://x' } },
    },
  ],
};

describe('Web Chat hooks', () => {
  it('catches window.WebChat assigned twice and observes every action before and after the page middleware', async () => {
    const win = (await freshWindow()) as any;
    const hook = hookOn(win);
    win.WebChat = { createStore: fakeCreateStore };
    scriptRan(win);
    win.WebChat = { ...win.WebChat, buildInfo: { version: '4.18.1' }, renderWebChat() {} };
    scriptRan(win);
    const swallowOAuth: Mw = () => (next) => (action: any) =>
      action.type === 'DIRECT_LINE/INCOMING_ACTIVITY' && action.payload.activity.attachments ? undefined : next(action);
    const store = win.WebChat.createStore({}, swallowOAuth);
    store.dispatch({ type: 'DIRECT_LINE/INCOMING_ACTIVITY', payload: { activity: oauthCard } });
    store.dispatch({
      type: 'DIRECT_LINE/INCOMING_ACTIVITY',
      payload: { activity: { type: 'message', id: 'c|4', text: 'hi' } },
    });
    store.dispatch({ type: 'WEB_CHAT/SET_SEND_BOX', payload: { text: 'secret typing' } });
    // The page's middleware still works, and the reducer got what it passed on.
    expect(store.reduced.map((a: any) => a.payload.activity?.id ?? a.type)).toEqual(['c|4', 'WEB_CHAT/SET_SEND_BOX']);
    const actions = hook.ofKind('webchat.action');
    expect(actions.map((a) => `${a.stage} ${a.activity?.id}`)).toEqual([
      'dispatched c|3',
      'dispatched c|4',
      'passed c|4',
    ]);
    expect(hook.ofKind('webchat.detected').map((d) => d.version)).toEqual([undefined, '4.18.1']);
  });

  it('wraps createStoreWithOptions(options, initialState, ...middlewares)', async () => {
    const win = (await freshWindow()) as any;
    const hook = hookOn(win);
    let seenOptions: unknown;
    win.WebChat = {
      createStoreWithOptions(options: unknown, initial: unknown, ...mws: Mw[]) {
        seenOptions = options;
        return fakeCreateStore(initial, ...mws);
      },
    };
    scriptRan(win);
    const store = win.WebChat.createStoreWithOptions({ devTools: false });
    store.dispatch({ type: 'DIRECT_LINE/CONNECT_FULFILLED', meta: { userID: 'u1' }, payload: {} });
    expect(seenOptions).toEqual({ devTools: false });
    expect(hook.ofKind('webchat.action').map((a) => a.actionType)).toEqual(['DIRECT_LINE/CONNECT_FULFILLED']);
  });

  it("records postActivity results without subscribing itself: an id, 'retry', an error", async () => {
    const win = (await freshWindow()) as any;
    const hook = hookOn(win);
    const results = ['c|5', 'retry'];
    const directLine = {
      postActivity(activity: unknown) {
        void activity;
        const r = results.shift();
        return cold((o) => (r ? o.next(r) : o.error(Object.assign(new Error('ajax error 412'), { status: 412 }))));
      },
    };
    win.WebChat = { createDirectLine: () => directLine };
    scriptRan(win);
    const dl = win.WebChat.createDirectLine({ token: 't' });
    expect(dl).toBe(directLine);
    const got: unknown[] = [];
    const invoke = {
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: 't1', connectionName: 'Sso', token: 'a.b.c' },
    };
    Cold.runs = 0;
    const o1 = dl.postActivity(invoke);
    expect(o1).toBeInstanceOf(Cold);
    o1.subscribe(
      (id: unknown) => got.push(id),
      (e: unknown) => got.push(e),
    );
    dl.postActivity(invoke).subscribe({
      next: (v: unknown) => got.push(v),
      error: (e: unknown) => got.push(e),
      complete() {},
    });
    dl.postActivity(invoke).subscribe(
      (v: unknown) => got.push(v),
      (e: Error) => got.push(e.message),
    );
    expect(got).toEqual(['c|5', 'retry', 'ajax error 412']);
    expect(Cold.runs).toBe(3); // one run per page subscription: the hook never subscribed on its own
    expect(hook.ofKind('directline.post').map((p) => [p.outcome, p.id ?? p.status])).toEqual([
      ['id', 'c|5'],
      ['retry', undefined],
      ['error', 412],
    ]);
    expect(hook.ofKind('directline.post')[0]!.activity.tokenExchange).toEqual({
      id: 't1',
      connectionName: 'Sso',
      token: 'a.b.c',
      tokenType: 'string',
    });
  });
});
