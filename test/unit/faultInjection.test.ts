/**
 * Injected faults on the page side (src/page/faults.ts and the wrap points that apply them), on happy-dom
 * windows with the real hook: each fault applied, each off, the lease, forged or invalid sets ignored.
 */
import { describe, expect, it, vi } from 'vitest';
import { freshWindow, hookOn, lcwSdkStandIn, scriptRan } from '../helpers/hookHarness';
import { listenForFaults } from '../../src/page/faults';
import { captureNatives } from '../../src/page/natives';
import { INJECTED_THROW_MESSAGE } from '../../src/page/providers';
import { FAULTS_EVENT_NAME } from '../../src/shared/constants';
import { readHookEvent } from '../../src/shared/hookEventCheck';
import type { HookEvent } from '../../src/shared/events';
import { FAULT_LEASE_MS, INJECTED_TOKEN_MARK } from '../../src/shared/faults';

type Win = Window & typeof globalThis & { Microsoft?: any; WebChat?: any; Observable?: any };
type Mw = (api: unknown) => (next: (a: unknown) => unknown) => (a: unknown) => unknown;

const botTokenUrl = 'https://token.botframework.com/api/sas/postToken?state=signin-42';
const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const realToken = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'user-7', aud: 'site', exp: 4_000_000_000 })}.sig`;
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Every event the hook emitted passes the background's check (so none is refused as malformed). */
const allValid = (events: HookEvent[]) =>
  expect(events.filter((e) => readHookEvent(JSON.parse(JSON.stringify(e))) === null)).toEqual([]);

/** A window with the hook, an LCW SDK stand-in (what the widget registers) and, optionally, a fetch stub. */
async function setup(fetchImpl?: (input: unknown, init?: unknown) => Promise<Response>) {
  const win = (await freshWindow()) as Win;
  const fetchCalls: unknown[] = [];
  if (fetchImpl) (win as any).fetch = (...args: [unknown, unknown?]) => (fetchCalls.push(args[0]), fetchImpl(...args));
  const hook = hookOn(win);
  const { widget, SDK } = lcwSdkStandIn(win);
  return { win, hook, widget, fetchCalls, SDK };
}

/** A page auth token provider that calls back asynchronously with the real token, counting its calls. */
function asyncProvider() {
  const calls = { n: 0 };
  const provider = (cb: (t: string) => void) => {
    calls.n += 1;
    setTimeout(() => cb(realToken), 5);
  };
  return { calls, provider };
}

describe('fault state (lease, forged and invalid sets)', () => {
  it('applies a valid set, ignores invalid ones, and turns everything off when the lease runs out', () => {
    const node = new EventTarget();
    let clock = 1_000;
    const natives = { ...captureNatives(globalThis), now: () => clock };
    const state = listenForFaults(node, natives);
    const send = (detail: unknown) => node.dispatchEvent(new CustomEvent(FAULTS_EVENT_NAME, { detail }));
    expect(state.active('exchange-502')).toBeUndefined();
    send(JSON.stringify({ faults: [{ id: 'exchange-502' }], keepAcrossReload: false }));
    expect(state.active('exchange-502')).toEqual({ id: 'exchange-502' });
    expect(state.active('auth-delay')).toBeUndefined();
    // Invalid sets change nothing: not JSON, not a string, an unknown fault, a bad setting, duplicates, too long.
    for (const bad of [
      '{not json',
      { faults: [{ id: 'auth-delay', seconds: 3 }], keepAcrossReload: false },
      JSON.stringify({ faults: [{ id: 'nope' }], keepAcrossReload: false }),
      JSON.stringify({ faults: [{ id: 'auth-delay', seconds: 1e9 }], keepAcrossReload: false }),
      JSON.stringify({ faults: [{ id: 'exchange-502' }, { id: 'exchange-502' }], keepAcrossReload: false }),
      JSON.stringify({ faults: [{ id: 'auth-delay', seconds: 3 }] }),
      'x'.repeat(20_000),
    ]) {
      send(bad);
      expect(state.active('exchange-502')).toEqual({ id: 'exchange-502' });
      expect(state.active('auth-delay')).toBeUndefined();
    }
    clock += FAULT_LEASE_MS - 1;
    expect(state.active('exchange-502')).toBeDefined();
    clock += 2; // past the lease: the relay stopped renewing it
    expect(state.active('exchange-502')).toBeUndefined();
    // A renewal gives a new lease; an empty set turns everything off at once.
    send(JSON.stringify({ faults: [{ id: 'exchange-502' }], keepAcrossReload: false }));
    expect(state.active('exchange-502')).toBeDefined();
    send(JSON.stringify({ faults: [], keepAcrossReload: false }));
    expect(state.active('exchange-502')).toBeUndefined();
  });

  it('reads detail with the native getter: a page that replaces CustomEvent.prototype.detail cannot substitute a set', () => {
    const node = new EventTarget();
    const state = listenForFaults(node, captureNatives(globalThis));
    const original = Object.getOwnPropertyDescriptor(CustomEvent.prototype, 'detail')!;
    Object.defineProperty(CustomEvent.prototype, 'detail', {
      configurable: true,
      get: () => JSON.stringify({ faults: [{ id: 'exchange-502' }], keepAcrossReload: false }),
    });
    try {
      node.dispatchEvent(
        new CustomEvent(FAULTS_EVENT_NAME, { detail: JSON.stringify({ faults: [], keepAcrossReload: false }) }),
      );
    } finally {
      Object.defineProperty(CustomEvent.prototype, 'detail', original);
    }
    expect(state.active('exchange-502')).toBeUndefined();
  });

  it('ignores a set a page dispatches on document or window: the provider runs as without faults', async () => {
    const { win, hook, widget, SDK } = await setup();
    const detail = JSON.stringify({ faults: [{ id: 'auth-fail', mode: 'throw' }], keepAcrossReload: false });
    win.document.dispatchEvent(new win.CustomEvent(FAULTS_EVENT_NAME, { detail }));
    win.dispatchEvent(new win.CustomEvent(FAULTS_EVENT_NAME, { detail }));
    SDK.setAuthTokenProvider((cb: (t: string) => void) => cb('tok'));
    let got: unknown;
    widget.auth!((t: string) => (got = t));
    expect(got).toBe('tok');
    expect(hook.ofKind('fault.applied')).toHaveLength(0);
    expect(Object.keys(win).filter((k) => /fault|inspector/i.test(k))).toEqual([]);
  });
});

describe('auth token provider faults', () => {
  it('auth-delay: the widget gets the same token `seconds` late; the event is marked and fault.applied names the invocation', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'auth-delay', seconds: 0.15 }]);
    const { provider, calls } = asyncProvider();
    SDK.setAuthTokenProvider(provider);
    const t0 = performance.now();
    let got: unknown;
    let at = 0;
    widget.auth!((t: string) => ((got = t), (at = performance.now())));
    await vi.waitFor(() => expect(got).toBe(realToken), { timeout: 3_000 });
    expect(at - t0).toBeGreaterThanOrEqual(150);
    expect(calls.n).toBe(1);
    const invoke = hook.ofKind('provider.invoke')[0]!;
    const cb = hook.ofKind('provider.callback')[0]!;
    expect(cb).toMatchObject({ fault: 'auth-delay', token: realToken, invocationId: invoke.invocationId });
    expect(cb.elapsedMs).toBeGreaterThanOrEqual(150);
    expect(hook.ofKind('fault.applied')).toEqual([
      expect.objectContaining({ fault: 'auth-delay', invocationId: invoke.invocationId }),
    ]);
    allValid(hook.events);
  });

  it('auth-delay: a provider that resolves with the token (getAuthToken form) settles late for the widget', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'auth-delay', seconds: 0.15 }]);
    SDK.setAuthTokenProvider(async () => realToken);
    const t0 = performance.now();
    const out = await widget.auth!();
    expect(out).toBe(realToken);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(hook.ofKind('provider.callback')[0]).toMatchObject({ via: 'promise', fault: 'auth-delay' });
    expect(hook.ofKind('provider.end')[0]).toMatchObject({ outcome: 'fulfilled' });
  });

  it('auth-fail throw: the widget sees the provider throw an error labelled as injected; the page provider is not run', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'auth-fail', mode: 'throw' }]);
    const { provider, calls } = asyncProvider();
    SDK.setAuthTokenProvider(provider);
    expect(() => widget.auth!(() => undefined)).toThrow(INJECTED_THROW_MESSAGE);
    expect(INJECTED_THROW_MESSAGE).toMatch(/Chat SSO Inspector/);
    expect(calls.n).toBe(0);
    expect(hook.ofKind('provider.end')[0]).toMatchObject({ outcome: 'threw', fault: 'auth-fail' });
    expect(hook.ofKind('fault.applied')[0]).toMatchObject({ fault: 'auth-fail' });
    allValid(hook.events);
  });

  it('auth-fail expired: an unsigned token with the real claims, exp in the past, labelled', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'auth-fail', mode: 'expired' }]);
    SDK.setAuthTokenProvider(asyncProvider().provider);
    let got = '';
    widget.auth!((t: string) => (got = t));
    await vi.waitFor(() => expect(got).not.toBe(''));
    const [h, p, sig] = got.split('.');
    expect(decode(h!)).toEqual({ alg: 'none', typ: 'JWT', kid: INJECTED_TOKEN_MARK });
    const claims = decode(p!);
    expect(claims).toMatchObject({ sub: 'user-7', aud: 'site', injected_by: INJECTED_TOKEN_MARK });
    expect(claims.exp).toBeLessThan(Date.now() / 1000);
    expect(claims.nbf).toBeLessThan(claims.exp);
    expect(sig).toBe('');
    expect(hook.ofKind('provider.callback')[0]).toMatchObject({ token: got, fault: 'auth-fail' });
  });

  it('auth-fail expired without a decodable real token, and malformed: minimal claims / not a JWT', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'auth-fail', mode: 'expired' }]);
    SDK.setAuthTokenProvider((cb: (t: string) => void) => cb('opaque'));
    let got = '';
    widget.auth!((t: string) => (got = t));
    expect(decode(got.split('.')[1]!)).toMatchObject({ sub: INJECTED_TOKEN_MARK, injected_by: INJECTED_TOKEN_MARK });
    hook.setFaults([{ id: 'auth-fail', mode: 'malformed' }]);
    widget.auth!((t: string) => (got = t));
    expect(got).toBe(`${INJECTED_TOKEN_MARK}.not-a-jwt`);
  });

  it('bot-auth-delay: the bot provider callback reaches the widget late, with the same value', async () => {
    const { hook, widget, SDK } = await setup();
    hook.setFaults([{ id: 'bot-auth-delay', seconds: 0.15 }]);
    SDK.setBotAuthTokenProvider((_url: string, cb: (c: { show: boolean }) => void) => cb({ show: false }));
    const t0 = performance.now();
    let got: unknown;
    let at = 0;
    widget.bot!(botTokenUrl, (c: unknown) => ((got = c), (at = performance.now())));
    expect(got).toBeUndefined(); // not delivered synchronously any more
    await vi.waitFor(() => expect(got).toEqual({ show: false }), { timeout: 3_000 });
    expect(at - t0).toBeGreaterThanOrEqual(150);
    expect(hook.ofKind('provider.callback')[0]).toMatchObject({ role: 'bot', show: false, fault: 'bot-auth-delay' });
    // The auth delay does not touch the bot provider, and vice versa.
    hook.setFaults([{ id: 'auth-delay', seconds: 5 }]);
    widget.bot!(botTokenUrl, (c: unknown) => ((got = c), 0));
    expect(got).toEqual({ show: false });
  });
});

/** An XMLHttpRequest stand-in for requests the hook lets through: records what was sent. */
function fakeXhrClass(win: Win) {
  const sent: unknown[] = [];
  class FakeXhr extends (win.EventTarget as typeof EventTarget) {
    onreadystatechange: ((e: Event) => void) | null = null;
    onload: ((e: Event) => void) | null = null;
    #responseType = '';
    // An accessor on the prototype, as XMLHttpRequest's own.
    get responseType() {
      return this.#responseType;
    }
    set responseType(value: string) {
      this.#responseType = value;
    }
    get readyState() {
      return 1;
    }
    get status() {
      return 0;
    }
    get statusText() {
      return '';
    }
    get response() {
      return '';
    }
    get responseText() {
      return '';
    }
    open() {}
    setRequestHeader() {}
    send(body?: unknown) {
      sent.push(body);
    }
  }
  return { FakeXhr, sent };
}

describe('request faults (answered by the hook)', () => {
  it('post-token-status with fetch: the POST never leaves; the page gets a real Response with the status', async () => {
    const { win, hook, widget, SDK, fetchCalls } = await setup(async () => new Response('', { status: 200 }));
    hook.setFaults([{ id: 'post-token-status', status: 500 }]);
    let status = 0;
    SDK.setBotAuthTokenProvider(async (url: string, cb: (c: { show: boolean }) => void) => {
      const res = await win.fetch(url, { method: 'POST', body: '{"token":"t"}' });
      status = res.status;
      cb({ show: res.status !== 200 });
    });
    await widget.bot!(botTokenUrl, () => undefined);
    expect(status).toBe(500);
    expect(fetchCalls).toEqual([]);
    allValid(hook.events);
    const req = hook.ofKind('net.request')[0]!;
    expect(req).toMatchObject({ status: 500, fault: 'post-token-status', purpose: 'token-post' });
    expect(hook.ofKind('fault.applied')[0]).toMatchObject({
      fault: 'post-token-status',
      requestId: req.requestId,
      status: 500,
    });
    // Off: the request goes to the network (here the stub) again, unmarked.
    hook.setFaults([]);
    await widget.bot!(botTokenUrl, () => undefined);
    expect(status).toBe(200);
    expect(fetchCalls).toHaveLength(1);
    expect(hook.ofKind('net.request')[1]!.fault).toBeUndefined();
  });

  it('exchange-502 with XHR: a signin/tokenExchange invoke is not sent and completes 502 like a real answer; other posts go out', async () => {
    const win = (await freshWindow()) as Win;
    const { FakeXhr, sent } = fakeXhrClass(win);
    (win as any).XMLHttpRequest = FakeXhr;
    const hook = hookOn(win);
    hook.setFaults([{ id: 'exchange-502' }]);
    const url = 'http://127.0.0.1:5555/v3/directline/conversations/c1/activities';
    const post = (activity: unknown) => {
      const xhr = new FakeXhr() as unknown as XMLHttpRequest;
      const seen: string[] = [];
      xhr.open('POST', url);
      xhr.responseType = 'json';
      xhr.onreadystatechange = () => seen.push(`rs${xhr.readyState}:${xhr.status}`);
      xhr.addEventListener('load', () => seen.push(`load:${xhr.status}:${xhr.statusText}:${xhr.response}`));
      xhr.addEventListener('loadend', () => seen.push('loadend'));
      xhr.send(JSON.stringify(activity));
      return seen;
    };
    const seen = post({ type: 'invoke', name: 'signin/tokenExchange', value: { id: 't1', token: 'x' } });
    expect(sent).toEqual([]); // never sent
    await vi.waitFor(() => expect(seen).toContain('loadend'));
    expect(seen).toEqual(['rs2:502', 'rs4:502', 'load:502:Bad Gateway:null', 'loadend']);
    const http = hook.ofKind('directline.http')[0]!;
    expect(http).toMatchObject({ status: 502, fault: 'exchange-502', op: 'post-activity' });
    expect(hook.ofKind('fault.applied')[0]).toMatchObject({ fault: 'exchange-502', requestId: http.requestId });
    allValid(hook.events);
    post({ type: 'message', text: 'hi' });
    expect(sent).toHaveLength(1); // not an exchange: sent as usual
    hook.setFaults([]);
    post({ type: 'invoke', name: 'signin/tokenExchange', value: {} });
    expect(sent).toHaveLength(2); // off: sent
  });

  it('post-token-status with XHR: answered with the forced status, the instance reads readyState 4', async () => {
    const win = (await freshWindow()) as Win;
    const { FakeXhr, sent } = fakeXhrClass(win);
    (win as any).XMLHttpRequest = FakeXhr;
    const hook = hookOn(win);
    hook.setFaults([{ id: 'post-token-status', status: 404 }]);
    const xhr = new FakeXhr() as unknown as XMLHttpRequest;
    xhr.open('POST', botTokenUrl);
    let done = false;
    xhr.addEventListener('loadend', () => (done = true));
    xhr.send('{"token":"t"}');
    await vi.waitFor(() => expect(done).toBe(true));
    expect([xhr.readyState, xhr.status, xhr.responseText, sent.length]).toEqual([4, 404, '', 0]);
    expect(hook.ofKind('net.request')[0]).toMatchObject({ api: 'xhr', status: 404, fault: 'post-token-status' });
    // The page reuses the instance: open() gives it its own behaviour back, with no own property left.
    hook.setFaults([]);
    xhr.open('POST', botTokenUrl);
    expect(
      Object.getOwnPropertyNames(xhr).filter((k) => /^(readyState|status|statusText|response|responseText)$/.test(k)),
    ).toEqual([]);
    xhr.send('{"token":"t"}');
    expect([xhr.readyState, xhr.status, sent.length]).toEqual([1, 0, 1]);
  });
});

const oauthCard = () => ({
  type: 'message',
  id: 'c|3',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.oauth',
      content: { connectionName: 'Sso', tokenExchangeResource: { id: 't1', uri: 'api://x' }, buttons: [] },
    },
  ],
});

/** A minimal Redux-like createStore with Web Chat's signature. */
function fakeCreateStore(_initial: unknown, ...middlewares: Mw[]) {
  const reduced: any[] = [];
  const dispatch = middlewares.reduceRight<(a: unknown) => unknown>(
    (next, mw) => mw({})(next),
    (a) => reduced.push(a),
  );
  return { dispatch, reduced };
}

describe('strip-exchange-resource', () => {
  it("Web Chat store: the page's middleware gets a copy without tokenExchangeResource; the page's object is untouched", async () => {
    const win = (await freshWindow()) as Win;
    const hook = hookOn(win);
    win.WebChat = { createStore: fakeCreateStore };
    scriptRan(win);
    const pageSaw: any[] = [];
    const pageMiddleware: Mw = () => (next) => (action: any) => (pageSaw.push(action), next(action));
    const store = win.WebChat.createStore({}, pageMiddleware);
    hook.setFaults([{ id: 'strip-exchange-resource' }]);
    const card = oauthCard();
    const action = { type: 'DIRECT_LINE/INCOMING_ACTIVITY', payload: { activity: card } };
    store.dispatch(action);
    const got = pageSaw[0].payload.activity;
    expect(got.attachments[0].content).toEqual({ connectionName: 'Sso', buttons: [] });
    expect(got.attachments[0].contentType).toBe('application/vnd.microsoft.card.oauth');
    expect(got.id).toBe('c|3');
    expect(card.attachments[0]!.content.tokenExchangeResource).toEqual({ id: 't1', uri: 'api://x' });
    expect(action.payload.activity).toBe(card);
    const actions = hook.ofKind('webchat.action');
    expect(actions.map((a) => [a.stage, a.fault])).toEqual([
      ['dispatched', 'strip-exchange-resource'],
      ['passed', 'strip-exchange-resource'],
    ]);
    expect(actions[0]!.activity!.attachments![0]!.oauth!.tokenExchangeResource).toBeUndefined();
    expect(hook.ofKind('fault.applied')).toHaveLength(1);
    allValid(hook.events);
    // Off: the page's own action passes, as it is.
    hook.setFaults([]);
    store.dispatch(action);
    expect(pageSaw[1]).toBe(action);
  });

  it("the widget's activity stream (window.Observable): the card passed on has no tokenExchangeResource", async () => {
    const win = (await freshWindow()) as Win;
    const hook = hookOn(win);
    class Observable {
      constructor(private readonly subscriber: (o: { next(v: unknown): void }) => void) {}
      subscribe(next: (v: unknown) => void) {
        this.subscriber({ next });
      }
    }
    win.Observable = Observable;
    scriptRan(win);
    const card = oauthCard();
    const received: any[] = [];
    hook.setFaults([{ id: 'strip-exchange-resource' }]);
    new win.Observable((o: { next(v: unknown): void }) => {
      o.next(false);
      o.next(card);
    }).subscribe((v: unknown) => received.push(v));
    expect(received[0]).toBe(false);
    expect(received[1].attachments[0].content.tokenExchangeResource).toBeUndefined();
    expect(card.attachments[0]!.content.tokenExchangeResource).toBeDefined();
    expect(hook.ofKind('adapter.activity').map((a) => [a.stage, a.fault])).toEqual([
      ['held', undefined],
      ['passed', 'strip-exchange-resource'],
    ]);
    hook.setFaults([]);
    new win.Observable((o: { next(v: unknown): void }) => o.next(card)).subscribe((v: unknown) => received.push(v));
    expect(received[2]).toBe(card);
  });
});
