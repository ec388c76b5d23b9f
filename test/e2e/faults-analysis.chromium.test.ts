/**
 * Injected faults in the built extension's viewer (Chromium): a log holding the 502 scenario run once
 * without a fault and once with the injected 502 (as the hook and background record it, test/helpers/faults.ts)
 * shows the headline naming the injected fault, "⚡ injected" on the rows the fault changed (and the filter
 * finds them), and "What changed" sets the two attempts side by side, opened from the keyboard.
 */
import { describe, expect, it } from 'vitest';
import { useDemoAndExtension } from '../helpers/e2e';
import { twoRunsCaptureFile } from '../helpers/faults';

const env = useDemoAndExtension();

describe('the viewer, on a log with an injected fault', () => {
  it('names the fault, marks its rows, and compares the two runs', async () => {
    const { path, entries } = twoRunsCaptureFile();
    const viewer = await env.browser.context.newPage();
    await viewer.setViewportSize({ width: 1400, height: 900 });
    await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
    await viewer.setInputFiles('[data-testid=file-input]', path);
    await viewer.waitForFunction(
      () => document.querySelector('[data-testid=status]')?.textContent === 'capture: two-runs.json',
    );

    const headline = viewer.locator('[data-testid=headline]');
    await expect.poll(() => headline.getAttribute('data-check-id')).toBe('fault.injected-outcome');
    expect(await headline.textContent()).toContain(
      'Sign-in card shown because the injected 502 failed the token exchange',
    );

    const injected = entries.filter((e) => (e.event as { fault?: string }).fault).length;
    const badges = viewer.locator('[data-testid=injected-badge]');
    // The invoke's HTTP POST gives two rows (the request and the invoke), both marked.
    expect(await badges.count()).toBe(injected + 1);
    expect(await badges.first().getAttribute('title')).toMatch(/^injected exchange-502: /);

    await viewer.click('[data-testid=view-diagnosis]');
    await viewer.locator('[data-testid=attempt-injected]').waitFor();
    const open = viewer.locator('[data-testid=compare-open]');
    await open.focus();
    await viewer.keyboard.press('Enter');
    await viewer.locator('[data-testid=compare-view]').waitFor();
    expect(await open.getAttribute('aria-expanded')).toBe('true');
    expect(await viewer.locator('[data-testid=compare-summary]').textContent()).toMatch(
      /^Outcome changed: A card shown, B card hidden\./,
    );
    const diffs = await viewer
      .locator('[data-testid=compare-step]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-diff')));
    expect(diffs).toContain('changed');
    expect(diffs).toContain('only-a');
    // Keyboard: the pickers and the swap button are reachable and work.
    await viewer.locator('[data-testid=compare-swap]').focus();
    await viewer.keyboard.press('Enter');
    await expect
      .poll(() => viewer.locator('[data-testid=compare-summary]').textContent())
      .toMatch(/^Outcome changed: A card hidden, B card shown\./);
    await viewer.close();
  });
});
