/**
 * The store packages (scripts/package.mjs, `npm run package`): both zips are written from dist/ with
 * package.json's version and each browser's manifest; Mozilla's linter finds no errors in the Firefox
 * zip; the Chromium zip, unzipped, loads in Chromium with no manifest errors and its service worker
 * runs; the Firefox zip installs in Firefox as a temporary add-on and its background runs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchWithExtension } from '../../scripts/lib/chromium.mjs';
import { FIREFOX_EXTENSION_UUID, GECKO_ID, launchFirefoxWithExtension } from '../../scripts/lib/firefox.mjs';
import { formatLintMessages, lintFirefoxPackage, readPackageJson, writePackages } from '../../scripts/package.mjs';

const pkg = readPackageJson();
const temp = mkdtempSync(join(tmpdir(), 'chat-sso-package-test-'));
let zips: Awaited<ReturnType<typeof writePackages>>;

beforeAll(async () => {
  zips = await writePackages({ outDir: join(temp, 'packages') });
}, 60_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** Unzips `zipPath` into a new folder under the test's temp dir; returns the folder. */
async function unzip(zipPath: string): Promise<string> {
  const dir = join(temp, basename(zipPath, '.zip'));
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  for (const entry of Object.values(zip.files)) {
    if (entry.dir) continue;
    mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
    writeFileSync(join(dir, entry.name), await entry.async('nodebuffer'));
  }
  return dir;
}

async function manifestIn(zipPath: string) {
  const zip = await JSZip.loadAsync(readFileSync(zipPath));
  return JSON.parse(await zip.file('manifest.json')!.async('string'));
}

it("writes one zip per browser, named with and holding package.json's version, each with its browser's manifest", async () => {
  expect(basename(zips.chromium)).toBe(`chat-sso-inspector-chromium-${pkg.version}.zip`);
  expect(basename(zips.firefox)).toBe(`chat-sso-inspector-firefox-${pkg.version}.zip`);
  const chromium = await manifestIn(zips.chromium);
  const firefox = await manifestIn(zips.firefox);
  expect([chromium.version, firefox.version]).toEqual([pkg.version, pkg.version]);
  expect(chromium.background).toEqual({ service_worker: 'background.js' });
  expect(chromium.browser_specific_settings).toBeUndefined();
  expect(firefox.background).toEqual({ scripts: ['background.js'] });
  expect(firefox.browser_specific_settings.gecko.id).toBe(GECKO_ID);
});

it('passes web-ext lint (Mozilla’s linter) with no errors', async () => {
  const result = await lintFirefoxPackage(zips.firefox);
  // Each message as one line, so a failure says which check and file.
  expect(formatLintMessages({ ...result, warnings: [], notices: [] })).toEqual([]);
  expect(result.summary.errors).toBe(0);
});

it('loads the Chromium zip: the service worker starts and Chromium reports no manifest errors', async () => {
  const browser = await launchWithExtension({ extensionDir: await unzip(zips.chromium) });
  try {
    const worker = await browser.worker();
    expect(new URL(worker.url()).pathname).toBe('/background.js');
    expect(await worker.evaluate(async () => (await (globalThis as any).__chatSsoInspector.ready, true))).toBe(true);
    // Chromium lists manifest warnings (unknown or misplaced keys) only in developer mode: turn it on,
    // reload the extension, then read what chrome://extensions would show.
    const page = await browser.context.newPage();
    await page.goto('chrome://extensions');
    const info = await page.evaluate(async (id) => {
      const dev = (globalThis as any).chrome.developerPrivate;
      await dev.updateProfileConfiguration({ inDeveloperMode: true });
      await dev.reload(id, { failQuietly: false, populateErrorForUnpacked: true });
      const { version, state, manifestErrors, installWarnings } = await dev.getExtensionInfo(id);
      return { version, state, manifestErrors, installWarnings };
    }, browser.extensionId);
    expect(info).toEqual({ version: pkg.version, state: 'ENABLED', manifestErrors: [], installWarnings: [] });
  } finally {
    await browser.close();
  }
});

it('installs the Firefox zip as a temporary add-on, and its background runs', async () => {
  const ff = await launchFirefoxWithExtension({ extensionDir: zips.firefox });
  try {
    expect(ff.id).toBe(GECKO_ID);
    const page = await ff.browser.newPage();
    // Puppeteer reports a detached frame for moz-extension navigations; the page loads regardless.
    await page
      .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/viewer.html`, { waitUntil: 'domcontentloaded', timeout: 10_000 })
      .catch(() => undefined);
    await page.waitForFunction(() => typeof (globalThis as any).browser !== 'undefined', { timeout: 10_000 });
    const seen = await page.evaluate(async () => {
      const { runtime } = (globalThis as any).browser;
      const background = await runtime.getBackgroundPage();
      await background.__chatSsoInspector.ready;
      return runtime.getManifest().version;
    });
    expect(seen).toBe(pkg.version);
  } finally {
    await ff.close();
  }
});
