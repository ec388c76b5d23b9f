/**
 * Stops the background service worker mid-session (CDP ServiceWorker.stopAllWorkers) and shows that
 * no event was lost: every SDK call the page made before, during and after the stops reaches the
 * panel, in order, with no gap in the log's sequence numbers.
 */
import { useDemoAndExtension } from '../helpers/e2e';
import { expect, it } from 'vitest';
import { scenarioById } from '../../demo/omnichannel/scenarios.js';
import { readRowsInPage } from '../../scripts/lib/panelReader.mjs';
import { runScenario } from '../../scripts/lib/scenarios.mjs';

const env = useDemoAndExtension();

it('loses no event when the service worker is stopped mid-session', async () => {
  const {
    page,
    panel,
    tabId,
    rows: before,
  } = await runScenario(env.browser, env.server.url, scenarioById('fast'), { keepOpen: true });
  const cdp = await env.browser.context.newCDPSession(panel);
  const stopWorker = async () => {
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
  };
  const TOTAL = 120;
  // The page calls an SDK method every 5 ms; the worker is stopped twice while it does.
  await page.evaluate((total) => {
    const SDK = (window as any).Microsoft.Omnichannel.LiveChatWidget.SDK;
    let i = 0;
    const id = setInterval(() => {
      SDK.startProactiveChat({ message: `invitation ${i}` });
      if (++i === total) clearInterval(id);
    }, 5);
  }, TOTAL);
  await page.waitForTimeout(100);
  await stopWorker();
  await panel.waitForFunction(
    () => document.querySelector('[data-testid=status]')?.textContent?.includes('reconnecting'),
    null,
    { timeout: 5_000 },
  );
  await page.waitForTimeout(250);
  await stopWorker();
  await page.waitForFunction(
    () => (window as any).__sim.log.filter((l: string) => l.startsWith('proactive invitation')).length === 120,
    null,
    { timeout: 10_000 },
  );

  const expected = before.filter((r: { kind: string }) => r.kind === 'sdk.call').length + TOTAL;
  await panel
    .waitForFunction((n) => document.querySelectorAll('.row[data-kind="sdk.call"]').length >= n, expected, {
      timeout: 15_000,
    })
    .catch(async (e) => {
      const shown = await panel.evaluate(() => [
        document.querySelectorAll('.row[data-kind="sdk.call"]').length,
        document.querySelector('[data-testid=status]')?.textContent,
      ]);
      const w = await env.browser.worker();
      const stored = await w.evaluate(async (t) => {
        const s = (globalThis as any).__chatSsoInspector;
        await s.ready;
        return s.store.entries(t).filter((x: any) => x.event.kind === 'sdk.call').length;
      }, tabId);
      throw new Error(
        `panel shows ${JSON.stringify(shown)}, background has ${stored}, expected ${expected} SDK calls: ${e.message}`,
      );
    });
  await panel.waitForFunction(() =>
    document.querySelector('[data-testid=status]')?.textContent?.endsWith(': connected'),
  );
  const after = (await panel.evaluate(readRowsInPage)) as { seq: number; kind: string; summary: string }[];
  const invitations = after.filter((r) => r.summary.startsWith('SDK.startProactiveChat('));
  expect(invitations.map((r) => r.summary)).toEqual(
    Array.from({ length: TOTAL }, (_, i) => `SDK.startProactiveChat({message: "invitation ${i}"})`),
  );
  // Everything from before the stops is still there, and the log has no holes.
  for (const r of before) expect(after.find((a) => a.seq === r.seq)?.summary).toBe(r.summary);
  const seqs = after.map((r) => r.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  expect(after.filter((r) => r.kind === 'relay.rejected')).toEqual([]);
});
