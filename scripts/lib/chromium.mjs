// Drives Debian's Chromium with the unpacked extension through playwright-core.
// Shared by `npm start` and the end-to-end tests.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** The Chromium binary: $CHROMIUM_PATH, else Debian's. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/lib/chromium/chromium'].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error('Chromium not found. Install it with `apt-get install chromium`, or set CHROMIUM_PATH.');
  return found;
}

/** Flags for Chromium on a machine with no outside network (see docs/architecture.md, testing). */
export const CHROMIUM_ARGS = [
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * Launches Chromium WITHOUT the extension, with the same flags: the baseline the transparency and
 * real-code tests compare against ("the same page, with and without the extension").
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, close(): Promise<void> }>}
 */
export async function launchPlainChromium({ headless = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'chat-sso-chromium-plain-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless,
    viewport: { width: 1280, height: 800 },
    args: CHROMIUM_ARGS,
  });
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

/**
 * Launches Chromium with the extension loaded. `args`: more Chromium flags (e.g. EXTENSION_DEBUGGING_ARG).
 * @param {{ extensionDir: string, headless?: boolean, devtools?: boolean, args?: string[] }} opts
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, extensionId: string, worker: () => Promise<import('playwright-core').Worker>, close(): Promise<void> }>}
 */
export async function launchWithExtension({ extensionDir, headless = true, devtools = false, args = [] }) {
  const profile = mkdtempSync(join(tmpdir(), 'chat-sso-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless,
    viewport: headless ? { width: 1280, height: 800 } : null,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...CHROMIUM_ARGS,
      ...(devtools ? ['--auto-open-devtools-for-tabs'] : []),
      ...args,
    ],
  });
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
  const extensionId = new URL(first.url()).host;
  const worker = async () => {
    const live = context.serviceWorkers().find((w) => w.url().includes(extensionId));
    return live ?? context.waitForEvent('serviceworker', { timeout: 15_000 });
  };
  const close = async () => {
    await context.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, extensionId, worker, close };
}

/**
 * The flag that opens the CDP `Extensions` domain (loadUnpacked), which reloadExtension needs. Chromium's own
 * chrome.runtime.reload() leaves an extension loaded with --load-extension disabled in this setup.
 */
export const EXTENSION_DEBUGGING_ARG = '--enable-unsafe-extension-debugging';

/**
 * Reloads the unpacked extension as chrome://extensions' Reload does (CDP Extensions.loadUnpacked on its
 * directory: same id, a new service worker, the old content scripts orphaned). Needs EXTENSION_DEBUGGING_ARG.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} extensionDir
 * @returns {Promise<string>} the extension id
 */
export async function reloadExtension(context, extensionDir) {
  const browser = context.browser();
  if (!browser) throw new Error('reloadExtension: the context has no browser to open a CDP session on');
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { id } = await cdp.send('Extensions.loadUnpacked', { path: extensionDir });
    return id;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/**
 * The extension's tab id for a page, read from the background's log (the extension has no `tabs`
 * permission, so `tabs.query` cannot find it). Waits until the page's hook has reported.
 */
export async function tabIdOf(worker, pageUrl, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const w = await worker();
    const id = await w
      .evaluate(async (url) => {
        const { store, ready } = globalThis.__chatSsoInspector;
        await ready;
        // A URL longer than the capture schema allows is stored cut, with a "…[+N chars]" marker.
        const cut = /…\[\+\d+ chars\]$/;
        const same = (stored) =>
          stored === url || (typeof stored === 'string' && cut.test(stored) && url.startsWith(stored.replace(cut, '')));
        for (const tabId of store.tabIds()) {
          if (store.entries(tabId).some((e) => e.event.kind === 'hook.installed' && same(e.event.url))) return tabId;
        }
        return null;
      }, pageUrl)
      .catch(() => null);
    if (id !== null) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No tab in the extension's log has loaded ${pageUrl}`);
}

/** Opens the panel as a page for `tabId` (the "panel-as-a-tab" harness). */
export async function openPanel(context, extensionId, tabId, query = '') {
  const panel = await context.newPage();
  await panel.goto(`chrome-extension://${extensionId}/panel.html?tabId=${tabId}${query}`);
  await panel.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent?.includes('connected'));
  return panel;
}

/** The log entries the background holds for a tab (what the panel shows, before rendering). */
export async function entriesOf(worker, tabId) {
  const w = await worker();
  return w.evaluate(async (t) => {
    const { store, ready } = globalThis.__chatSsoInspector;
    await ready;
    return store.entries(t);
  }, tabId);
}
