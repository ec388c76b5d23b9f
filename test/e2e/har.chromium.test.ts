/**
 * HAR import against the live extension, on the same traffic: Web Chat SSO scenarios on the real
 * local bot stack, in headless Chromium with the built extension AND Playwright's HAR recorder
 * (content embedded, WebSocket frames in `_webSocketMessages`). For each scenario, the diagnosis of
 * that page's HAR entries must match the diagnosis of the live capture. Run after `npm run build`.
 * HAR_FIXTURE=write also stores the sso-failure-502 HAR (Web Chat bundle body trimmed) as
 * test/fixtures/har/sso-failure-502.har, for the unit tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Request, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { chromiumPath, entriesOf, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { mapLimit } from '../../scripts/lib/scenarios.mjs';
import { diagnose } from '../../src/analysis/diagnosis';
import { harToEntries } from '../../src/analysis/formats/har';
import type { EventOf, LogEntry } from '../../src/shared/events';

const root = join(import.meta.dirname, '../..');
/** Scenarios whose HAR must diagnose like the live capture: the main SSO outcomes, the WebSocket transport, a page without window.WebChat. */
const SAME = [
  'sso-success',
  'sso-failure-412',
  'sso-failure-502',
  'sso-aud-mismatch',
  'sso-websocket',
  'sso-private-bundle',
];
/** The page shows the card after a successful exchange: a decision made in Web Chat's store, which a HAR cannot see. */
const IDS = [...SAME, 'sso-card-released'];

let server: Awaited<ReturnType<typeof startDemoServer>>;
let dir: string;
/** Per scenario: the page URL, the live log, and when it was read (ms since the epoch). */
const live = new Map<string, { url: string; entries: LogEntry[]; readAt: number }>();
let har: { log: { pages: { id: string }[]; entries: Record<string, any>[] } };

beforeAll(async () => {
  server = await startDemoServer();
  dir = mkdtempSync(join(tmpdir(), 'chat-sso-har-'));
  const extensionDir = join(root, 'dist');
  // launchWithExtension's arguments, plus recordHar: a context option, so this test launches its own context.
  const context: BrowserContext = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    recordHar: { path: join(dir, 'webchat.har'), content: 'embed' },
  });
  try {
    const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    const extensionId = new URL(first.url()).host;
    const worker = async (): Promise<Worker> =>
      context.serviceWorkers().find((w) => w.url().includes(extensionId)) ??
      context.waitForEvent('serviceworker', { timeout: 15_000 });
    await mapLimit(IDS, 3, async (id: string) => {
      const page = await context.newPage();
      const url = `${server.url}/webchat/?${webchatScenarioById(id)!.query}`;
      await page.goto(url);
      await page.waitForFunction(() => (window as any).__webchatDemo?.finished === true, null, {
        timeout: 45_000,
        polling: 100,
      });
      const tabId = await tabIdOf(worker, url);
      await page.waitForTimeout(300); // late events (the last poll, Web Chat's store)
      const readAt = Date.now();
      live.set(id, { url, entries: await entriesOf(worker, tabId), readAt }); // before closing: a closed tab's log is dropped
      // Close between two polls (every 300 ms): a poll cut off by the close is in the HAR without its response or body.
      const poll = (r: Request) =>
        r.method() === 'GET' && /\/v3\/directline\/conversations\/[^/]+\/activities/.test(r.url());
      if (!url.includes('ws=1')) await page.waitForEvent('requestfinished', { predicate: poll, timeout: 5_000 });
      await page.waitForTimeout(100);
      await page.close();
    });
  } finally {
    await context.close(); // writes the HAR
  }
  har = JSON.parse(readFileSync(join(dir, 'webchat.har'), 'utf8'));
  if (process.env.HAR_FIXTURE === 'write') writeFixture('sso-failure-502');
}, 120_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The HAR page (pageref) whose document request loaded the scenario's URL. */
function pagerefOf(id: string): string {
  const doc = har.log.entries.find((e) => e._resourceType === 'document' && e.request.url === live.get(id)!.url);
  if (!doc?.pageref) throw new Error(`No page in the HAR loaded ${live.get(id)!.url}`);
  return doc.pageref;
}

/** Stores one scenario's page of the HAR, with the Web Chat bundle's 3.9 MB body left out. */
function writeFixture(id: string) {
  const pageref = pagerefOf(id);
  const entries = har.log.entries
    .filter((e) => e.pageref === pageref)
    .map((e) =>
      /\/vendor\/webchat\.js$/.test(new URL(e.request.url).pathname)
        ? {
            ...e,
            response: { ...e.response, content: { ...e.response.content, text: '' } },
            comment: 'body trimmed for the fixture',
          }
        : e,
    );
  const trimmed = { log: { ...har.log, pages: har.log.pages.filter((p) => p.id === pageref), entries } };
  writeFileSync(join(root, `test/fixtures/har/${id}.har`), `${JSON.stringify(trimmed, null, 1)}\n`);
}

type Dl = EventOf<'directline.http'>;
const events = (entries: LogEntry[]) => entries.map((e) => e.event);
const dlHttp = (entries: LogEntry[]) => events(entries).filter((e): e is Dl => e.kind === 'directline.http');
/** A directline.http event without what differs by nature between the hook and a HAR (ids, clocks). */
const comparable = ({ requestId, t, at, elapsedMs, ...rest }: Dl) => rest;
const received = (entries: LogEntry[]) =>
  events(entries)
    .flatMap((e) => (e.kind === 'directline.activities' ? e.activities.map((a) => `${e.via} ${a.id}`) : []))
    .sort();

/**
 * Checks that the import warned only about Direct Line requests cut off by closing the page (no
 * response, or no body), and that those started after the live log was read, so they are no difference.
 */
function expectOnlyCutOffWarnings(ids: string[], warnings: string[]) {
  expect(warnings.filter((w) => !/had no body|no response in the HAR/.test(w))).toEqual([]);
  const refs = new Set(ids.map(pagerefOf));
  const cut = har.log.entries.filter(
    (e) =>
      refs.has(e.pageref) &&
      /\/v3\/directline\//.test(e.request.url) &&
      e._resourceType !== 'websocket' &&
      (e.response.status <= 0 || e.response.content.text === undefined),
  );
  for (const e of cut)
    expect(Date.parse(e.startedDateTime)).toBeGreaterThanOrEqual(
      live.get(ids.find((id) => pagerefOf(id) === e.pageref)!)!.readAt - 5,
    );
}

/** What only the live hook sees: Web Chat's store, the DirectLine object's postActivity() results, window.WebChat. */
const LIVE_ONLY = new Set(['webchat.detected', 'webchat.action', 'directline.post']);
/** The one clause of an attempt's sentence that needs postActivity()'s result (directline.post), which a HAR cannot see. */
const withoutRetryClause = (s: string) => s.replace("; DirectLineJS turned it into 'retry'", '');

describe('a HAR of the same traffic gives the same diagnosis as the live capture (Chromium, real bot stack)', () => {
  it.each(SAME.map((id) => [id]))('%s', (id) => {
    const imported = harToEntries(har, { pageref: pagerefOf(id) });
    const liveEntries = live.get(id)!.entries;
    const a = diagnose(liveEntries);
    const b = diagnose(imported.entries);
    expect(imported.pageUrl).toBe(live.get(id)!.url);
    expect(imported.skipped).toBe(0);
    expectOnlyCutOffWarnings([id], imported.warnings);
    expect(b.attempts.map((x) => x.outcome)).toEqual(a.attempts.map((x) => x.outcome));
    expect(b.attempts.map((x) => x.outcome)).toEqual(webchatScenarioById(id)!.expect.outcomes);
    expect(b.attempts.map((x) => x.sentence)).toEqual(a.attempts.map((x) => withoutRetryClause(x.sentence)));
    expect(new Set(b.findings.map((f) => f.id))).toEqual(new Set(a.findings.map((f) => f.id)));
    expect(b.headline?.id).toBe(webchatScenarioById(id)!.expect.headline);
    // The wire events themselves: the same Direct Line requests and the same received activities.
    const [liveHttp, harHttp] = [dlHttp(liveEntries), dlHttp(imported.entries)];
    expect(harHttp.map(comparable)).toEqual(liveHttp.map(comparable));
    expect(received(imported.entries)).toEqual(received(liveEntries));
    // Same start times (the HAR's wall clock vs the page's); the HAR's network time is not longer than what the page waited.
    harHttp.forEach((e, i) => {
      expect(Math.abs(e.at - liveHttp[i]!.at)).toBeLessThan(50);
      expect(e.elapsedMs).toBeLessThanOrEqual(liveHttp[i]!.elapsedMs + 5);
    });
    // Everything else the live log has is what a HAR cannot see.
    const harKinds = new Set(events(imported.entries).map((e) => e.kind));
    const liveKinds = new Set(events(liveEntries).map((e) => e.kind));
    expect([...liveKinds].filter((k) => !harKinds.has(k)).every((k) => LIVE_ONLY.has(k))).toBe(true);
    expect([...harKinds].filter((k) => !liveKinds.has(k))).toEqual([]);
  });

  it('the whole HAR (every tab) imports at once, with one start marker per page', () => {
    const all = harToEntries(har);
    const marked = all.entries.flatMap((e) => (e.event.kind === 'hook.installed' ? [e.event.url] : []));
    expect(new Set(marked)).toEqual(new Set(IDS.map((id) => live.get(id)!.url)));
    expect(all.skipped).toBe(0);
    expectOnlyCutOffWarnings(IDS, all.warnings);
  });

  it("sso-card-released: only the live capture sees the page's middleware pass the card on", () => {
    const id = 'sso-card-released';
    const a = diagnose(live.get(id)!.entries);
    const b = diagnose(harToEntries(har, { pageref: pagerefOf(id) }).entries);
    expect(a.attempts.map((x) => x.outcome)).toEqual(['card shown']);
    expect(a.findings.map((f) => f.id)).toContain('bf.card-shown-despite-success');
    // Inferred from the invoke's 200: the HAR has no trace of Web Chat's store.
    expect(b.attempts.map((x) => x.outcome)).toEqual(['card hidden']);
    expect(b.attempts[0]!.sentence).toContain('the token exchange succeeded');
    // …so the HAR reads it as a plain success.
    const swapped = a.findings.map((f) => (f.id === 'bf.card-shown-despite-success' ? 'bf.sso-succeeded' : f.id));
    expect(new Set(b.findings.map((f) => f.id))).toEqual(new Set(swapped));
  });
});
