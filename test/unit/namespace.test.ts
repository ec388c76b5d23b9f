import { beforeEach, describe, expect, it } from 'vitest';
import { freshWindow, hookOn } from '../helpers/hookHarness';

type Win = Window & typeof globalThis & { Microsoft?: any };

/** What the v1 bootstrapper does (shape from the public copy): reuse namespaces, assign one at a time. */
function bootstrapV1(win: Win, impl: Record<string, Function> = {}) {
  const Microsoft = win.Microsoft || (win.Microsoft = {});
  const Omnichannel = Microsoft.Omnichannel || (Microsoft.Omnichannel = {});
  const LiveChatWidget = Omnichannel.LiveChatWidget || (Omnichannel.LiveChatWidget = {});
  const SDK = LiveChatWidget.SDK || (LiveChatWidget.SDK = {});
  let provider: Function | null = null;
  SDK.setAuthTokenProvider = function (p: Function) {
    if (typeof p !== 'function') throw new TypeError('not a function');
    provider = p;
    SDK.getAuthTokenProvider = () => p;
  };
  SDK.getAuthTokenProvider = () => null;
  SDK.startChat = impl.startChat ?? function (this: unknown) {
    let token: unknown;
    provider?.((t: unknown) => (token = t));
    return token;
  };
  SDK.closeChat = () => 'closed';
  return SDK;
}

describe('namespace trapping', () => {
  let win: Win;
  beforeEach(async () => {
    win = (await freshWindow()) as Win;
  });

  it('catches an SDK built incrementally by the bootstrapper', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    expect(hook.ofKind('sdk.detected')).toHaveLength(1);
    const provider = (cb: (t: string) => void) => cb('a.b.c');
    SDK.setAuthTokenProvider(provider);
    expect(SDK.startChat()).toBe('a.b.c');
    const calls = hook.ofKind('sdk.call').map((c) => c.method);
    expect(calls).toEqual(['setAuthTokenProvider', 'startChat']);
    expect(hook.ofKind('provider.invoke')).toHaveLength(1);
    const cb = hook.ofKind('provider.callback')[0]!;
    expect(cb.token).toBe('a.b.c');
    expect(cb.sync).toBe(true);
  });

  it('keeps Microsoft.Dynamic365 when window.Microsoft is assigned wholesale before the bootstrapper', () => {
    const hook = hookOn(win);
    const portal = { Portal: { User: { contactId: 'c-1' } } };
    win.Microsoft = { Dynamic365: portal };
    const assigned = win.Microsoft;
    const SDK = bootstrapV1(win);
    expect(win.Microsoft).toBe(assigned); // identity kept
    expect(win.Microsoft.Dynamic365).toBe(portal);
    expect(Object.keys(win.Microsoft).sort()).toEqual(['Dynamic365', 'Omnichannel']);
    SDK.closeChat();
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['closeChat']);
  });

  it('follows window.Microsoft assigned wholesale after the bootstrapper (spread copy)', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    win.Microsoft = { ...win.Microsoft, Dynamic365: { Portal: {} } };
    expect(win.Microsoft.Omnichannel.LiveChatWidget.SDK).toBe(SDK);
    expect(win.Microsoft.Dynamic365).toEqual({ Portal: {} });
    win.Microsoft.Omnichannel.LiveChatWidget.SDK.closeChat();
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['closeChat']);
  });

  it('catches a complete SDK object assigned wholesale in one go', () => {
    const hook = hookOn(win);
    const startChat = function startChat() {
      return 'started';
    };
    win.Microsoft = { Omnichannel: { LiveChatWidget: { SDK: { startChat, customThing: () => 7 } } } };
    const SDK = win.Microsoft.Omnichannel.LiveChatWidget.SDK;
    expect(SDK.startChat()).toBe('started');
    expect(SDK.customThing()).toBe(7); // "any other function-valued member"
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['startChat', 'customThing']);
    expect(hook.ofKind('sdk.detected')[0]!.methods.sort()).toEqual(['customThing', 'startChat']);
  });

  it('wraps methods reassigned later, and unknown members added later', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    SDK.startChat = () => 'second implementation';
    expect(SDK.startChat()).toBe('second implementation');
    SDK.laterMethod = (x: number) => x * 2;
    SDK.closeChat(); // any SDK call re-scans for new members
    expect(SDK.laterMethod(4)).toBe(8);
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['startChat', 'closeChat', 'laterMethod']);
  });

  it('looks like plain assignment to the page', () => {
    hookOn(win);
    const SDK = bootstrapV1(win);
    expect(Object.keys(SDK).sort()).toEqual(['closeChat', 'getAuthTokenProvider', 'setAuthTokenProvider', 'startChat']);
    expect(SDK.startChat).toBe(SDK.startChat);
    expect(typeof SDK.startProactiveChat).toBe('undefined'); // trapped in advance, still absent
    const provider = (cb: (t: string) => void) => cb('x');
    SDK.setAuthTokenProvider(provider);
    expect(SDK.getAuthTokenProvider()).toBe(provider); // the page's own function, not our wrapper
  });

  it('keeps SDK errors intact', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    expect(() => SDK.setAuthTokenProvider('not a function')).toThrow(TypeError);
    const call = hook.ofKind('sdk.call')[0]!;
    expect(call.outcome).toBe('threw');
    expect(call.error).toEqual({ name: 'TypeError', message: 'not a function' });
  });

  it('is idempotent: installing twice records each call once', () => {
    const first = hookOn(win);
    const second = hookOn(win);
    expect(second.installed).toBe(first.installed);
    const SDK = bootstrapV1(win);
    SDK.closeChat();
    expect(first.ofKind('sdk.call')).toHaveLength(1);
    expect(second.events).toHaveLength(0);
  });

  it('still finds the SDK when the page replaced our accessor with defineProperty', () => {
    const hook = hookOn(win);
    const SDK = { startChat: () => 'ok' };
    Object.defineProperty(win, 'Microsoft', { value: { Omnichannel: { LiveChatWidget: { SDK } } }, configurable: true, writable: true });
    expect(hook.ofKind('sdk.detected')).toHaveLength(0);
    win.dispatchEvent(new win.CustomEvent('lcw:ready'));
    expect(hook.ofKind('sdk.detected')[0]!.via).toBe('scan');
    SDK.startChat();
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['startChat']);
  });
});

describe('lcw:* events', () => {
  it('records documented and undocumented lcw:* events with their detail, once each', async () => {
    const win = (await freshWindow()) as Win;
    const hook = hookOn(win);
    const seen: string[] = [];
    win.addEventListener('lcw:signInCardReceived', (e) => seen.push((e as CustomEvent).detail.sasUrl));
    win.dispatchEvent(new win.CustomEvent('lcw:error', { detail: { errorCode: 2, errorDescription: 'Auth token provider method execution failed' } }));
    win.dispatchEvent(new win.CustomEvent('lcw:signInCardReceived', { detail: { sasUrl: 'https://token.botframework.com/api/sas/postToken?state=abc' } }));
    win.dispatchEvent(new win.CustomEvent('lcw:somethingNew'));
    win.dispatchEvent(new win.CustomEvent('not-lcw'));
    expect(hook.ofKind('lcw.event').map((e) => e.name)).toEqual(['lcw:error', 'lcw:signInCardReceived', 'lcw:somethingNew']);
    expect(hook.ofKind('lcw.event')[0]!.detail).toEqual({ errorCode: 2, errorDescription: 'Auth token provider method execution failed' });
    expect(seen).toEqual(['https://token.botframework.com/api/sas/postToken?state=abc']); // page listeners unaffected
  });
});
