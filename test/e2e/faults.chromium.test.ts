/**
 * Fault injection end to end in headless Chromium (issue 12): each fault of the panel's Reproduce menu,
 * switched on like a user in the real panel, makes the page's own code take its documented fallback, on the
 * real bot stack (botbuilder bot, real Web Chat, local Direct Line and token service) and on the real
 * Omnichannel code pages (Microsoft's live chat packages; `window.__realcode.decisions` is the page's own
 * record of what the real code decided).
 *
 * Every test runs one tab three times: without a fault (the page's own success), with the fault (kept across
 * the reload, as a user does for a flow that starts at load), and after the fault was switched off again. It
 * checks that
 *  - without a fault, the page succeeds (its scenario's expected decisions);
 *  - with the fault, the page decides exactly as the same real code decides when the fallback happens for real
 *    (the bench scenario that reproduces that fallback without the extension: rc-bot-shown-500,
 *    rc-bot-late-callback, rc-auth-slow, rc-auth-throws, rc-auth-expired, rc-auth-not-jwt; on the bot stack the
 *    card shown, postActivity's 'retry' or no invoke at all), apart from what the fault changes by design (a
 *    token POST the hook answers never reaches the token service);
 *  - the panel's diagnosis leads with the injected fault (`fault.injected-outcome`) and its sentence names it;
 *    the finding that would otherwise blame the site is marked "Injected fault" and kept at info;
 *  - switched off, the page decides again exactly as without the extension.
 * Also: a fault applies to its tab only; it is gone once its tab closes, and after the extension reloads
 * (the hook's lease runs out: FAULT_LEASE_MS), in the document that had it and after a reload.
 *
 * Waits are on conditions only (the page's `finished`, the panel's rendered seq, the banner); the one poll in
 * Node (a postToken probe) is bounded by the lease.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { realcodeScenarioPath } from '../../demo/realcode/scenarios.js';
import { join } from 'node:path';
import {
  EXTENSION_DEBUGGING_ARG,
  entriesOf,
  openPanel,
  reloadExtension,
  tabIdOf,
} from '../../scripts/lib/chromium.mjs';
import { root, useDemoAndExtension } from '../helpers/e2e';
import {
  backgroundFaults,
  checkRealcodeFaultCase,
  checkWebchatFaultCase,
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
  switchFaultsOn,
  waitInPage,
  waitUntilProbeIsClean,
  WEBCHAT_FAULT_CASES,
} from '../helpers/reproduce';

// The CDP Extensions domain: the last test reloads the extension as chrome://extensions does.
const env = useDemoAndExtension({ args: [EXTENSION_DEBUGGING_ARG] });
/** A test runs a page three times, one of them up to ~25 s (two auth calls held past the 10 s budget). */
const TEST_TIMEOUT = 180_000;

/** Opens `path` in a new tab, waits until it settles, and opens the real panel for that tab. */
async function openWithPanel(path: string, record: PageRecord) {
  const page = await env.browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  const url = `${env.server.url}${path}`;
  await page.goto(url);
  const first = await settled(page, record);
  const tabId = await tabIdOf(env.browser.worker, url);
  const panel = await openPanel(env.browser.context, env.browser.extensionId, tabId);
  return { page, panel, tabId, url, first, errors };
}

/** The diagnosis once the panel has rendered everything the background holds for the tab. */
async function diagnosisOf(panel: Page, tabId: number): Promise<PanelDiagnosis> {
  const last = (await entriesOf(env.browser.worker, tabId)).at(-1)?.seq ?? 0;
  await waitInPage(
    panel,
    (n) => Number(document.querySelector('.app[data-last-seq]')?.getAttribute('data-last-seq') ?? 0) >= n,
    last,
  );
  return readDiagnosisWhenShown(panel);
}

/** The hook's fault.applied entries in the tab's log (what the timeline marks as injected). */
async function appliedFaults(tabId: number): Promise<string[]> {
  return (await entriesOf(env.browser.worker, tabId))
    .filter((e: { event: { kind: string } }) => e.event.kind === 'fault.applied')
    .map((e: { event: { fault: string } }) => e.event.fault);
}

// ------------------------------------------------------------------------------ real Omnichannel code

describe('real Omnichannel code: each fault makes the real widget take its fallback', () => {
  for (const c of REALCODE_FAULT_CASES) {
    it(
      realcodeCaseTitle(c),
      async () => {
        const tab = await openWithPanel(realcodeScenarioPath(c.base), '__realcode');
        await checkRealcodeFaultCase(tab, c, {
          diagnose: () => diagnosisOf(tab.panel, tab.tabId),
          applied: () => appliedFaults(tab.tabId),
        });
        expect(tab.errors).toEqual([]);
      },
      TEST_TIMEOUT,
    );
  }
});

// ------------------------------------------------------------------------------ the real bot stack

describe('the real bot stack (Web Chat, botbuilder OAuthPrompt, Direct Line): the card is shown', () => {
  it(
    'exchange-502: the invoke is answered 502, postActivity gives retry, the page shows the card; other tabs are untouched',
    async () => {
      const tab = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await checkWebchatFaultCase(tab, WEBCHAT_FAULT_CASES['exchange-502'], {
        diagnose: () => diagnosisOf(tab.panel, tab.tabId),
        applied: () => appliedFaults(tab.tabId),
        // One tab only: the same page in another tab, while the fault is on here, signs in.
        whileOn: async () => {
          const other = await env.browser.context.newPage();
          await other.goto(`${env.server.url}${SSO_SUCCESS_PATH}`);
          expect(ssoOutcome(await settled(other, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
          await other.close();
        },
      });
    },
    TEST_TIMEOUT,
  );

  it(
    'strip-exchange-resource: the OAuthCard arrives without tokenExchangeResource, no invoke, the card is shown',
    async () => {
      const tab = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await checkWebchatFaultCase(tab, WEBCHAT_FAULT_CASES['strip-exchange-resource'], {
        diagnose: () => diagnosisOf(tab.panel, tab.tabId),
        applied: () => appliedFaults(tab.tabId),
      });
    },
    TEST_TIMEOUT,
  );
});

// ------------------------------------------------------------------------------ lifetime

describe('faults end with their tab and with the extension', () => {
  it(
    'a closed tab takes its faults (kept across reloads) with it: the background forgets them, a new tab has none',
    async () => {
      const { page, panel, tabId } = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await switchFaultsOn(panel, [{ id: 'post-token-status', status: 500 }], { keepAcrossReload: true });
      expect(await probePostToken(page)).toBe(500);
      expect(await backgroundFaults(env.browser.worker, tabId)).toEqual([{ id: 'post-token-status', status: 500 }]);
      await page.close();
      await expect.poll(() => backgroundFaults(env.browser.worker, tabId), { timeout: 10_000 }).toEqual([]);
      await panel.close();
      const fresh = await env.browser.context.newPage();
      await fresh.goto(`${env.server.url}${SSO_SUCCESS_PATH}`);
      expect(ssoOutcome(await settled(fresh, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      expect(await probePostToken(fresh)).toBe(200);
      await fresh.close();
    },
    TEST_TIMEOUT,
  );

  // Last in the file: it reloads the extension under the shared browser.
  it(
    'after the extension reloads, the page that had a fault meets none (its lease runs out), nor does it after a reload',
    async () => {
      const { page, panel } = await openWithPanel(SSO_SUCCESS_PATH, '__webchatDemo');
      await switchFaultsOn(panel, [{ id: 'post-token-status', status: 500 }]);
      expect(await probePostToken(page)).toBe(500);
      expect(await reloadExtension(env.browser.context, join(root, 'dist'))).toBe(env.browser.extensionId);
      // The old document: its relay is orphaned and stops renewing; the hook's lease ends by itself.
      expect(await waitUntilProbeIsClean(page)).toBe(200);
      // A reloaded page meets no fault either, and the reloaded extension's hook is in it again.
      const url = page.url();
      expect(ssoOutcome(await reloadSettled(page, '__webchatDemo'))).toEqual(SSO_SUCCEEDED);
      expect(await probePostToken(page)).toBe(200);
      const tabId = await tabIdOf(env.browser.worker, url);
      expect(await backgroundFaults(env.browser.worker, tabId)).toEqual([]);
      await page.close();
    },
    TEST_TIMEOUT,
  );
});
