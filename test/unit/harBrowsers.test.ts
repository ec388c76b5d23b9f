/**
 * HAR import on HARs saved by the browsers' OWN exporters (test/fixtures/har/browsers, recorded by
 * scripts/record-hars.mjs from the real bot stack and the Omnichannel simulator): Chromium's DevTools
 * frontend HAR writer (full and sanitized) and Firefox's network monitor export. Each is compared with
 * the extension's live capture of the same run: the same attempts and findings, except what the
 * exporter left out, which the import or the diagnosis explains.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { diagnose } from '../../src/analysis/diagnosis';
import { harToEntries, sanitizingOfMarker } from '../../src/analysis/formats/har';
import { HookEventSchema, type EventOf, type LogEntry } from '../../src/shared/events';

const dir = join(import.meta.dirname, '../fixtures/har/browsers');
const read = (name: string): any => JSON.parse(readFileSync(join(dir, name), 'utf8'));

/** One recorded HAR (test/fixtures/har/browsers/index.json, written by the recorder). */
interface Fixture {
  file: string;
  capture: string;
  browser: string;
  exporter: string;
  variant: string;
  recording: string;
  stack: 'webchat' | 'omnichannel' | 'realcode';
  scenario: string;
}
const INDEX: Fixture[] = read('index.json');
const byName = (f: Fixture) => [`${f.file}`, f] as const;
const isChromium = (f: Fixture) => f.file.startsWith('chromium-');
const isSanitized = (f: Fixture) => f.file.startsWith('chromium-sanitized-');
/** Firefox's export has no WebSocket frames: the attempt on the stream is not in its HAR (tested apart). */
const framesLost = (f: Fixture) => !isChromium(f) && f.scenario === 'sso-websocket';

/** The import of a fixture, its HAR, and the live capture of the same run. */
function pair(f: Fixture) {
  const har = read(f.file);
  const capture: { capturedAt: number; entries: LogEntry[] } = read(f.capture);
  return { har, imported: harToEntries(har), live: capture.entries, capturedAt: capture.capturedAt };
}

const events = (entries: LogEntry[]) => entries.map((e) => e.event);
const ofKind = <K extends LogEntry['event']['kind']>(entries: LogEntry[], kind: K) =>
  events(entries).filter((e): e is EventOf<K> => e.kind === kind);
/** A directline.http event without what differs by nature between the hook and a HAR (ids, clocks). */
const comparable = ({ requestId, t, at, elapsedMs, ...rest }: EventOf<'directline.http'>) => rest;
const received = (entries: LogEntry[]) =>
  events(entries)
    .flatMap((e) => (e.kind === 'directline.activities' ? e.activities.map((a) => a.id) : []))
    .sort();
/** The one clause of an attempt's sentence that needs postActivity()'s result (directline.post), which a HAR cannot see. */
const withoutRetryClause = (s: string) => s.replace("; DirectLineJS turned it into 'retry'", '');

it('the index lists both browsers, both Chromium variants, and a success and a fallback of each stack', () => {
  const keys = new Set(INDEX.map((f) => `${f.file.replace(/-(webchat|omnichannel|realcode)-.*$/, '')} ${f.scenario}`));
  for (const exporter of ['chromium-full', 'chromium-sanitized', 'firefox'])
    for (const scenario of [
      'sso-success',
      'sso-websocket',
      'sso-failure-502',
      'bot-200',
      'bot-500',
      'rc-auth-ok',
      'rc-connector-401',
    ])
      expect(keys).toContain(`${exporter} ${scenario}`);
});

describe("the exporters' own shapes", () => {
  it.each(INDEX.map(byName))('%s: creator, pages and entries as the browser wrote them', (_, f) => {
    const { log } = read(f.file);
    expect(log.version).toBe('1.2');
    expect(log.creator.name).toBe(isChromium(f) ? 'WebInspector' : 'Firefox');
    expect(f.browser).toMatch(isChromium(f) ? /^Chromium \d+\./ : /^Firefox \d+\./);
    expect(log.pages).toHaveLength(1);
    const doc = log.entries[0];
    expect(doc.request.url).toBe(log.pages[0].title);
    if (isChromium(f)) {
      // Chrome's custom fields, on every entry.
      for (const e of log.entries) {
        expect(e._resourceType).toEqual(expect.any(String));
        expect(e._initiator).toEqual(expect.objectContaining({ type: expect.any(String) }));
      }
    } else {
      expect(log.entries.some((e: any) => '_resourceType' in e || '_webSocketMessages' in e)).toBe(false);
    }
  });

  it('Chromium keeps WebSocket frames in _webSocketMessages (seconds since the epoch), in both variants', () => {
    for (const f of INDEX.filter((x) => isChromium(x) && x.scenario === 'sso-websocket')) {
      const stream = read(f.file).log.entries.find((e: any) => e._resourceType === 'websocket');
      const frames = stream._webSocketMessages;
      expect(frames.some((m: any) => m.type === 'receive' && m.opcode === 1 && m.data.includes('"activities"'))).toBe(
        true,
      );
      for (const m of frames) expect(m.time).toBeLessThan(1e11);
    }
  });

  it('the sanitized variant lacks exactly the Authorization headers the full one has', () => {
    for (const f of INDEX.filter(isSanitized)) {
      const full = read(f.file.replace('-sanitized-', '-full-')).log.entries;
      const sanitized = read(f.file).log.entries;
      const names = (e: any) => e.request.headers.map((h: any) => h.name.toLowerCase());
      const auth = (list: any[]) => list.filter((e) => names(e).includes('authorization')).length;
      expect(auth(sanitized)).toBe(0);
      expect(auth(full) > 0).toBe(f.stack === 'webchat'); // the simulator sends no Authorization
    }
  });
});

describe('each HAR reads cleanly', () => {
  it.each(INDEX.map(byName))('%s', (_, f) => {
    const { imported, live } = pair(f);
    expect(imported.skipped).toBe(0);
    for (const e of imported.entries) expect(v.safeParse(HookEventSchema, e.event).issues).toBeUndefined();
    const liveStart = live.find((e) => e.event.kind === 'hook.installed')!.event as EventOf<'hook.installed'>;
    expect(imported.pageUrl).toBe(liveStart.url);
    // Sanitizing is told from the requests themselves, only where it happened.
    expect(imported.sanitized).toEqual(
      isSanitized(f) && f.stack === 'webchat'
        ? { removed: ['Authorization'], requests: expect.any(Number) }
        : undefined,
    );
    // The only warnings: a poll still pending when Firefox saved, the frames Firefox does not save.
    for (const w of imported.warnings)
      expect(w).toMatch(
        isChromium(f)
          ? /^$/
          : /^1 requests have no response in the HAR|^1 Direct Line WebSocket streams have no saved frames \(Firefox's HAR export does not save WebSocket frames\)/,
      );
  });
});

describe('a browser-exported HAR gives the same attempts and findings as the live capture of the same run', () => {
  const webchat = INDEX.filter((f) => f.stack === 'webchat' && !framesLost(f));

  it.each(webchat.map(byName))('%s', (_, f) => {
    const { imported, live, capturedAt } = pair(f);
    const a = diagnose(live, { nowMs: capturedAt });
    const b = diagnose(imported.entries);
    const expected = webchatScenarioById(f.scenario)!.expect;
    expect(b.attempts.map((x) => x.outcome)).toEqual(expected.outcomes);
    expect(b.attempts.map((x) => x.outcome)).toEqual(a.attempts.map((x) => x.outcome));
    expect(b.attempts.map((x) => x.sentence)).toEqual(a.attempts.map((x) => withoutRetryClause(x.sentence)));
    expect(b.headline?.id).toBe(expected.headline);
    expect(b.headline?.id).toBe(a.headline?.id);
    // Findings: the same, plus the one that explains sanitizing, only on the sanitized variant.
    const ids = (d: typeof a) => d.findings.map((x) => x.id).sort();
    expect(ids(b).filter((id) => id !== 'har.sanitized')).toEqual(ids(a));
    expect(ids(b).includes('har.sanitized')).toBe(isSanitized(f));
    // The wire events themselves: the same Direct Line requests and received activities.
    // (Firefox's HAR cannot tell XHR from fetch: api is 'fetch' there.)
    const api = isChromium(f) ? (e: object) => e : ({ api: _, ...rest }: { api: string }) => rest;
    expect(ofKind(imported.entries, 'directline.http').map(comparable).map(api)).toEqual(
      ofKind(live, 'directline.http').map(comparable).map(api),
    );
    expect(received(imported.entries)).toEqual(received(live));
  });

  it('the sanitized variant gives exactly the full variant’s events and findings, plus the explanation', () => {
    for (const f of INDEX.filter(isSanitized)) {
      const full = harToEntries(read(f.file.replace('-sanitized-', '-full-')));
      const sanitized = harToEntries(read(f.file));
      const strip = (entries: LogEntry[]) =>
        events(entries).map((e) => (e.kind === 'hook.installed' ? { ...e, readyState: '' } : e));
      // Both exports come from one network log: the sanitized one, written a moment later, may hold more empty polls.
      expect(strip(sanitized.entries).slice(0, full.entries.length)).toEqual(strip(full.entries));
      const [df, ds] = [diagnose(full.entries), diagnose(sanitized.entries)];
      expect(ds.attempts).toEqual(df.attempts);
      expect(ds.findings.filter((x) => x.id !== 'har.sanitized')).toEqual(df.findings);
    }
  });
});

describe('what a sanitized HAR cannot tell is explained, once, without changing the headline', () => {
  const f = INDEX.find((x) => isSanitized(x) && x.scenario === 'sso-success')!;
  const { imported } = pair(f);
  const d = diagnose(imported.entries);
  const notes = d.findings.filter((x) => x.id === 'har.sanitized');

  it('one info finding, on the page start marker, naming the header, the count and the checks affected', () => {
    expect(notes).toHaveLength(1);
    const marker = imported.entries[0]!;
    expect(marker.event).toMatchObject({ kind: 'hook.installed', readyState: expect.stringMatching(/^har-import; /) });
    expect(sanitizingOfMarker((marker.event as EventOf<'hook.installed'>).readyState)).toEqual(imported.sanitized);
    const n = imported.sanitized!.requests;
    // Every Direct Line REST call the service accepted: each lost its Authorization header.
    const accepted = read(f.file).log.entries.filter(
      (e: any) =>
        /^http:.*\/v3\/directline\//.test(e.request.url) && e.response.status >= 200 && e.response.status < 300,
    );
    expect(n).toBe(accepted.length);
    expect(notes[0]).toMatchObject({
      severity: 'info',
      evidence: [marker.seq],
      title: `Sanitized HAR: Authorization removed from ${n} requests`,
    });
    expect(notes[0]!.explanation).toContain('No check of the catalog reads it, so every other finding stands.');
  });

  it('the SSO outcome stays the headline', () => {
    expect(d.headline?.id).toBe('bf.sso-succeeded');
    expect(d.findings.at(-1)?.id).toBe('har.sanitized');
  });
});

describe('what the exporters leave out, explained', () => {
  it("Firefox's HAR of the WebSocket run: no frames, so no attempt, and the import says why", () => {
    const f = INDEX.find((x) => framesLost(x))!;
    const { imported, live, capturedAt } = pair(f);
    expect(diagnose(live, { nowMs: capturedAt }).attempts.map((x) => x.outcome)).toEqual(['card hidden']);
    expect(diagnose(imported.entries).attempts).toEqual([]);
    expect(ofKind(imported.entries, 'directline.activities')).toEqual([]);
    expect(imported.warnings).toEqual([
      "1 Direct Line WebSocket streams have no saved frames (Firefox's HAR export does not save WebSocket " +
        'frames): activities received over them (OAuthCards, invoke responses) cannot be shown, so SSO ' +
        'attempts on that stream are missing. Save the HAR from Chrome or Edge, or use a live capture.',
    ]);
  });

  it.each(INDEX.filter((f) => f.stack === 'omnichannel').map(byName))(
    '%s: the token POST as the browser exported it, read for what it means; the provider calls only live',
    (_, f) => {
      const { imported, live } = pair(f);
      const livePost = ofKind(live, 'net.request');
      const harPost = ofKind(imported.entries, 'net.request');
      expect(livePost).toHaveLength(1);
      // Chromium exports finished requests only, and the page never reads the POST's response body: a
      // 200 (with a body) stays pending in DevTools, a 500 (empty body) finishes.
      const pending = isChromium(f) && livePost[0]!.status === 200;
      const inHar = read(f.file).log.entries.filter((e: any) => /\/api\/sas\/postToken/.test(e.request.url));
      expect(inHar).toHaveLength(pending ? 0 : 1);
      expect(harPost.map((e) => [e.method, e.url, e.status])).toEqual(
        pending ? [] : livePost.map((e) => [e.method, e.url, e.status]),
      );
      // The bot auth token provider's invocation and callback are page code: in the live capture only.
      expect(ofKind(live, 'provider.invoke')).toHaveLength(1);
      const [a, b] = [diagnose(live, { nowMs: pair(f).capturedAt }), diagnose(imported.entries)];
      expect(a.attempts).toHaveLength(1);
      expect(b.attempts).toEqual([]);
      // What the HAR has is read for what it means, and says what only the live capture knows.
      const liveNote = a.findings.find((x) => x.id === 'botauth.token-post-status')!;
      const harNotes = b.findings.filter((x) => x.id === 'har.token-post');
      expect(b.findings.map((x) => x.id)).toEqual(pending ? [] : ['har.token-post']);
      for (const n of harNotes) {
        expect(n.severity).toBe(liveNote.severity);
        expect(n.title.split(':')[0]).toBe(liveNote.title.split(':')[0]); // "Token POST to botTokenUrl answered 500"
        expect(n.explanation).toContain('only a live capture shows');
      }
    },
  );
});

describe("Microsoft's live chat packages (demo/realcode): livechatconnector as the browsers exported it", () => {
  const realcode = INDEX.filter((f) => f.stack === 'realcode');

  it.each(realcode.map(byName))('%s: the same connector calls and AuthenticatedUserToken, sanitized or not', (_, f) => {
    const { imported, live } = pair(f);
    const calls = (entries: LogEntry[]) =>
      ofKind(entries, 'omnichannel.http').map((e) => [e.method, e.url, e.endpoint, e.status, e.authenticatedUserToken]);
    expect(calls(imported.entries)).toEqual(calls(live));
    expect(calls(imported.entries).some((c) => typeof c[4] === 'string' && c[4].split('.').length === 3)).toBe(true);
    // Chrome's sanitizing keeps AuthenticatedUserToken, and these calls carry no Authorization: nothing to explain.
    expect(imported.sanitized).toBeUndefined();
  });

  it.each(realcode.filter((f) => f.scenario === 'rc-connector-401').map(byName))(
    '%s: the 401 is diagnosed from the HAR as live, down to the token it rejected',
    (_, f) => {
      const { imported, live, capturedAt } = pair(f);
      const a = diagnose(live, { nowMs: capturedAt });
      const b = diagnose(imported.entries);
      expect(b.headline?.id).toBe('lcw.connector-401');
      expect(b.headline?.id).toBe(a.headline?.id);
      const [x, y] = [a, b].map((d) => d.findings.find((z) => z.id === 'lcw.connector-401')!);
      expect(y!.title).toBe(x!.title);
      expect(y!.explanation).toMatch(/Its AuthenticatedUserToken is a JWT \(alg RS256, sub /);
      // The provider's findings and the attempts need the page's code: live only.
      expect(a.findings.map((z) => z.id)).toContain('auth.provider-ok');
      expect(b.findings.map((z) => z.id)).toEqual(['lcw.connector-401']);
      expect(b.attempts).toEqual([]);
    },
  );
});
