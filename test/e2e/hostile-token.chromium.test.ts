/**
 * End to end in headless Chromium with the built extension (issue 9, "the panel and viewer never go
 * blank"): a page whose auth token provider calls back with a crafted JWT (header
 * {"alg":{"toString":0},"typ":["x"]}, claims {"toString":0,"exp":{"valueOf":0},"lwicontexts":{"toString":0}},
 * the simulator's hostile-token scenario) still gets its timeline and diagnosis in the real panel
 * (panel.html?tabId=…), the token row explains what it cannot display, the details show the decoded
 * token with its problems, and the exported capture opens in the viewer. No part of either page fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { readDiagnosis, readRowsInPage } from '../../scripts/lib/panelReader.mjs';
import { runScenario } from '../../scripts/lib/scenarios.mjs';
import { useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

/** What the token row must say: the parts of the token it cannot display as a JWT normally reads. */
const EXPLAINED =
  'JWT with alg {"toString":0} (an object, not a string; RS256 required), exp is not a NumericDate ({"valueOf":0}), lwicontexts is an object, not a string';
const NOTES = [
  `⚠ The header's alg is an object ({"toString":0}), not a string naming the algorithm (RS256).`,
  `⚠ The header's typ is an array (["x"]), not a string.`,
  `⚠ The payload's exp is an object ({"valueOf":0}), not a finite NumericDate (seconds since 1970-01-01).`,
];

type Page = Awaited<ReturnType<typeof runScenario>>['panel'];

/** Collects uncaught errors and the text of every "could not be shown" notice of a page. */
function watch(page: Page) {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return {
    errors,
    notices: () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-testid=part-failed]')].map(
          (n) => `${n.getAttribute('data-part')}: ${n.textContent}`,
        ),
      ),
  };
}

describe('a page that hands over a crafted token (Chromium)', () => {
  it('still shows its timeline, diagnosis and details in the panel, and the capture in the viewer', async () => {
    const scenario = scenarioById('hostile-token')!;
    const r = await runScenario(env.browser, env.server.url, scenario, { keepOpen: true });
    const panel = watch(r.panel);

    // The page's own record: its provider called back, and the (simulated) widget rejected the token.
    expect(r.measurements.find((m: { kind: string }) => m.kind === 'auth')).toMatchObject({ calledBack: true });

    // Timeline: every event of the page is there, the token row explains what it cannot display.
    expect(r.rows.map((x) => x.kind)).toEqual(
      expect.arrayContaining(['hook.installed', 'sdk.call', 'provider.invoke', 'provider.callback', 'lcw.event']),
    );
    const callback = r.rows.find((x) => x.kind === 'provider.callback')!;
    expect(callback.severity).toBe('warning');
    expect(callback.summary).toMatch(/^callback\(token\) after [\d.]+ ms: /);
    expect(callback.summary.endsWith(EXPLAINED)).toBe(true);
    expect(r.rows.find((x) => x.label.endsWith('lcw:error'))!.summary).toMatch(
      /^lcw:error code 4: Auth token provider provided invalid token/,
    );

    // Diagnosis: the headline, the attempt with its steps, the findings.
    expect(r.diagnosis.headline).toMatchObject({
      id: 'auth.alg-not-rs256',
      text: expect.stringContaining('Token alg is {"toString":0} (an object), not RS256'),
    });
    expect(r.diagnosis.attempts).toEqual([
      expect.objectContaining({
        outcome: 'chat failed',
        sentence: expect.stringMatching(/^Authenticated chat failed with lcw:error 4 .*\.$/),
      }),
    ]);
    expect(r.diagnosis.findings.map((f: { id: string }) => f.id)).toEqual(
      expect.arrayContaining(['auth.alg-not-rs256', 'auth.lwicontexts-not-string', 'lcw.error']),
    );
    expect(r.diagnosis.findings.map((f: { id: string }) => f.id)).not.toContain('inspector.check-failed');

    // Details: the decoded token, its problems in words, the lwicontexts table.
    await r.panel.click('.row[data-kind="provider.callback"]');
    await r.panel.waitForSelector('[data-testid=jwt-header]');
    expect(JSON.parse((await r.panel.textContent('[data-testid=jwt-header]'))!)).toEqual({
      alg: { toString: 0 },
      typ: ['x'],
    });
    expect(JSON.parse((await r.panel.textContent('[data-testid=jwt-payload]'))!)).toEqual({
      toString: 0,
      exp: { valueOf: 0 },
      lwicontexts: { toString: 0 },
    });
    expect(await r.panel.locator('[data-testid=jwt-note]').allTextContents()).toEqual(NOTES);
    expect(await r.panel.textContent('[data-testid=jwt-times]')).toContain('{"valueOf":0}invalidnot a number');
    expect(await r.panel.textContent('[data-testid=lwicontexts]')).toContain(
      'lwicontexts is a JSON object; it must be a string holding serialized JSON',
    );
    // The invocation's row shows the same token in its details.
    await r.panel.click('.row[data-kind="provider.invoke"]');
    await r.panel.waitForSelector('[data-testid=jwt-note]');
    expect(await panel.notices()).toEqual([]);

    // The viewer: the exported capture (default redaction, then none) renders with the same rows and diagnosis.
    const liveRows = await r.panel.evaluate(readRowsInPage);
    for (const redaction of ['mask', 'none'] as const) {
      await r.panel.selectOption('[data-testid=redaction]', redaction);
      const [download] = await Promise.all([
        r.panel.waitForEvent('download'),
        r.panel.click('[data-testid=export-capture]'),
      ]);
      const file = (await download.path())!;
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'chat-sso-inspector.capture', redaction });
      const viewer = await env.browser.context.newPage();
      const seen = watch(viewer);
      await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
      await viewer.setInputFiles('[data-testid=file-input]', file);
      await viewer.waitForFunction(
        (n) => document.querySelectorAll('.timeline .row[data-seq]').length === n,
        liveRows.length,
      );
      const rows = await viewer.evaluate(readRowsInPage);
      // Same events; the severity mark may differ under a redaction profile that rewrites the token.
      const unmarked = (x: { kind: string; label: string }) => [x.kind, x.label.replace(/^[⚠✖]\s*/, '')];
      expect(rows.map(unmarked)).toEqual(liveRows.map(unmarked));
      const row = rows.find((x) => x.kind === 'provider.callback')!;
      // With "none" the row reads as live; a redaction that masks the token must say so.
      if (redaction === 'none') expect(row.summary.endsWith(EXPLAINED)).toBe(true);
      else expect(row.summary.endsWith(EXPLAINED) || row.summary.includes('redaction')).toBe(true);
      expect(await viewer.getAttribute('[data-testid=headline]', 'data-check-id')).toBeTruthy();
      await viewer.click('.row[data-kind="provider.callback"]');
      await viewer.waitForSelector('[data-testid=details] [data-testid=jwt]');
      if (redaction === 'none') {
        expect(JSON.parse((await viewer.textContent('[data-testid=jwt-header]'))!)).toEqual({
          alg: { toString: 0 },
          typ: ['x'],
        });
        expect(await viewer.locator('[data-testid=jwt-note]').allTextContents()).toEqual(NOTES);
        expect(await viewer.getAttribute('[data-testid=headline]', 'data-check-id')).toBe('auth.alg-not-rs256');
      }
      const diagnosis = await readDiagnosis(viewer);
      expect(diagnosis.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['chat failed']);
      expect(diagnosis.findings.map((f: { id: string }) => f.id)).not.toContain('inspector.check-failed');
      expect(await seen.notices(), `viewer (${redaction})`).toEqual([]);
      expect(seen.errors, `viewer (${redaction})`).toEqual([]);
      await viewer.close();
    }

    expect(await panel.notices()).toEqual([]);
    expect(panel.errors).toEqual([]);
    await r.panel.close();
    await r.page.close();
  });
});
