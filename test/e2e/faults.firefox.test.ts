/**
 * Fault injection end to end in headless Firefox (puppeteer-core over WebDriver BiDi, the extension as a
 * temporary add-on): a representative subset of test/e2e/faults.chromium.test.ts and
 * test/e2e/faults-security.test.ts (opening the panel for a tab costs ~10 s here: the tab is found in the
 * extension's storage).
 *  - exchange-502 on the real bot stack: the card is shown, the diagnosis names the injected 502; off again, SSO
 *    succeeds.
 *  - bot-auth-delay on the real Omnichannel code: the widget decides after its window and shows the card, as
 *    rc-bot-late-callback does for real; the diagnosis names the injected delay.
 *  - a page's forgeries (events named like ours, the handshake replayed, postMessage, BroadcastChannel, globals,
 *    storage kept across a reload) switch nothing on; the postToken probe meets the injected 500 only once the
 *    panel switches it on.
 *  - a closed tab takes its faults (kept across reloads) with it: the background's mirror in storage.session
 *    forgets them, and a new tab meets none.
 *  - after the add-on is reloaded (uninstalled and installed again, as about:debugging's Reload does), the page
 *    that had a fault meets none once the hook's lease runs out, nor after a reload.
 */
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { realcodeScenarioPath } from '../../demo/realcode/scenarios.js';
import { openFirefoxPanel, waitForPanelToShowLog } from '../../scripts/lib/firefox.mjs';
import { root, useDemoAndFirefox } from '../helpers/e2e';
import {
  bannerText,
  checkRealcodeFaultCase,
  checkWebchatFaultCase,
  forgeryReport,
  forgeryScript,
  type PageRecord,
  type PanelDiagnosis,
  probePostToken,
  readDiagnosisWhenShown,
  REALCODE_FAULT_CASES,
  realcodeCaseTitle,
  reloadSettled,
  settled,
  SSO_SUCCEEDED,
  SSO_SUCCESS_PATH,
  ssoOutcome,
  switchFaultsOff,
  switchFaultsOn,
  waitInPage,
  waitUntilProbeIsClean,
  WEBCHAT_FAULT_CASES,
} from '../helpers/reproduce';

const env = useDemoAndFirefox();
const TEST_TIMEOUT = 180_000;

/** A new tab (retried once: Firefox over BiDi can refuse one while another tab navigates). */
async function newTab(): Promise<Page> {
  return env.browser.browser.newPage().catch(async (e: unknown) => {
    if (!/no such frame|BrowsingContext/i.test(String((e as Error)?.message ?? e))) throw e;
    return env.browser.browser.newPage();
  });
}

async function openWithPanel(path: string, record: PageRecord) {
  const page = await newTab();
  const url = `${env.server.url}${path}`;
  await page.goto(url);
  const first = await settled(page, record);
  const { panel, tabId } = await openFirefoxPanel(env.browser.browser, url);
  return { page, panel, tabId, url, first };
}

async function diagnosisOf(panel: Page, tabId: number): Promise<PanelDiagnosis> {
  await waitForPanelToShowLog(panel, tabId);
  return readDiagnosisWhenShown(panel);
}

/** Rows of the panel's timeline an injected fault made or marked. */
const injectedRows = (panel: Page) =>
  panel.evaluate(
    () => document.querySelectorAll('.timeline .row[data-kind="fault.applied"], [data-testid=injected-badge]').length,
  );

describe('each fault makes the page take its fallback (Firefox)', () => {
  it(
    'exchange-502 on the real bot stack: postActivity gives retry, the card is shown; off again, SSO succeeds',
    async () => {
      const tab = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await checkWebchatFaultCase(tab, WEBCHAT_FAULT_CASES['exchange-502'], {
        diagnose: () => diagnosisOf(tab.panel, tab.tabId),
      });
    },
    TEST_TIMEOUT,
  );

  const botDelay = REALCODE_FAULT_CASES.find((c) => c.faults[0]!.id === 'bot-auth-delay')!;
  it(
    `${realcodeCaseTitle(botDelay)}: the widget decides after its window`,
    async () => {
      const tab = await openWithPanel(realcodeScenarioPath(botDelay.base), '__realcode');
      await checkRealcodeFaultCase(tab, botDelay, { diagnose: () => diagnosisOf(tab.panel, tab.tabId) });
    },
    TEST_TIMEOUT,
  );
});

describe('a page cannot switch a fault on (Firefox)', () => {
  it(
    'forged messages, globals and storage (kept across a reload) switch nothing on; the panel can',
    async () => {
      const page = await newTab();
      const url = `${env.server.url}${SSO_SUCCESS_PATH}`;
      await page.goto(url);
      expect(ssoOutcome(await settled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      // The hostile script as a page script after load (Firefox's driver has no request routing to serve it first).
      await page.evaluate(forgeryScript({ repeat: 8, everyMs: 100 }));
      await waitInPage(page, () => (window as any).__forgery?.attacks >= 9, null);
      expect(await probePostToken(page)).toBe(200);
      expect(await forgeryReport(page)).toMatchObject({ offers: 0, relayReady: 0, heard: [] });
      // The forged sets wait in storage for the next document.
      expect(ssoOutcome(await reloadSettled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      expect(await probePostToken(page)).toBe(200);

      const { panel } = await openFirefoxPanel(env.browser.browser, url);
      try {
        expect(await bannerText(panel), 'no fault banner').toBeNull();
        expect(await injectedRows(panel)).toBe(0);
        // The probe can fail: the panel's fault is met at once.
        await switchFaultsOn(panel, [{ id: 'post-token-status', status: 500 }]);
        expect(await probePostToken(page)).toBe(500);
        await switchFaultsOff(panel);
        expect(await probePostToken(page)).toBe(200);
      } finally {
        await panel.close();
        await page.close();
      }
    },
    TEST_TIMEOUT,
  );
});

/** The tab's fault set as the background mirrors it in `storage.session` (`faults:<tabId>`), read from the panel. */
const storedFaults = (panel: Page, tabId: number) =>
  panel.evaluate(async (id) => {
    const key = `faults:${id}`;
    const area = (globalThis as any).browser.storage.session;
    return ((await area.get(key))[key] as { faults?: unknown[] } | undefined)?.faults ?? null;
  }, tabId);

describe('faults end with their tab and with the extension (Firefox)', () => {
  it(
    'a closed tab takes its faults (kept across reloads) with it: the background forgets them, a new tab has none',
    async () => {
      const { page, panel, tabId } = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await switchFaultsOn(panel, [{ id: 'post-token-status', status: 500 }], { keepAcrossReload: true });
      expect(await probePostToken(page)).toBe(500);
      await expect
        .poll(() => storedFaults(panel, tabId), { timeout: 10_000 })
        .toEqual([{ id: 'post-token-status', status: 500 }]);
      await page.close();
      await expect.poll(() => storedFaults(panel, tabId), { timeout: 10_000 }).toBeNull();
      await panel.close();
      const fresh = await newTab();
      await fresh.goto(`${env.server.url}${SSO_SUCCESS_PATH}`);
      expect(ssoOutcome(await settled(fresh, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      expect(await probePostToken(fresh)).toBe(200);
      await fresh.close();
    },
    TEST_TIMEOUT,
  );

  // Last in the file: it reinstalls the add-on under the shared browser.
  it(
    'after the add-on is reloaded, the page that had a fault meets none (its lease runs out), nor after a reload',
    async () => {
      const { page, panel } = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await switchFaultsOn(panel, [{ id: 'post-token-status', status: 500 }]);
      expect(await probePostToken(page)).toBe(500);
      await panel.close().catch(() => undefined);
      await env.browser.browser.uninstallExtension(env.browser.id);
      await env.browser.browser.installExtension(join(root, 'dist'));
      expect(await waitUntilProbeIsClean(page)).toBe(200);
      expect(ssoOutcome(await reloadSettled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      expect(await probePostToken(page)).toBe(200);
      await page.close();
    },
    TEST_TIMEOUT,
  );
});
