// Drives Debian's firefox-esr with the unpacked extension through puppeteer-core over WebDriver BiDi.
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

/** Fixed moz-extension UUID for the test profile, so the panel URL is predictable. */
export const FIREFOX_EXTENSION_UUID = 'd1d2d3d4-0000-4000-8000-000000000001';
export const GECKO_ID = 'chat-sso-inspector@example.invalid';

export function firefoxPath() {
  const found = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox']
    .filter(Boolean)
    .find((p) => existsSync(p));
  if (!found) throw new Error('Firefox not found. Install it with `apt-get install firefox-esr`, or set FIREFOX_PATH.');
  return found;
}

/**
 * Launches headless Firefox WITHOUT the extension: the baseline for "the same page, with and without
 * the extension".
 */
export async function launchPlainFirefox() {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: firefoxPath(), headless: true });
  return { browser, close: () => browser.close() };
}

/** Launches headless Firefox and installs the extension as a temporary add-on. */
export async function launchFirefoxWithExtension({ extensionDir }) {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath(),
    headless: true,
    // Needed to open moz-extension:// pages from the driver.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }) },
  });
  const id = await browser.installExtension(extensionDir);
  return { browser, id, close: () => browser.close() };
}

/**
 * Opens the panel as a page for the tab that loaded `pageUrl`, finding the tab id in the
 * extension's session storage (Firefox's tab ids are not the driver's).
 */
export async function openFirefoxPanel(browser, pageUrl) {
  const panel = await browser.newPage();
  // Puppeteer reports a detached frame for moz-extension navigations; the page loads regardless.
  await panel
    .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/panel.html?tabId=0`, {
      waitUntil: 'domcontentloaded',
      timeout: 10_000,
    })
    .catch(() => undefined);
  await panel.waitForFunction(
    () => typeof browser !== 'undefined' && !!document.querySelector('[data-testid=status]'),
    { timeout: 10_000 },
  );
  const tabId = await panel.evaluate(async (url) => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const all = await browser.storage.session.get(null);
      // Closed chunks are stored gzip-compressed ({gz: base64}), pieces of the open chunk as JSON text
      // ({json}); see src/background/tabLog.ts and chunkCodec.ts.
      const decode = async (value) => {
        if (Array.isArray(value)) return value;
        if (typeof value.json === 'string') return JSON.parse(value.json);
        const bytes = Uint8Array.from(atob(value.gz), (c) => c.charCodeAt(0));
        const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
        return JSON.parse(await new Response(stream).text());
      };
      for (const [key, value] of Object.entries(all)) {
        const m = /^log:(\d+):\d+$/.exec(key);
        if (m && (await decode(value)).some((e) => e.event.kind === 'hook.installed' && e.event.url === url))
          return Number(m[1]);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return null;
  }, pageUrl);
  if (tabId === null) throw new Error(`No tab in the extension's log has loaded ${pageUrl}`);
  await panel.evaluate((id) => {
    location.search = `?tabId=${id}`;
  }, tabId);
  await panel.waitForFunction(
    (id) => document.querySelector('[data-testid=status]')?.textContent === `tab ${id}: connected`,
    { timeout: 10_000 },
    tabId,
  );
  return { panel, tabId };
}

/**
 * Waits until the panel has rendered every entry the background had stored for `tabId` when called
 * (the panel root's data-last-seq reaches the log's last seq, read from the tab's meta in
 * storage.session; see src/background/tabLog.ts). A condition, not a delay.
 */
export async function waitForPanelToShowLog(panel, tabId, timeout = 15_000) {
  const last = await panel.evaluate(async (id) => {
    const key = `log:${id}:meta`;
    const meta = (await browser.storage.session.get(key))[key];
    return (meta?.nextSeq ?? 1) - 1;
  }, tabId);
  await panel.waitForFunction(
    (n) => Number(document.querySelector('.app[data-last-seq]')?.getAttribute('data-last-seq') ?? 0) >= n,
    { timeout },
    last,
  );
}
