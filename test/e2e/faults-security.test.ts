/**
 * A page cannot switch an injected fault on, nor learn which are on (issue 12, "Safe by design"), in headless
 * Chromium with the built extension, on the real bot stack's Web Chat page.
 *
 * The hostile script (test/helpers/forgery.page.js) runs as the page's first script, as early as any page
 * script can, and again through the page's life. It tries everything a page can reach:
 *  - forged messages: CustomEvents named like ours (FAULTS_EVENT_NAME, PAGE_EVENT_NAME: src/shared/constants.ts)
 *    on document, window, <html>, <head>, <body> and a node of its own, with a fault set as JSON text and as an
 *    object; the channel handshake replayed (CHANNEL_REQUEST_EVENT to make a hook offer its node again, an offer
 *    of its own node); the extension's messages (`set-faults`, `faults`, `faults-query`) by window.postMessage,
 *    BroadcastChannel, and runtime.sendMessage to the extension's id;
 *  - globals: names like ours holding a fault set;
 *  - storage: the same set, kept across reloads, under names like ours in localStorage, sessionStorage,
 *    cookies and IndexedDB; then the tab reloads.
 * The set it forges has every fault on. With it, the page's SSO still succeeds, the hook applies nothing (no
 * `fault.applied`, no event marked by a fault), the background holds no fault for the tab, the panel shows no
 * banner, and a postToken probe from the page meets the server (200), not an injected 500. The page never
 * got a channel node, never had its own node accepted, and never heard a fault set.
 *
 * The same probe meets the injected 500 once the panel switches that fault on: the probes can fail. While
 * faults are on (past their lease: the relay renews them) nothing a page can read changes (own keys of window
 * and document, storage, cookies, IndexedDB, <html> attributes), and no listener of the page hears a set.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { entriesOf, openPanel, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { FAULT_LEASE_MS, FAULT_RENEW_MS } from '../../src/shared/faults';
import { useDemoAndExtension } from '../helpers/e2e';
import {
  backgroundFaults,
  bannerText,
  FORGED_SET,
  forgeryReport,
  forgeryScript,
  pageFootprint,
  probePostToken,
  settled,
  SSO_SUCCEEDED,
  SSO_SUCCESS_PATH,
  ssoOutcome,
  switchFaultsOff,
  switchFaultsOn,
  until,
} from '../helpers/reproduce';

const env = useDemoAndExtension();
const FORGERY_PATH = '/__test-forgery.js';

/** Every entry of the tab's log that an injected fault made or marked. */
async function faultEntries(tabId: number): Promise<unknown[]> {
  return (await entriesOf(env.browser.worker, tabId))
    .filter((e: { event: { kind: string; fault?: string } }) => e.event.kind === 'fault.applied' || e.event.fault)
    .map((e: { event: unknown }) => e.event);
}

/** How many panels are connected to the tab (the background's ports). */
async function panelPorts(tabId: number): Promise<number> {
  const w = await env.browser.worker();
  return w.evaluate((t) => (globalThis as any).__chatSsoInspector.ports.get(t)?.size ?? 0, tabId);
}

/**
 * A tab whose page runs the hostile script first: the document is served with
 * `<script src=FORGERY_PATH>` as the first element of <head> (a route in the driver; nothing else changes).
 */
async function hostileTab(): Promise<Page> {
  const page = await env.browser.context.newPage();
  const script = forgeryScript({ extensionId: env.browser.extensionId });
  await page.route(`${env.server.url}${FORGERY_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: script }),
  );
  await page.route(
    (url) => url.pathname === '/webchat/',
    async (route) => {
      const response = await route.fetch();
      const html = await response.text();
      if (!html.includes('<head>')) throw new Error('the Web Chat page has no <head> to put the script in');
      await route.fulfill({ response, body: html.replace('<head>', `<head><script src="${FORGERY_PATH}"></script>`) });
    },
  );
  return page;
}

describe('a page cannot switch a fault on', () => {
  it('forged messages, globals and storage (kept across a reload) switch nothing on; the SSO flow succeeds', async () => {
    const page = await hostileTab();
    const url = `${env.server.url}${SSO_SUCCESS_PATH}`;
    await page.goto(url);
    expect(ssoOutcome(await settled(page, '__webchatDemo')), 'the forged set (every fault on) did not apply').toEqual(
      SSO_SUCCEEDED,
    );
    const tabId = await tabIdOf(env.browser.worker, url);
    expect(await probePostToken(page), 'no forced postToken status').toBe(200);
    const report = (await forgeryReport(page))!;
    expect(report.attacks, 'the hostile script ran through the flow').toBeGreaterThan(3);
    expect(report, 'the page got no channel node and heard no fault set').toMatchObject({
      offers: 0,
      relayReady: 0,
      heard: [],
    });
    expect(report.indexedDb).toBe('written');

    // Reload: the forged sets now wait in storage, cookies and IndexedDB, before any script of the new document.
    await page.reload();
    expect(ssoOutcome(await settled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
    expect(await probePostToken(page)).toBe(200);
    expect(await page.evaluate(() => localStorage.length)).toBeGreaterThan(0);
    expect((await forgeryReport(page))!).toMatchObject({ offers: 0, relayReady: 0, heard: [] });

    // The panel inside the page, to click it for the user: the panel is no web-accessible resource.
    const panelUrl = `chrome-extension://${env.browser.extensionId}/panel.html?tabId=${tabId}`;
    const fetched = await page.evaluate(async (src) => {
      const frame = document.createElement('iframe');
      frame.src = src;
      document.body.append(frame);
      return fetch(src).then(
        () => 'fetched',
        () => 'refused',
      );
    }, panelUrl);
    expect(fetched).toBe('refused');
    expect(await panelPorts(tabId), 'no panel connected from inside the page').toBe(0);

    expect(await faultEntries(tabId), 'no event an injected fault made or marked').toEqual([]);
    expect(await backgroundFaults(env.browser.worker, tabId)).toEqual([]);
    const panel = await openPanel(env.browser.context, env.browser.extensionId, tabId);
    expect(await bannerText(panel), 'no fault banner').toBeNull();
    await panel.close();
    await page.close();
  }, 120_000);
});

describe('a page cannot learn which faults are on', () => {
  it('switching faults on (past their lease) and off changes nothing a page can read or hear; the probe meets the fault', async () => {
    const page = await hostileTab();
    const url = `${env.server.url}${SSO_SUCCESS_PATH}`;
    await page.goto(url);
    expect(ssoOutcome(await settled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
    const tabId = await tabIdOf(env.browser.worker, url);
    const panel = await openPanel(env.browser.context, env.browser.extensionId, tabId);
    const before = await pageFootprint(page);

    await switchFaultsOn(panel, FORGED_SET.faults, { keepAcrossReload: true });
    expect(await probePostToken(page), 'the probe meets a fault the panel switched on').toBe(500);
    expect(await backgroundFaults(env.browser.worker, tabId)).toHaveLength(FORGED_SET.faults.length);
    // Past the lease: the relay renewed the set at least twice meanwhile, and the probe meets it all along.
    const onAt = Date.now();
    await until(
      'the fault held past its lease',
      async () => {
        const status = await probePostToken(page);
        if (status !== 500) throw new Error(`the probe met ${status} while the fault was on`);
        return Date.now() - onAt > FAULT_LEASE_MS + FAULT_RENEW_MS ? true : undefined;
      },
      FAULT_LEASE_MS + 4 * FAULT_RENEW_MS,
      1_000,
    );
    expect(await pageFootprint(page), 'faults on: nothing a page can read changed').toEqual(before);
    expect((await forgeryReport(page))!).toMatchObject({ offers: 0, relayReady: 0, heard: [] });

    await switchFaultsOff(panel);
    expect(await probePostToken(page)).toBe(200);
    expect(await pageFootprint(page), 'faults off: nothing a page can read changed').toEqual(before);
    expect((await forgeryReport(page))!.heard).toEqual([]);
    await panel.close();
    await page.close();
  }, 120_000);
});
