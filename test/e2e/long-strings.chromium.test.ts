/**
 * End to end in headless Chromium with the built extension (issue 9, "cut, never dropped"): the
 * strings a page hands the hook that are longer than the capture schema allows (MAX_STRING characters)
 * are cut with a visible "…[+N chars]" marker, and the event that holds them is kept. Before, each of
 * these events was dropped whole by validation: a page whose own URL is long, an uncaught error with a
 * 5,000-character message, a token POST to a 4,200-character URL and an SDK call with a long argument.
 */
import { expect, it } from 'vitest';
import { entriesOf, openPanel, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { readRowsInPage, type PanelRow } from '../../scripts/lib/panelReader.mjs';
import { MAX_STRING } from '../../src/shared/constants';
import type { LogEntry } from '../../src/shared/events';
import { useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

/** The marker clip() leaves where it cut (src/shared/summarize.ts). */
const CUT = /…\[\+\d+ chars\]$/;

it('long page URL, error message, token POST URL and SDK argument are cut with a marker, not dropped', async () => {
  const url = `${env.server.url}/omnichannel/?scenario=fast&pad=${'p'.repeat(6_000)}`;
  const page = await env.browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message.slice(0, 40)));
  await page.goto(url);
  await page.waitForFunction(() => (window as any).__sim?.finished === true, null, { polling: 100 });
  const status = await page.evaluate(async () => {
    (window as any).Microsoft.Omnichannel.LiveChatWidget.SDK.getContextProvider(`ARG${'a'.repeat(10_000)}`);
    const res = await fetch(`/api/sas/postToken?pad=${'u'.repeat(4_200)}`, { method: 'POST', body: '{}' });
    setTimeout(() => {
      throw new Error(`BOOM${'e'.repeat(5_000)}`);
    });
    return res.status;
  });
  await expect.poll(() => pageErrors.length).toBe(1);
  expect(pageErrors).toEqual([expect.stringMatching(/^BOOMe+/)]);

  const tabId = await tabIdOf(env.browser.worker, url);
  const panel = await openPanel(env.browser.context, env.browser.extensionId, tabId);
  await panel.waitForFunction(() => document.querySelector('.timeline .row[data-kind="page.error"]') !== null);

  // Stored: every event is there, and no string in it is longer than the schema allows.
  const stored = (await entriesOf(env.browser.worker, tabId)) as LogEntry[];
  const events = stored.map((e) => e.event as Record<string, any>);
  const installed = events.find((e) => e.kind === 'hook.installed' && e.top)!;
  expect(installed.url.length).toBeLessThanOrEqual(MAX_STRING);
  expect(installed.url.length).toBeGreaterThan(MAX_STRING - 8);
  expect(installed.url.startsWith(url.slice(0, 1_000))).toBe(true);
  expect(installed.url).toMatch(CUT);
  const call = events.find((e) => e.kind === 'sdk.call' && e.method === 'getContextProvider')!;
  expect(call.args[0]).toMatch(/^ARGa+…\[\+\d+ chars\]$/);
  expect(call.args[0].length).toBeLessThanOrEqual(MAX_STRING);
  // The marker says how much was cut: kept + cut = the argument's length.
  const [, kept, cutCount] = /^(.*)…\[\+(\d+) chars\]$/s.exec(call.args[0])!;
  expect(kept!.length + Number(cutCount)).toBe(10_003);
  const post = events.find((e) => e.kind === 'net.request' && e.url.includes('pad=u'))!;
  expect(post).toMatchObject({ method: 'POST', status });
  expect(post.url).toMatch(CUT);
  const error = events.find((e) => e.kind === 'page.error' && JSON.stringify(e).includes('BOOM'))!;
  expect(JSON.stringify(error)).toMatch(/BOOMe+…\[\+\d+ chars\]/);
  expect(stored.some((e) => (e.event as { kind: string }).kind === 'relay.rejected')).toBe(false);

  // Shown: one row each, with the start of the long string.
  const rows: PanelRow[] = await panel.evaluate(readRowsInPage);
  expect(rows.find((r) => r.kind === 'hook.installed')!.summary).toContain('pad=ppp');
  expect(rows.find((r) => r.kind === 'sdk.call' && r.summary.includes('getContextProvider'))!.summary).toContain(
    'ARGaaa',
  );
  expect(rows.find((r) => r.kind === 'net.request' && r.summary.includes('postToken'))).toBeDefined();
  expect(rows.find((r) => r.kind === 'page.error')!.summary).toContain('BOOMeee');
  await panel.close();
  await page.close();
});
