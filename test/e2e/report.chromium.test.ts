/**
 * "Export report" in the real DevTools panel (Chromium, built extension, real bot stack): the HTML
 * report opens offline from a file with nothing loaded and no script run, its text holds the panel's
 * headline and findings, and with the default profile it holds no segment of any token of the live log;
 * the Markdown report holds the same headline and findings. Run after `npm run build`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { entriesOf } from '../../scripts/lib/chromium.mjs';
import { readDiagnosis } from '../../scripts/lib/panelReader.mjs';
import { runWebChatScenario } from '../../scripts/lib/scenarios.mjs';
import { root, useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

/** Every JWS-looking token in a log (tokens handed over, invoked, sent in headers, in summaries). */
function tokensIn(value: unknown): Set<string> {
  return new Set([...JSON.stringify(value).matchAll(/eyJ[\w-]{2,}\.[\w-]*\.[\w-]+/g)].map((m) => m[0]));
}

describe('Export report', () => {
  it('writes an HTML report that opens offline and a Markdown report, both redacted by default', async () => {
    const r = await runWebChatScenario(env.browser, env.server.url, webchatScenarioById('sso-failure-502')!, {
      keepOpen: true,
    });
    const live = await entriesOf(env.browser.worker, r.tabId);
    const shown = await readDiagnosis(r.panel);
    expect(shown.headline?.id).toBe('bf.invoke-502');
    expect(await r.panel.inputValue('[data-testid=redaction]')).toBe('mask');

    const [html] = await Promise.all([
      r.panel.waitForEvent('download'),
      r.panel.click('[data-testid=export-report-html]'),
    ]);
    expect(html.suggestedFilename()).toMatch(/^chat-sso-report-.*\.html$/);
    // Saved under its own name: Playwright keeps downloads without an extension, which a browser opens as text.
    const dir = mkdtempSync(join(tmpdir(), 'chat-sso-report-'));
    const htmlPath = join(dir, html.suggestedFilename());
    await html.saveAs(htmlPath);
    const htmlText = readFileSync(htmlPath, 'utf8');
    const [md] = await Promise.all([r.panel.waitForEvent('download'), r.panel.click('[data-testid=export-report-md]')]);
    expect(md.suggestedFilename()).toMatch(/\.md$/);
    const mdText = readFileSync((await md.path())!, 'utf8');

    // No segment (header, payload, signature) of any token of the live log.
    const tokens = tokensIn(live);
    expect(tokens.size).toBeGreaterThan(0);
    for (const t of tokens)
      for (const segment of t.split('.').filter((s) => s.length >= 8)) {
        expect(htmlText.includes(segment), 'a token segment in the HTML report').toBe(false);
        expect(mdText.includes(segment), 'a token segment in the Markdown report').toBe(false);
      }

    // Offline: opened from the file, with every network request failing; nothing is requested but the file.
    const page = await env.browser.context.newPage();
    const requested: string[] = [];
    page.on('request', (q) => requested.push(q.url()));
    await page.route(/^(?!file:)/, (route) => route.abort());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = pathToFileURL(htmlPath).href;
    await page.goto(url);
    await page.waitForSelector('[data-testid=headline]');
    expect(requested).toEqual([url]);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => document.scripts.length)).toBe(0);
    expect(await page.getAttribute('[data-testid=headline]', 'data-check-id')).toBe(shown.headline!.id);
    const text = (await page.textContent('body'))!;
    for (const f of shown.findings) expect(text).toContain(f.title);
    for (const a of shown.attempts) expect(text).toContain(a.sentence);
    const cited = await page.evaluate(() => document.querySelectorAll('tr[id^="row-"]').length);
    expect(cited).toBeGreaterThan(0);
    await page.setViewportSize({ width: 1100, height: 800 });
    await page.screenshot({ path: join(root, 'docs/screenshots/report.png'), fullPage: true });
    await page.close();

    expect(mdText).toContain(`\`${shown.headline!.id}\``);
    for (const f of shown.findings) expect(mdText).toContain(`\`${f.id}\``);
    await r.panel.close();
    await r.page.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
