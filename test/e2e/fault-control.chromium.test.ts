/**
 * The fault-injection control path in the built extension (Chromium), with the real panel opened as a tab:
 * a fault goes on only when the user ticks it in the Reproduce menu; the panel shows the banner and the
 * toolbar icon the "FI" badge while it is on; a reload ends it unless the user ticked "Keep across reload";
 * the banner's "Turn all off" ends it; a closed tab forgets it. (That the hook applies the faults, and that
 * a page cannot switch one on through the channel, is tested with the hook and relay.)
 */
import { describe, expect, it } from 'vitest';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { runScenario } from '../../scripts/lib/scenarios.mjs';
import { useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

/** What the background holds for the tab: its faults, and the faults.changed entries of its log. */
async function backgroundFaults(tabId: number) {
  const w = await env.browser.worker();
  return w.evaluate(async (t) => {
    const { store, faults, ready } = (globalThis as any).__chatSsoInspector;
    await ready;
    return {
      faults: faults.get(t),
      changes: store
        .entries(t)
        .filter((e: any) => e.event.kind === 'faults.changed')
        .map((e: any) => e.event.faults.map((f: any) => f.id)),
    };
  }, tabId);
}

/** Waits until the background has taken in the tab's new document (its hook.installed after `since`, ms). */
async function newDocumentSeen(tabId: number, since: number) {
  const w = await env.browser.worker();
  await expect
    .poll(
      () =>
        w.evaluate(
          ([t, s]) =>
            (globalThis as any).__chatSsoInspector.store
              .entries(t)
              .some((e: any) => e.event.kind === 'hook.installed' && e.event.at > s),
          [tabId, since] as const,
        ),
      { timeout: 10_000 },
    )
    .toBe(true);
}

const badgeOf = async (tabId: number) =>
  (await env.browser.worker()).evaluate((t) => (globalThis as any).chrome.action.getBadgeText({ tabId: t }), tabId);

describe('fault injection: the control path', () => {
  it('on by a click, shown by a banner and a badge, ended by a reload unless kept, by Turn all off, by closing the tab', async () => {
    const { page, panel, tabId } = await runScenario(env.browser, env.server.url, scenarioById('fast'), {
      keepOpen: true,
    });
    expect(await panel.locator('[data-testid=fault-banner]').count()).toBe(0);
    expect((await backgroundFaults(tabId)).faults).toEqual({ faults: [], keepAcrossReload: false });

    await panel.click('[data-testid=reproduce]');
    await panel.check('[data-testid=fault-exchange-502]');
    const banner = panel.locator('[data-testid=fault-banner]');
    await banner.waitFor();
    expect(await banner.textContent()).toContain(
      'Fault injection active on this tab: signin/tokenExchange invoke answered 502',
    );
    await expect.poll(() => badgeOf(tabId), { timeout: 5_000 }).toBe('FI');
    expect(await backgroundFaults(tabId)).toEqual({
      faults: { faults: [{ id: 'exchange-502' }], keepAcrossReload: false },
      changes: [['exchange-502']],
    });

    // A reload ends it (the user did not ask to keep it).
    await page.reload();
    await page.waitForFunction(() => (window as any).__sim?.finished === true);
    await banner.waitFor({ state: 'detached' });
    expect((await backgroundFaults(tabId)).faults.faults).toEqual([]);
    await expect.poll(() => badgeOf(tabId), { timeout: 5_000 }).not.toBe('FI');

    // Kept across a reload when the user ticks it.
    await panel.check('[data-testid=fault-keep]');
    await panel.check('[data-testid=fault-strip-exchange-resource]');
    await banner.waitFor();
    const beforeReload = Date.now();
    await page.reload();
    await page.waitForFunction(() => (window as any).__sim?.finished === true);
    await newDocumentSeen(tabId, beforeReload);
    expect((await backgroundFaults(tabId)).faults).toEqual({
      faults: [{ id: 'strip-exchange-resource' }],
      keepAcrossReload: true,
    });
    expect(await banner.isVisible()).toBe(true);

    // Turn all off, from the banner.
    await panel.click('[data-testid=fault-banner-off]');
    await banner.waitFor({ state: 'detached' });
    expect((await backgroundFaults(tabId)).faults.faults).toEqual([]);

    // A closed tab forgets its faults (the press on the banner closed the menu: open it again).
    expect(await panel.locator('[data-testid=reproduce-menu]').count()).toBe(0);
    await panel.click('[data-testid=reproduce]');
    await panel.check('[data-testid=fault-exchange-502]');
    await banner.waitFor();
    await page.close();
    await expect.poll(async () => (await backgroundFaults(tabId)).faults.faults, { timeout: 5_000 }).toEqual([]);
    await panel.close();
  });
});
