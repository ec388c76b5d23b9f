/**
 * Injected faults in the built extension's viewer in headless Firefox (puppeteer-core over WebDriver BiDi):
 * the same log as faults-analysis.chromium.test.ts (the 502 scenario without a fault, then with the injected
 * 502): the headline names the fault, its rows carry "⚡ injected", and "What changed", opened from the
 * keyboard, sets the two attempts side by side.
 */
import { describe, expect, it } from 'vitest';
import { FIREFOX_EXTENSION_UUID } from '../../scripts/lib/firefox.mjs';
import { useDemoAndFirefox } from '../helpers/e2e';
import { twoRunsCaptureFile } from '../helpers/faults';

const env = useDemoAndFirefox();

describe('the viewer, on a log with an injected fault', () => {
  it('names the fault, marks its rows, and compares the two runs', async () => {
    const { path, name, entries } = twoRunsCaptureFile();
    const viewer = await env.browser.browser.newPage();
    await viewer.setViewport({ width: 1400, height: 900 });
    // Puppeteer reports a detached frame for moz-extension navigations; the page loads regardless.
    await viewer
      .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/viewer.html`, { waitUntil: 'domcontentloaded', timeout: 10_000 })
      .catch(() => undefined);
    const input = (await viewer.waitForSelector('[data-testid=file-input]', { timeout: 10_000 }))! as unknown as {
      uploadFile(path: string): Promise<void>;
    };
    await input.uploadFile(path);
    await viewer.waitForFunction(
      (n: string) =>
        document.querySelector('[data-testid=status]')?.textContent === `capture: ${n}` &&
        document.querySelector('[data-testid=headline]')?.getAttribute('data-check-id') === 'fault.injected-outcome',
      { timeout: 15_000, polling: 50 },
      name,
    );
    const headline = await viewer.$eval('[data-testid=headline]', (el) => el.textContent);
    expect(headline).toContain('Sign-in card shown because the injected 502 failed the token exchange');
    const marked = entries.filter((e) => (e.event as { fault?: string }).fault).length;
    const badges = await viewer.$$eval('[data-testid=injected-badge]', (els) =>
      els.map((el) => el.getAttribute('title')),
    );
    // The invoke's HTTP POST gives two rows (the request and the invoke), both marked.
    expect(badges).toHaveLength(marked + 1);
    for (const title of badges) expect(title).toMatch(/^injected exchange-502: /);

    await viewer.click('[data-testid=view-diagnosis]');
    await viewer.waitForSelector('[data-testid=compare-open]', { timeout: 10_000 });
    await viewer.focus('[data-testid=compare-open]');
    await viewer.keyboard.press('Enter');
    await viewer.waitForSelector('[data-testid=compare-view]', { timeout: 10_000 });
    const summary = await viewer.$eval('[data-testid=compare-summary]', (el) => el.textContent);
    expect(summary).toMatch(/^Outcome changed: A card shown, B card hidden\./);
    const diffs = await viewer.$$eval('[data-testid=compare-step]', (rows) =>
      rows.map((r) => r.getAttribute('data-diff')),
    );
    expect(diffs).toContain('changed');
    expect(diffs).toContain('only-a');
    await viewer.close();
  });
});
