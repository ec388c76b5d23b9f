/**
 * End-to-end helpers for fault injection (issue 12; src/shared/faults.ts): the panel's Reproduce menu
 * driven like a user, in a Playwright (Chromium) or Puppeteer (Firefox) page; a probe of the fault state a
 * page's request meets; the hostile page script (forgery.page.js) and what a page can see of the extension.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import type { Page as PuppeteerPage } from 'puppeteer-core';
import {
  CHANNEL_OFFER_EVENT,
  CHANNEL_REQUEST_EVENT,
  FAULTS_EVENT_NAME,
  HOOK_PROBE_EVENT,
  PAGE_CHANNEL,
  PAGE_EVENT_NAME,
  RELAY_READY_EVENT,
} from '../../src/shared/constants';
import {
  describeFault,
  FAULT_IDS,
  FAULT_LEASE_MS,
  type Fault,
  type FaultId,
  type FaultSet,
} from '../../src/shared/faults';

/** A page of either driver. */
export type AnyPage = PlaywrightPage | PuppeteerPage;

const isPlaywright = (page: AnyPage): page is PlaywrightPage => typeof (page as PlaywrightPage).context === 'function';

/** The calls these helpers make, which both drivers' pages accept the same way. */
interface Driven {
  evaluate(fn: ((...args: any[]) => unknown) | string, ...args: unknown[]): Promise<any>;
  $(selector: string): Promise<unknown>;
}
const drive = (page: AnyPage) => page as unknown as Driven;

/** Waits until `fn(arg)` is truthy in the page (polling, a condition, never a delay). Returns its value. */
export async function waitInPage<A, R>(page: AnyPage, fn: (arg: A) => R, arg: A, timeout = 15_000): Promise<R> {
  // Playwright: waitForFunction(fn, arg, options); Puppeteer: waitForFunction(fn, options, ...args).
  const p = page as any;
  const handle = isPlaywright(page)
    ? await p.waitForFunction(fn, arg, { timeout, polling: 100 })
    : await p.waitForFunction(fn, { timeout, polling: 100 }, arg);
  return (await handle.jsonValue()) as R;
}

/**
 * Polls `check` in Node until it returns a value other than undefined, at most `timeoutMs`; throws with
 * `what` and the last value seen otherwise. For conditions a page cannot wait on itself (a probe request).
 */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// ------------------------------------------------------------------------------- the Reproduce menu

/** Selectors of the panel's Reproduce menu and fault banner (panel/ReproduceMenu.tsx), in one place. */
export const MENU = {
  toggle: '[data-testid=reproduce]',
  menu: '[data-testid=reproduce-menu]',
  fault: (id: FaultId) => `[data-testid=fault-${id}]`,
  seconds: (id: FaultId) => `[data-testid=fault-${id}-seconds]`,
  authFailMode: '[data-testid=fault-auth-fail-mode]',
  postTokenStatus: '[data-testid=fault-post-token-status-status]',
  keep: '[data-testid=fault-keep]',
  allOff: '[data-testid=faults-off]',
  banner: '[data-testid=fault-banner]',
} as const;

// Both drivers have page.locator(selector).click() / .fill(value) and page.keyboard.press(key).
async function click(page: AnyPage, selector: string): Promise<void> {
  await (page as any).locator(selector).click();
}

/** Types `value` into an input and leaves it with Tab, so its change event fires as it does for a user. */
async function type(page: AnyPage, selector: string, value: string): Promise<void> {
  await (page as any).locator(selector).fill(value);
  await (page as any).keyboard.press('Tab');
}

async function choose(page: AnyPage, selector: string, value: string): Promise<void> {
  if (isPlaywright(page)) await page.selectOption(selector, value);
  else await page.select(selector, value);
}

/** Whether a checkbox is ticked; null when it is not there. */
const isChecked = (page: AnyPage, selector: string): Promise<boolean | null> =>
  drive(page).evaluate(
    (s: string) => (document.querySelector(s) as HTMLInputElement | null)?.checked ?? null,
    selector,
  );

/**
 * Clicks a checkbox unless it already is `on`, then waits until it shows `on`. The fault checkboxes show
 * the background's state (LogState.faults), so this waits for the round trip, and the next change starts
 * from the set the background holds.
 */
async function setChecked(page: AnyPage, selector: string, on: boolean): Promise<void> {
  if ((await isChecked(page, selector)) !== on) await click(page, selector);
  await waitInPage(page, ([s, v]) => (document.querySelector(s) as HTMLInputElement | null)?.checked === v, [
    selector,
    on,
  ] as const);
}

/** Opens the Reproduce menu (a click on its toolbar button) unless it is open. */
export async function openReproduceMenu(panel: AnyPage): Promise<void> {
  if (await drive(panel).$(MENU.menu)) return;
  await click(panel, MENU.toggle);
  await waitInPage(panel, (s) => !!document.querySelector(s), MENU.menu);
}

/** The fault banner's text, or null when the panel shows none (every fault off). */
export function bannerText(panel: AnyPage): Promise<string | null> {
  return drive(panel).evaluate((s: string) => document.querySelector(s)?.textContent ?? null, MENU.banner);
}

/**
 * Waits until the panel shows exactly `faults` on: the banner names each (describeFault), or is gone when
 * none, and in the open menu exactly their checkboxes are ticked.
 */
export async function waitForFaultsShown(panel: AnyPage, faults: readonly Fault[]): Promise<void> {
  const want = {
    texts: faults.map(describeFault),
    ids: FAULT_IDS.map((id) => [MENU.fault(id), faults.some((f) => f.id === id)] as const),
    banner: MENU.banner,
  };
  await waitInPage(
    panel,
    (w) => {
      const text = document.querySelector(w.banner)?.textContent ?? null;
      const bannerOk = w.texts.length === 0 ? text === null : text !== null && w.texts.every((t) => text.includes(t));
      return (
        bannerOk && w.ids.every(([s, on]) => (document.querySelector(s) as HTMLInputElement | null)?.checked === on)
      );
    },
    want,
  );
}

/**
 * Switches `faults` on in the panel's Reproduce menu, like a user: ticks "Keep across reload" first when
 * asked (so the set is sent with it), then for each fault types its seconds or picks its setting and ticks
 * it. Waits until the panel shows them on.
 */
export async function switchFaultsOn(
  panel: AnyPage,
  faults: readonly Fault[],
  { keepAcrossReload = false }: { keepAcrossReload?: boolean } = {},
): Promise<void> {
  await openReproduceMenu(panel);
  await setChecked(panel, MENU.keep, keepAcrossReload);
  for (const f of faults) {
    if ('seconds' in f) await type(panel, MENU.seconds(f.id), String(f.seconds));
    if ('mode' in f) await choose(panel, MENU.authFailMode, f.mode);
    if ('status' in f) await choose(panel, MENU.postTokenStatus, String(f.status));
    await setChecked(panel, MENU.fault(f.id), true);
  }
  await waitForFaultsShown(panel, faults);
}

/** Switches every fault off from the menu ("Turn all off", a click), and waits until the panel shows none. */
export async function switchFaultsOff(panel: AnyPage): Promise<void> {
  await openReproduceMenu(panel);
  await click(panel, MENU.allOff);
  await waitForFaultsShown(panel, []);
}

// ------------------------------------------------------------------------------- what a page meets

/** The demo server's stand-in for the token service's postToken (tokenPostResource.sasUrl); it answers 200. */
export const PROBE_POST_TOKEN_PATH = '/api/sas/postToken?sim_status=200';

/**
 * POSTs to the postToken stand-in from the page, as a page's bot auth token provider does, and returns the
 * status the page saw: 200 from the server, or what an active `post-token-status` fault answers instead.
 * A probe of the fault state the page's requests meet in that document.
 */
export function probePostToken(page: AnyPage): Promise<number> {
  return drive(page).evaluate(
    async (path: string) => (await fetch(path, { method: 'POST', body: '{"token":"probe"}' })).status,
    PROBE_POST_TOKEN_PATH,
  );
}

/**
 * Waits until a page's postToken probe meets no fault (200). Faults end by themselves FAULT_LEASE_MS after
 * the relay last renewed them; `slackMs` allows for a busy machine.
 */
export function waitUntilProbeIsClean(page: AnyPage, slackMs = 15_000): Promise<number> {
  return until(
    'the postToken probe answered by the server (200)',
    async () => ((await probePostToken(page)) === 200 ? 200 : undefined),
    FAULT_LEASE_MS + slackMs,
    500,
  );
}

// ------------------------------------------------------------------------------- a hostile page

/** Every fault on, kept across reloads: what a hostile page would like the hook to apply. */
export const FORGED_SET: FaultSet = {
  faults: [
    { id: 'auth-delay', seconds: 11 },
    { id: 'auth-fail', mode: 'throw' },
    { id: 'bot-auth-delay', seconds: 3 },
    { id: 'post-token-status', status: 500 },
    { id: 'exchange-502' },
    { id: 'strip-exchange-resource' },
  ],
  keepAcrossReload: true,
};

/** The names the extension uses on the page (src/shared/constants.ts): the forgery dispatches and listens to them. */
export const OUR_NAMES = {
  FAULTS_EVENT_NAME,
  PAGE_EVENT_NAME,
  CHANNEL_OFFER_EVENT,
  CHANNEL_REQUEST_EVENT,
  RELAY_READY_EVENT,
  HOOK_PROBE_EVENT,
  PAGE_CHANNEL,
};

/** Globals a page might hope the extension reads a fault set from. */
export const FORGED_GLOBALS = [
  '__chatSsoInspector',
  '__chatSsoInspectorFaults',
  'chatSsoInspector',
  '__CHAT_SSO_INSPECTOR__',
  'chatSsoInspectorFaults',
  FAULTS_EVENT_NAME,
  PAGE_CHANNEL,
  'faults',
  '__faults',
];

/** Storage keys (localStorage, sessionStorage, cookies, an IndexedDB database) a page might hope are read. */
export const FORGED_STORAGE_KEYS = [
  PAGE_CHANNEL,
  FAULTS_EVENT_NAME,
  'chat-sso-inspector-faults',
  'chatSsoInspector.faults',
  'faults',
  'settings',
  'keepAcrossReload',
];

/** forgery.page.js as a function expression (its text: the page runs it, Node never does). */
const FORGERY_SOURCE = `(${readFileSync(join(import.meta.dirname, 'forgery.page.js'), 'utf8')
  .replace(/^(\/\/.*\n)+/, '')
  .replace(/^export /, '')
  .trim()})`;

/**
 * The hostile page script, ready to run: tries every way a page has to switch a fault on (see
 * forgery.page.js), `repeat` more times every `everyMs` after it first runs.
 */
export function forgeryScript({
  extensionId = '',
  tabId = 0,
  repeat = 40,
  everyMs = 250,
}: {
  extensionId?: string;
  tabId?: number;
  repeat?: number;
  everyMs?: number;
}): string {
  const args = {
    set: FORGED_SET,
    names: OUR_NAMES,
    globals: FORGED_GLOBALS,
    storageKeys: FORGED_STORAGE_KEYS,
    extensionId,
    tabId,
    repeat,
    everyMs,
  };
  return `${FORGERY_SOURCE}(${JSON.stringify(args)});`;
}

/** What the hostile script saw (window.__forgery). */
export interface ForgeryReport {
  runs: number;
  attacks: number;
  offers: number;
  relayReady: number;
  heard: string[];
  errors: string[];
  indexedDb?: string;
}

export function forgeryReport(page: AnyPage): Promise<ForgeryReport | null> {
  return drive(page).evaluate(() => JSON.parse(JSON.stringify((window as any).__forgery ?? null)));
}

/**
 * What a page can read that an extension might leave behind: own property names of window and document,
 * storage (localStorage, sessionStorage: keys and values), cookies, IndexedDB databases, and elements or
 * attributes on <html> that a page did not make. Compared before and after faults are switched on.
 */
export function pageFootprint(page: AnyPage): Promise<Record<string, unknown>> {
  return drive(page).evaluate(async () => {
    const entries = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`);
    const dbs = typeof indexedDB.databases === 'function' ? (await indexedDB.databases()).map((d) => d.name) : [];
    return {
      windowKeys: Object.getOwnPropertyNames(window).sort(),
      documentKeys: Object.getOwnPropertyNames(document).sort(),
      localStorage: entries(localStorage).sort(),
      sessionStorage: entries(sessionStorage).sort(),
      cookie: document.cookie.split('; ').sort(),
      indexedDB: dbs.sort(),
      htmlAttributes: [...document.documentElement.attributes].map((a) => `${a.name}=${a.value}`),
    };
  });
}
