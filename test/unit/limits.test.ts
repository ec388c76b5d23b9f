/**
 * Cut, never dropped: whatever a page throws at the hook (long URLs, long event names, huge SDK objects,
 * deep values), every event the hook emits fits the schema the relay enforces, so nothing is rejected
 * and lost; long strings carry a visible "…[+N chars]" marker. And the relay's parser never throws.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { HookEventSchema } from '../../src/shared/events';
import { depthOver, parsePageMessage } from '../../src/shared/messages';
import { MAX_MESSAGE_CHARS, PAGE_CHANNEL, PAGE_PROTOCOL } from '../../src/shared/constants';
import { freshWindow, hookOn } from '../helpers/hookHarness';

describe('hook events stay within the schema', () => {
  it('cuts long page strings instead of producing events the relay would drop', async () => {
    const longPath = `/page/${'p'.repeat(6000)}`;
    const win = (await freshWindow(`http://127.0.0.1:5555${longPath}`)) as any;
    const hook = hookOn(win);
    const methods: Record<string, unknown> = {};
    for (let i = 0; i < 300; i++) methods[`m${i}${'x'.repeat(i === 0 ? 5000 : 0)}`] = () => i;
    const bot: { provider?: Function } = {};
    win.Microsoft = {
      Omnichannel: {
        LiveChatWidget: {
          SDK: { ...methods, setBotAuthTokenProvider: (p: Function) => void (bot.provider = p) },
        },
      },
    };
    win.dispatchEvent(new win.CustomEvent(`lcw:${'n'.repeat(5000)}`, { detail: { deep: 'd'.repeat(100_000) } }));
    const SDK = win.Microsoft.Omnichannel.LiveChatWidget.SDK;
    SDK.m1(...Array.from({ length: 80 }, (_, i) => i));
    SDK.setBotAuthTokenProvider((url: string, cb: Function) => cb({ show: false }));
    bot.provider!(`https://token.botframework.com/api/sas/postToken?state=${'s'.repeat(9000)}`, () => undefined);

    expect(hook.events.length).toBeGreaterThan(5);
    for (const e of hook.events) {
      const r = v.safeParse(HookEventSchema, e);
      expect(
        r.success,
        `${e.kind}: ${r.issues?.map((i) => `${i.path?.map((p) => p.key).join('.')}: ${i.message}`).join('; ')}`,
      ).toBe(true);
    }
    const installed = hook.ofKind('hook.installed')[0]!;
    expect(installed.url).toMatch(/…\[\+\d+ chars\]$/);
    expect(hook.ofKind('lcw.event')[0]!.name).toMatch(/^lcw:n+…\[\+\d+ chars\]$/);
    expect(hook.ofKind('sdk.detected')[0]!.methods).toHaveLength(200);
    expect(hook.ofKind('provider.invoke')[0]!.botTokenUrl).toMatch(/…\[\+\d+ chars\]$/);
  });
});

describe('relay parser', () => {
  const envelope = (events: unknown[]) => JSON.stringify({ channel: PAGE_CHANNEL, v: PAGE_PROTOCOL, events });

  it('rejects, never throws on, deeply nested values', () => {
    // Written as text: JSON.stringify itself would overflow on a value this deep.
    const deep = `${'['.repeat(50_000)}"leaf"${']'.repeat(50_000)}`;
    const detail = envelope([{ kind: 'lcw.event', name: 'lcw:x', t: 1, at: 1, detail: 'DEEP' }]).replace(
      '"DEEP"',
      deep,
    );
    expect(detail.length).toBeLessThan(MAX_MESSAGE_CHARS);
    expect(() => parsePageMessage(detail)).not.toThrow();
    expect(parsePageMessage(detail)).toEqual({ events: [], rejected: [expect.any(String)] });
  });

  it('measures depth without recursion', () => {
    let deep: unknown = {};
    for (let i = 0; i < 200_000; i++) deep = { a: deep };
    expect(depthOver(deep, 24)).toBe(true);
    expect(depthOver({ a: [1, { b: 2 }] }, 24)).toBe(false);
  });
});
