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
  SDK.startChat =
    impl.startChat ??
    function (this: unknown) {
      let token: unknown;
      provider?.((t: unknown) => (token = t));
      return token;
    };
  SDK.closeChat = () => 'closed';
  return SDK;
}

/** What a page does to say "my scripts ran": the LCW scripting layer raises lcw:ready once the SDK is built. */
const raiseReady = (win: Win) => win.dispatchEvent(new win.CustomEvent('lcw:ready'));

describe('finding the SDK without touching the page', () => {
  let win: Win;
  beforeEach(async () => {
    win = (await freshWindow()) as Win;
  });

  it('creates nothing on window: absent globals stay absent for every feature-detection idiom', () => {
    const before = { names: Object.getOwnPropertyNames(win), symbols: Object.getOwnPropertySymbols(win) };
    hookOn(win);
    expect('Microsoft' in win).toBe(false);
    expect('WebChat' in win).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(win, 'Microsoft')).toBe(false);
    expect(Object.getOwnPropertyDescriptor(win, 'Microsoft')).toBeUndefined();
    expect(typeof win.Microsoft).toBe('undefined');
    expect(Object.getOwnPropertySymbols(win)).toEqual(before.symbols);
    expect(Object.getOwnPropertyNames(win)).toEqual(before.names);
  });

  it("lets @microsoft/ocsdk's load-time `in` checks build the namespace", () => {
    hookOn(win);
    // What ocsdk runs when its module loads.
    const w = win as any;
    if (!('Microsoft' in w)) w.Microsoft = {};
    if (!('CRM' in w.Microsoft)) w.Microsoft.CRM = {};
    expect(Object.keys(win.Microsoft)).toEqual(['CRM']);
    expect(Object.getOwnPropertyDescriptor(win, 'Microsoft')).toMatchObject({
      writable: true,
      enumerable: true,
      configurable: true,
    });
    expect(JSON.stringify(win.Microsoft)).toBe('{"CRM":{}}');
  });

  it('catches an SDK built incrementally by the bootstrapper, before the lcw:ready listeners run', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    expect(hook.ofKind('sdk.detected')).toHaveLength(0); // nothing seen until a discovery moment
    // The documented pattern: register the provider inside the page's lcw:ready listener.
    win.addEventListener('lcw:ready', () => SDK.setAuthTokenProvider((cb: (t: string) => void) => cb('a.b.c')));
    raiseReady(win);
    expect(hook.ofKind('sdk.detected')).toHaveLength(1);
    expect(SDK.startChat()).toBe('a.b.c');
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['setAuthTokenProvider', 'startChat']);
    expect(hook.ofKind('provider.invoke')).toHaveLength(1);
    const cb = hook.ofKind('provider.callback')[0]!;
    expect(cb.token).toBe('a.b.c');
    expect(cb.sync).toBe(true);
  });

  it("looks right after each script's load event", () => {
    const hook = hookOn(win);
    const script = win.document.createElement('script');
    win.document.head.appendChild(script);
    bootstrapV1(win); // what the script ran
    script.dispatchEvent(new win.Event('load'));
    expect(hook.ofKind('sdk.detected')).toHaveLength(1);
  });

  it('looks before each timer callback (sites poll for the SDK)', async () => {
    const hook = hookOn(win);
    const seen: unknown[] = [];
    const poll = win.setInterval(
      function (a: unknown) {
        const SDK = win.Microsoft?.Omnichannel?.LiveChatWidget?.SDK;
        if (!SDK) return;
        win.clearInterval(poll);
        seen.push(a);
        SDK.setAuthTokenProvider((cb: (t: string) => void) => cb('x.y.z'));
      },
      5,
      'extra',
    );
    bootstrapV1(win);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['extra']);
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['setAuthTokenProvider']);
  });

  it('looks at DOMContentLoaded and load', () => {
    const hook = hookOn(win);
    bootstrapV1(win);
    win.dispatchEvent(new win.Event('DOMContentLoaded'));
    expect(hook.ofKind('sdk.detected')).toHaveLength(1);
  });

  it('looks after DOM changes while the document is parsed (the checkpoint before the next inline script)', async () => {
    const hook = hookOn(win);
    bootstrapV1(win);
    win.document.body.appendChild(win.document.createElement('script'));
    await new Promise((r) => setTimeout(r, 0));
    expect(hook.ofKind('sdk.detected')).toHaveLength(1);
  });

  it('keeps Microsoft.Dynamic365 when window.Microsoft is assigned wholesale before the bootstrapper', () => {
    const hook = hookOn(win);
    const portal = { Portal: { User: { contactId: 'c-1' } } };
    win.Microsoft = { Dynamic365: portal };
    const assigned = win.Microsoft;
    const SDK = bootstrapV1(win);
    raiseReady(win);
    expect(win.Microsoft).toBe(assigned); // identity kept
    expect(win.Microsoft.Dynamic365).toBe(portal);
    expect(Object.keys(win.Microsoft)).toEqual(['Dynamic365', 'Omnichannel']); // the page's order
    SDK.closeChat();
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['closeChat']);
  });

  it('follows window.Microsoft assigned wholesale after the bootstrapper (spread copy)', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    raiseReady(win);
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
    raiseReady(win);
    const SDK = win.Microsoft.Omnichannel.LiveChatWidget.SDK;
    expect(SDK.startChat()).toBe('started');
    expect(SDK.customThing()).toBe(7); // "any other function-valued member"
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual(['startChat', 'customThing']);
    expect(hook.ofKind('sdk.detected')[0]!.methods.sort()).toEqual(['customThing', 'startChat']);
  });

  it('wraps methods reassigned later, and unknown members added later', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    raiseReady(win);
    SDK.startChat = () => 'second implementation';
    SDK.closeChat(); // any SDK call re-scans for new members
    expect(SDK.startChat()).toBe('second implementation');
    SDK.laterMethod = (x: number) => x * 2;
    SDK.closeChat();
    expect(SDK.laterMethod(4)).toBe(8);
    expect(hook.ofKind('sdk.call').map((c) => c.method)).toEqual([
      'closeChat',
      'startChat',
      'closeChat',
      'laterMethod',
    ]);
  });

  it('looks like plain assignment to the page: data properties, same keys and order, same toString', () => {
    hookOn(win);
    const SDK = bootstrapV1(win);
    const toString = win.Function.prototype.toString; // the page realm's, which the hook keeps honest
    const pageSource = toString.call(SDK.setAuthTokenProvider);
    const before = Object.keys(SDK).map((k) => [
      k,
      Object.getOwnPropertyDescriptor(SDK, k)!.writable,
      Object.getOwnPropertyDescriptor(SDK, k)!.enumerable,
    ]);
    raiseReady(win);
    expect(
      Object.keys(SDK).map((k) => [
        k,
        Object.getOwnPropertyDescriptor(SDK, k)!.writable,
        Object.getOwnPropertyDescriptor(SDK, k)!.enumerable,
      ]),
    ).toEqual(before);
    expect(Object.getOwnPropertyDescriptor(SDK, 'startChat')).toHaveProperty('value');
    expect(SDK.startChat).toBe(SDK.startChat);
    expect(toString.call(SDK.setAuthTokenProvider)).toBe(pageSource);
    expect(toString.call(toString)).toMatch(/^function toString\(\) \{\s*\[native code\]\s*\}$/);
    expect(SDK.setAuthTokenProvider.name).toBe('');
    expect(typeof SDK.startProactiveChat).toBe('undefined');
    const provider = (cb: (t: string) => void) => cb('x');
    SDK.setAuthTokenProvider(provider);
    expect(SDK.getAuthTokenProvider()).toBe(provider); // the page's own function, not our wrapper
  });

  it('keeps SDK errors intact', () => {
    const hook = hookOn(win);
    const SDK = bootstrapV1(win);
    raiseReady(win);
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
    raiseReady(win);
    SDK.closeChat();
    expect(first.ofKind('sdk.call')).toHaveLength(1);
    expect(second.events).toHaveLength(0);
  });

  it('never runs a page getter on the namespace path', () => {
    const hook = hookOn(win);
    let reads = 0;
    Object.defineProperty(win, 'Microsoft', {
      get() {
        reads += 1;
        return { Omnichannel: { LiveChatWidget: { SDK: { startChat: () => 'ok' } } } };
      },
      configurable: true,
    });
    raiseReady(win);
    expect(reads).toBe(0);
    expect(hook.ofKind('sdk.detected')).toHaveLength(0);
  });
});

describe('lcw:* events', () => {
  it('records documented and undocumented lcw:* events with their detail, once each', async () => {
    const win = (await freshWindow()) as Win;
    const hook = hookOn(win);
    const seen: string[] = [];
    win.addEventListener('lcw:signInCardReceived', (e) => seen.push((e as CustomEvent).detail.sasUrl));
    win.dispatchEvent(
      new win.CustomEvent('lcw:error', {
        detail: { errorCode: 2, errorDescription: 'Auth token provider method execution failed' },
      }),
    );
    win.dispatchEvent(
      new win.CustomEvent('lcw:signInCardReceived', {
        detail: { sasUrl: 'https://token.botframework.com/api/sas/postToken?state=abc' },
      }),
    );
    win.dispatchEvent(new win.CustomEvent('lcw:somethingNew'));
    win.dispatchEvent(new win.CustomEvent('not-lcw'));
    expect(hook.ofKind('lcw.event').map((e) => e.name)).toEqual([
      'lcw:error',
      'lcw:signInCardReceived',
      'lcw:somethingNew',
    ]);
    expect(hook.ofKind('lcw.event')[0]!.detail).toEqual({
      errorCode: 2,
      errorDescription: 'Auth token provider method execution failed',
    });
    expect(seen).toEqual(['https://token.botframework.com/api/sas/postToken?state=abc']); // page listeners unaffected
  });
});
