/**
 * Panel features in the built extension (Chromium): preserve log across reloads with navigation
 * markers, export then import in the standalone viewer (same events and findings; the default
 * export is redacted), the .transcript export, the toolbar badge, and the dark and light themes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, useDemoAndExtension } from '../helpers/e2e';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { entriesOf, openPanel, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { readDiagnosis, readRowsInPage } from '../../scripts/lib/panelReader.mjs';
import { runScenario, runWebChatScenario } from '../../scripts/lib/scenarios.mjs';

const env = useDemoAndExtension();

/** Every JWT-looking string in a log (tokens handed over, invoked, sent in headers, in summaries). */
function tokensIn(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') for (const m of value.matchAll(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g)) out.add(m[0]);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) tokensIn(v, out);
  return out;
}

describe('preserve log', () => {
  it('clears on reload by default, keeps the log with navigation markers when on', async () => {
    const { page, panel } = await runScenario(env.browser, env.server.url, scenarioById('fast'), { keepOpen: true });
    const rowsBefore = (await panel.evaluate(readRowsInPage)).length;
    await page.reload();
    await page.waitForFunction(() => (window as any).__sim?.finished === true);
    await panel.waitForFunction(() => document.querySelectorAll('.row[data-kind="lcw.event"]').length >= 3);
    const afterReload = await panel.evaluate(readRowsInPage);
    expect(afterReload.filter((r) => r.kind === 'hook.installed')).toHaveLength(1);
    expect(afterReload.length).toBeLessThanOrEqual(rowsBefore);
    await panel.check('[data-testid=preserve-log]');
    await page.reload();
    await page.waitForFunction(() => (window as any).__sim?.finished === true);
    await panel.waitForFunction(
      () =>
        document.querySelectorAll('.row[data-kind="hook.installed"]').length === 2 &&
        document.querySelectorAll('.row[data-kind="lcw.event"]').length >= 6,
    );
    const preserved = await panel.evaluate(readRowsInPage);
    expect(preserved.filter((r) => r.label === 'navigation').map((r) => r.summary)).toEqual([
      `Navigated to ${env.server.url}/omnichannel/?scenario=fast`,
    ]);
    await panel.close();
    await page.close();
  });
});

describe('export and import', () => {
  it('round-trips through the viewer with the same events and findings, redacted by default', async () => {
    const r = await runWebChatScenario(env.browser, env.server.url, webchatScenarioById('sso-failure-502')!, {
      keepOpen: true,
    });
    const live = await entriesOf(env.browser.worker, r.tabId);
    const liveRows = await r.panel.evaluate(readRowsInPage);
    const [download] = await Promise.all([
      r.panel.waitForEvent('download'),
      r.panel.click('[data-testid=export-capture]'),
    ]);
    const file = (await download.path())!;
    const text = readFileSync(file, 'utf8');
    const exported = JSON.parse(text);
    expect(exported).toMatchObject({ format: 'chat-sso-inspector.capture', version: 1, redaction: 'mask' });
    // No token value and no signature from the capture is in the file.
    const tokens = tokensIn(live);
    expect(tokens.size).toBeGreaterThan(0);
    for (const t of tokens) {
      expect(text.includes(t), 'a whole token').toBe(false);
      expect(text.includes(t.split('.')[2]!), 'a token signature').toBe(false);
    }
    // The viewer shows the same rows and the same diagnosis.
    const viewer = await env.browser.context.newPage();
    await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
    await viewer.setInputFiles('[data-testid=file-input]', file);
    await viewer.waitForFunction(() => document.querySelectorAll('.timeline .row[data-seq]').length > 5);
    const viewerRows = await viewer.evaluate(readRowsInPage);
    expect(viewerRows.map((x) => [x.kind, x.label, x.severity])).toEqual(
      liveRows.map((x) => [x.kind, x.label, x.severity]),
    );
    const viewerDiagnosis = await readDiagnosis(viewer);
    const liveDiagnosis = await readDiagnosis(r.panel);
    expect(viewerDiagnosis.findings.map((f: { id: string }) => f.id)).toEqual(
      liveDiagnosis.findings.map((f: { id: string }) => f.id),
    );
    expect(viewerDiagnosis.attempts).toEqual(liveDiagnosis.attempts);
    expect(diagnose(exported.entries).findings.map((f) => f.id)).toEqual(diagnose(live).findings.map((f) => f.id));

    // The .transcript export: a JSON array of activities with the OAuthCard and the invoke.
    const [t] = await Promise.all([r.panel.waitForEvent('download'), r.panel.click('[data-testid=export-transcript]')]);
    expect(t.suggestedFilename()).toMatch(/\.transcript$/);
    const transcriptText = readFileSync((await t.path())!, 'utf8');
    const transcript = JSON.parse(transcriptText);
    expect(Array.isArray(transcript)).toBe(true);
    expect(
      transcript.some((a: any) =>
        a.attachments?.some(
          (x: any) => x.contentType === 'application/vnd.microsoft.card.oauth' && x.content?.tokenExchangeResource?.uri,
        ),
      ),
    ).toBe(true);
    expect(transcript.some((a: any) => a.type === 'invoke' && a.name === 'signin/tokenExchange')).toBe(true);
    for (const tok of tokens) expect(transcriptText.includes(tok.split('.')[2]!)).toBe(false);
    await viewer.close();
    await r.panel.close();
    await r.page.close();
  });

  it('opens a HAR recorded from the real bot stack and diagnoses it', async () => {
    const viewer = await env.browser.context.newPage();
    await viewer.setViewportSize({ width: 1400, height: 820 });
    await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
    await viewer.setInputFiles('[data-testid=file-input]', join(root, 'test/fixtures/har/sso-failure-502.har'));
    await viewer.waitForSelector('.row[data-tag="oauthcard"]');
    expect(await viewer.textContent('[data-testid=status]')).toBe('HAR: sso-failure-502.har');
    expect(await viewer.getAttribute('[data-testid=headline]', 'data-check-id')).toBe('bf.invoke-502');
    expect(await viewer.getAttribute('.row[data-tag="oauthcard"]', 'data-outcome')).toBe('shown');
    await viewer.click('.row[data-tag="oauthcard"]');
    await viewer.screenshot({ path: join(root, 'docs/screenshots/viewer-har.png') });
    const d = await readDiagnosis(viewer);
    expect(d.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['card shown']);
    await viewer.close();
  });

  it('explains a file it cannot read', async () => {
    const viewer = await env.browser.context.newPage();
    await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
    await viewer.setInputFiles('[data-testid=file-input]', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await viewer.waitForSelector('[data-testid=viewer-notice]');
    expect(await viewer.textContent('[data-testid=viewer-notice]')).toContain('is not JSON');
    await viewer.close();
  });
});

describe('badge and theme', () => {
  it('shows the tab’s error count on the toolbar icon', async () => {
    const r = await runScenario(env.browser, env.server.url, scenarioById('throws'), { keepOpen: true });
    const w = await env.browser.worker();
    await expect
      .poll(() => w.evaluate((t) => (globalThis as any).chrome.action.getBadgeText({ tabId: t }), r.tabId), {
        timeout: 5_000,
      })
      .toBe('2');
    await r.panel.close();
    await r.page.close();
  });

  it('renders in dark and light', async () => {
    const page = await env.browser.context.newPage();
    const url = `${env.server.url}/omnichannel/?scenario=hs256`;
    await page.goto(url);
    await page.waitForFunction(() => (window as any).__sim?.finished === true);
    const tabId = await tabIdOf(env.browser.worker, url);
    const colors: Record<string, string> = {};
    for (const theme of ['dark', 'light'] as const) {
      const panel = await openPanel(env.browser.context, env.browser.extensionId, tabId, `&theme=${theme}`);
      await panel.waitForSelector('.row[data-seq]');
      colors[theme] = await panel.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await panel.screenshot({ path: join(root, `docs/screenshots/theme-${theme}.png`) });
      await panel.close();
    }
    expect(colors).toEqual({ dark: 'rgb(32, 33, 36)', light: 'rgb(255, 255, 255)' });
    await page.close();
  });
});
