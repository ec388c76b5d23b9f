import { describe, expect, it } from 'vitest';
import { signInIdFromBotTokenUrl } from '../../src/page/providers';
import { freshWindow, hookOn, lcwSdkStandIn } from '../helpers/hookHarness';

type Win = Window & typeof globalThis & { Microsoft?: any };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(fetchImpl?: (input: unknown, init?: unknown) => Promise<Response>) {
  const win = (await freshWindow()) as Win;
  if (fetchImpl) (win as any).fetch = fetchImpl;
  const hook = hookOn(win);
  const { widget, SDK } = lcwSdkStandIn(win);
  return { win, hook, widget, SDK };
}

describe('auth token provider wrapper', () => {
  it('records an asynchronous callback with its elapsed time and token', async () => {
    const { hook, widget, SDK } = await setup();
    SDK.setAuthTokenProvider((cb: (t: string) => void) => void setTimeout(() => cb('h.p.s'), 60));
    let received: unknown;
    const t0 = performance.now();
    const ret = widget.auth!((t: string) => (received = t));
    expect(ret).toBeUndefined();
    await sleep(120);
    const pageElapsed = performance.now() - t0;
    expect(received).toBe('h.p.s');
    const cb = hook.ofKind('provider.callback')[0]!;
    expect(cb.sync).toBe(false);
    expect(cb.token).toBe('h.p.s');
    expect(cb.elapsedMs).toBeGreaterThanOrEqual(55);
    expect(cb.elapsedMs).toBeLessThanOrEqual(pageElapsed);
    const end = hook.ofKind('provider.end')[0]!;
    expect(end).toMatchObject({ outcome: 'returned', calledBack: false });
  });

  it('marks a synchronous callback and records a non-string value without a token', async () => {
    const { hook, widget, SDK } = await setup();
    SDK.setAuthTokenProvider((cb: (t: unknown) => void) => cb(undefined));
    widget.auth!(() => undefined);
    const cb = hook.ofKind('provider.callback')[0]!;
    expect(cb).toMatchObject({ sync: true, valueType: 'undefined' });
    expect(cb.token).toBeUndefined();
    expect(hook.ofKind('provider.end')[0]!.calledBack).toBe(true);
  });

  it('rethrows what the provider throws and records it', async () => {
    const { hook, widget, SDK } = await setup();
    const failure = new Error('token service down');
    SDK.setAuthTokenProvider(() => {
      throw failure;
    });
    expect(() => widget.auth!(() => undefined)).toThrow(failure);
    expect(hook.ofKind('provider.end')[0]).toMatchObject({
      outcome: 'threw',
      calledBack: false,
      error: { name: 'Error', message: 'token service down' },
    });
  });

  it.each(['never switched on', 'switched on, then all off'])(
    'keeps the callback transparent: this, arguments and return value (injected faults %s)',
    async (faults) => {
      const { hook, widget, SDK } = await setup();
      if (faults !== 'never switched on') {
        hook.setFaults([
          { id: 'auth-delay', seconds: 5 },
          { id: 'auth-fail', mode: 'throw' },
        ]);
        hook.setFaults([]);
      }
      SDK.setAuthTokenProvider(function (cb: Function) {
        return cb.call('ctx', 'tok', 'extra');
      });
      const seen: unknown[] = [];
      const out = widget.auth!(function (this: unknown, ...args: unknown[]) {
        seen.push(this, ...args);
        return 'cb-result';
      });
      expect(out).toBe('cb-result');
      expect(seen).toEqual(['ctx', 'tok', 'extra']);
      expect(hook.events.filter((e) => e.kind === 'fault.applied' || 'fault' in e)).toEqual([]);
    },
  );
});

describe('bot auth token provider wrapper', () => {
  const botTokenUrl = 'http://127.0.0.1:5555/api/sas/postToken?expiry=1&id=key2&state=signin-42&hmac=x';

  it('parses the signInId from the state parameter', () => {
    expect(signInIdFromBotTokenUrl(botTokenUrl)).toBe('signin-42');
    expect(signInIdFromBotTokenUrl('https://example.invalid/no-state')).toBeNull();
    expect(signInIdFromBotTokenUrl(42)).toBeNull();
  });

  it('records botTokenUrl, signInId, the POST status (fetch) and callback({show})', async () => {
    const { win, hook, widget, SDK } = await setup(async () => new Response('', { status: 404 }));
    SDK.setBotAuthTokenProvider(async (url: string, cb: (c: { show: boolean }) => void) => {
      const res = await win.fetch(url, { method: 'POST', body: '{"token":"t"}' });
      cb({ show: res.status !== 404 && res.status !== 202 && res.status !== 200 });
    });
    let decided: unknown;
    await widget.bot!(botTokenUrl, (c: unknown) => (decided = c));
    expect(decided).toEqual({ show: false });
    const invoke = hook.ofKind('provider.invoke')[0]!;
    expect(invoke).toMatchObject({ role: 'bot', botTokenUrl, signInId: 'signin-42' });
    const req = hook.ofKind('net.request')[0]!;
    expect(req).toMatchObject({ api: 'fetch', method: 'POST', status: 404, invocationId: invoke.invocationId });
    expect(hook.ofKind('provider.callback')[0]).toMatchObject({ role: 'bot', show: false });
    expect(hook.ofKind('provider.end')[0]).toMatchObject({ outcome: 'fulfilled', calledBack: true });
  });

  it('records an invocation that finishes without calling the callback', async () => {
    const { hook, widget, SDK } = await setup(async () => new Response('', { status: 500 }));
    SDK.setBotAuthTokenProvider(async () => undefined);
    await widget.bot!(botTokenUrl, () => undefined);
    expect(hook.ofKind('provider.end')[0]).toMatchObject({ role: 'bot', outcome: 'fulfilled', calledBack: false });
    expect(hook.ofKind('provider.callback')).toHaveLength(0);
  });

  it('leaves other requests alone and reports network failures', async () => {
    const failure = new TypeError('Failed to fetch');
    const { win, hook } = await setup(async (input) => {
      if (String(input).includes('postToken')) throw failure;
      return new Response('ok');
    });
    await win.fetch('http://127.0.0.1:5555/other');
    await expect(win.fetch('http://127.0.0.1:5555/api/sas/postToken?state=s', { method: 'POST' })).rejects.toBe(
      failure,
    );
    const reqs = hook.ofKind('net.request');
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({ status: null, error: 'Failed to fetch' });
  });
});
