/**
 * The README's walk-through of the Reproduce menu, on the real bot stack (real botbuilder bot, real Web Chat
 * and DirectLineJS, local Direct Line): a healthy SSO run (card hidden), then the same page with the
 * injected `exchange-502` fault switched on from the real panel's Reproduce menu and kept across the
 * reload. The page's own code takes its real fallback (postActivity gives 'retry', the OAuthCard is shown),
 * the diagnosis names the injected fault, and "What changed" sets the two runs side by side.
 * Takes docs/screenshots/reproduce-menu.png and docs/screenshots/compare-502.png.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { runWebChatScenario } from '../../scripts/lib/scenarios.mjs';
import { root, useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

type Demo = { finished: boolean; cardShown: boolean; invoke?: { result: string; status?: number } };

describe('Reproduce: the 502 fallback on demand, before and after', () => {
  it('switches exchange-502 on from the menu, the page falls back, the diagnosis and What changed say why', async () => {
    const { page, panel } = await runWebChatScenario(env.browser, env.server.url, webchatScenarioById('sso-success'), {
      keepOpen: true,
    });
    const before = (await page.evaluate(() => (window as any).__webchatDemo)) as Demo;
    expect(before.cardShown).toBe(false);

    await panel.setViewportSize({ width: 1400, height: 820 });
    await panel.check('[data-testid=preserve-log]');
    await panel.click('[data-testid=reproduce]');
    await panel.check('[data-testid=fault-keep]');
    await panel.check('[data-testid=fault-exchange-502]');
    await panel.locator('[data-testid=fault-banner]').waitFor();
    await panel.screenshot({ path: join(root, 'docs/screenshots/reproduce-menu.png') });
    await panel.keyboard.press('Escape');

    await page.reload();
    await page.waitForFunction(() => (window as any).__webchatDemo?.finished === true, null, {
      timeout: 90_000,
      polling: 100,
    });
    const after = (await page.evaluate(() => (window as any).__webchatDemo)) as Demo;
    // The page's own code took its fallback: DirectLineJS gave 'retry' and the OAuthCard was shown.
    expect(after.cardShown).toBe(true);
    expect(after.invoke?.result).toBe('retry');

    // The headline, above the timeline, names the injected fault as the cause.
    const headline = panel.locator('[data-testid=headline]');
    await expect.poll(() => headline.textContent(), { timeout: 20_000 }).toMatch(/injected 502/i);
    expect(await headline.getAttribute('data-check-id')).toBe('fault.injected-outcome');
    await panel.click('[data-testid=view-diagnosis]');
    await panel.locator('[data-testid=finding]').first().waitFor();
    // No finding blames the site for the 502.
    const findings = await panel.locator('[data-testid=finding]').allTextContents();
    expect(findings.filter((f) => /502/.test(f) && !/injected/i.test(f))).toEqual([]);

    await panel.click('[data-testid=compare-open]');
    const view = panel.locator('[data-testid=compare-view]');
    await view.waitFor();
    const diffs = await panel.locator('[data-testid=compare-step]').evaluateAll((rows) =>
      rows.map((r) => r.getAttribute('data-diff')),
    );
    expect(diffs.some((d) => d !== 'same')).toBe(true);
    expect(await panel.textContent('[data-testid=compare-summary]')).toMatch(/shown|hidden/);
    await view.scrollIntoViewIfNeeded();
    await view.screenshot({ path: join(root, 'docs/screenshots/compare-502.png') });

    await panel.click('[data-testid=fault-banner-off]');
    await panel.locator('[data-testid=fault-banner]').waitFor({ state: 'detached' });
    await panel.close();
    await page.close();
  });
});
