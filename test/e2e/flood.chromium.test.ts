/**
 * End to end in headless Chromium with the built extension (issue 9, "budgets" and "only trusted
 * events"): a page can dispatch the relay's DOM event itself (PAGE_EVENT_NAME on `document`), with any
 * detail. A flood of such messages, malformed in every way, leaves the panel responsive and shows as one
 * counted row; a forged top-frame `hook.installed` (a well-formed envelope) cannot wipe the log, while a
 * real navigation, which the browser reports, still restarts it. Every wait is on a condition.
 */
import { expect, it } from 'vitest';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { entriesOf } from '../../scripts/lib/chromium.mjs';
import { readRowsInPage } from '../../scripts/lib/panelReader.mjs';
import { runScenario } from '../../scripts/lib/scenarios.mjs';
import { PAGE_CHANNEL, PAGE_EVENT_NAME, PAGE_PROTOCOL } from '../../src/shared/constants';
import { useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();

/** The row text for messages a page dispatched under the extension's event name (src/analysis/rows/timeline.ts). */
const PAGE_SENT_TEXT = "message(s) a page script dispatched under the extension's event name were ignored (page-sent)";

type Panel = Awaited<ReturnType<typeof runScenario>>['panel'];

/** Waits until the panel's one "rejected" row reports `count` messages; returns that row's summary. */
async function waitForRejected(panel: Panel, count: number) {
  await panel.waitForFunction(
    (n) => {
      const rows = [...document.querySelectorAll('.timeline .row[data-kind="relay.rejected"]')];
      return (
        rows.length === 1 &&
        rows[0]!
          .querySelectorAll('[role=gridcell]')[3]
          ?.textContent?.startsWith(`${n} message(s) a page script dispatched`)
      );
    },
    count,
    { timeout: 30_000 },
  );
  return (await panel.evaluate(readRowsInPage)).find((r) => r.kind === 'relay.rejected')!.summary;
}

/** Records the panel's longest main-thread stall (a 50 ms heartbeat) from now on. */
async function startHeartbeat(panel: Panel) {
  await panel.evaluate(() => {
    const w = window as unknown as { __maxGap: number; __stop: () => void };
    let last = performance.now();
    w.__maxGap = 0;
    const id = setInterval(() => {
      const now = performance.now();
      w.__maxGap = Math.max(w.__maxGap, now - last);
      last = now;
    }, 50);
    w.__stop = () => clearInterval(id);
  });
  return async () =>
    panel.evaluate(
      () => (
        (window as unknown as { __stop: () => void }).__stop(),
        (window as unknown as { __maxGap: number }).__maxGap
      ),
    );
}

it('a flood of malformed page messages is one counted row, and the panel stays responsive', async () => {
  const {
    page,
    panel,
    tabId,
    rows: before,
  } = await runScenario(env.browser, env.server.url, scenarioById('fast')!, { keepOpen: true });
  const errors: string[] = [];
  panel.on('pageerror', (e) => errors.push(e.message));
  const stop = await startHeartbeat(panel);
  const WAVES = 5;
  const PER_WAVE = 1_000;
  for (let wave = 1; wave <= WAVES; wave++) {
    await page.evaluate(
      ({ name, channel, v, n }) => {
        const big = 'x'.repeat(300_000);
        let deep = '0';
        for (let i = 0; i < 5_000; i++) deep = `[${deep}]`;
        const envelope = (events: unknown[]) => JSON.stringify({ channel, v, events });
        const details: unknown[] = [
          42,
          '{not json',
          big,
          deep,
          envelope([{ kind: 'made.up', t: 1, at: 2 }]),
          envelope([{ kind: 'lcw.event', name: 42, t: 1, at: 2 }]),
          envelope([
            {
              kind: 'hook.installed',
              url: 'https://evil.test/',
              top: true,
              readyState: 'loading',
              t: 1,
              at: Date.now(),
            },
          ]),
          envelope([
            {
              kind: 'sdk.call',
              method: 'startChat',
              args: [],
              outcome: 'returned',
              durationMs: 1,
              returnedPromise: false,
              t: 1,
              at: Date.now(),
            },
          ]),
          { channel, v, events: [] },
        ];
        for (let i = 0; i < n; i++)
          document.dispatchEvent(new CustomEvent(name, { detail: details[i % details.length] }));
      },
      { name: PAGE_EVENT_NAME, channel: PAGE_CHANNEL, v: PAGE_PROTOCOL, n: PER_WAVE },
    );
    // Each wave is counted in the same row (the relay reports at most once a second; the background adds up).
    await waitForRejected(panel, wave * PER_WAVE);
  }
  const summary = await waitForRejected(panel, WAVES * PER_WAVE);
  expect(summary).toBe(`${WAVES * PER_WAVE} ${PAGE_SENT_TEXT}`);

  // Nothing the page sent became a row, and nothing was wiped: the log is what it was, plus the one row.
  const after = await panel.evaluate(readRowsInPage);
  expect(after.filter((r) => r.kind !== 'relay.rejected').map((r) => [r.seq, r.summary])).toEqual(
    before.map((r) => [r.seq, r.summary]),
  );
  expect(after.some((r) => r.summary.includes('evil.test') || r.label === 'navigation')).toBe(false);
  const stored = await entriesOf(env.browser.worker, tabId);
  expect(stored).toHaveLength(before.length + 1);

  // Responsive: the panel's main thread never stalled for long, and it still follows the page and the user.
  const maxGap = await stop();
  expect(maxGap).toBeLessThan(2_000);
  await page.evaluate(() =>
    (window as any).Microsoft.Omnichannel.LiveChatWidget.SDK.getContextProvider('after the flood'),
  );
  await panel.waitForFunction(() =>
    [...document.querySelectorAll('.timeline .row[data-kind="sdk.call"]')].some((r) =>
      r.textContent?.includes('after the flood'),
    ),
  );
  await panel.fill('[data-testid=search]', 'page-sent');
  await panel.waitForFunction(() => document.querySelector('[data-testid=shown]')?.textContent?.startsWith('1 of'));
  expect(errors).toEqual([]);
  await panel.close();
  await page.close();
});

it('a forged top-frame hook.installed cannot wipe the log; a real reload still restarts it', async () => {
  const {
    page,
    panel,
    tabId,
    rows: before,
  } = await runScenario(env.browser, env.server.url, scenarioById('fast')!, { keepOpen: true });
  expect(before.length).toBeGreaterThan(3);
  await page.evaluate(
    ({ name, channel, v }) => {
      const forged = {
        kind: 'hook.installed',
        url: location.href,
        top: true,
        readyState: 'loading',
        t: performance.now(),
        at: Date.now(),
      };
      document.dispatchEvent(new CustomEvent(name, { detail: JSON.stringify({ channel, v, events: [forged] }) }));
    },
    { name: PAGE_EVENT_NAME, channel: PAGE_CHANNEL, v: PAGE_PROTOCOL },
  );
  // The forged message was seen, and counted, not taken.
  expect(await waitForRejected(panel, 1)).toBe(`1 ${PAGE_SENT_TEXT}`);
  const rows = await panel.evaluate(readRowsInPage);
  expect(rows.filter((r) => r.kind !== 'relay.rejected').map((r) => [r.seq, r.summary])).toEqual(
    before.map((r) => [r.seq, r.summary]),
  );
  expect(rows.filter((r) => r.kind === 'hook.installed')).toHaveLength(1);
  const firstSeq = before[0]!.seq;
  expect((await entriesOf(env.browser.worker, tabId))[0].seq).toBe(firstSeq);

  // The browser reports a real navigation: the log restarts (Preserve log is off), the rejection row with it.
  await page.reload();
  await page.waitForFunction(() => (window as any).__sim?.finished === true);
  await panel.waitForFunction((seq) => {
    const rows = [...document.querySelectorAll('.timeline .row[data-seq]')].map(
      (r) => [Number(r.getAttribute('data-seq')), r.getAttribute('data-kind')] as const,
    );
    return (
      rows.length > 0 &&
      rows.every(([s]) => s > seq) &&
      rows.filter(([, k]) => k === 'hook.installed').length === 1 &&
      rows.some(([, k]) => k === 'lcw.event')
    );
  }, before.at(-1)!.seq);
  expect((await panel.evaluate(readRowsInPage)).some((r) => r.kind === 'relay.rejected')).toBe(false);
  await panel.close();
  await page.close();
});
