/**
 * HAR import (src/analysis/har.ts) on small hand-made HARs in test/fixtures/har (Direct Line REST
 * and WebSocket, Omnichannel connector and token service calls, a non-HAR, malformed entries) and on
 * one HAR recorded from the real bot stack (sso-failure-502.har, written by test/e2e/har.chromium.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { harToEntries, isHar } from '../../src/analysis/formats/har';
import { HookEventSchema, type EventOf, type LogEntry } from '../../src/shared/events';
import { capture } from '../helpers/captures';

const dir = join(import.meta.dirname, '../fixtures/har');
/** A fresh copy of a fixture, parsed. */
const load = (name: string): any => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const kinds = (entries: LogEntry[]) => entries.map((e) => e.event.kind);
const ofKind = <K extends LogEntry['event']['kind']>(entries: LogEntry[], kind: K) =>
  entries.map((e) => e.event).filter((e): e is EventOf<K> => e.kind === kind);

describe('isHar and the not-a-HAR errors', () => {
  it('tells a HAR from the extension capture format and from other JSON', () => {
    expect(isHar(load('directline-rest.har'))).toBe(true);
    expect(isHar(load('not-a-har.json'))).toBe(false);
    for (const x of [null, 42, 'log', [], {}, { log: {} }, { log: { entries: {} } }]) expect(isHar(x)).toBe(false);
  });

  it('throws a clear Error only when the file is not a HAR at all', () => {
    expect(() => harToEntries(load('not-a-har.json'))).toThrow(
      /^Not a HAR file: log is missing \(this looks like a Chat SSO Inspector capture/,
    );
    expect(() => harToEntries('{"log":{}}')).toThrow('Not a HAR file: the file is not a JSON object');
    expect(() => harToEntries({ log: {} })).toThrow('Not a HAR file: log.entries is missing');
    expect(harToEntries({ log: { entries: [] } })).toEqual({
      entries: [],
      skipped: 0,
      warnings: ['The HAR has no requests.'],
    });
  });
});

describe('every event is valid for the shared schema', () => {
  it.each(['directline-rest.har', 'directline-websocket.har', 'omnichannel.har', 'sso-failure-502.har'])(
    '%s',
    (name) => {
      const { entries } = harToEntries(load(name));
      expect(entries.length).toBeGreaterThan(1);
      for (const e of entries) expect(v.safeParse(HookEventSchema, e.event).issues).toBeUndefined();
      expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.every((e) => e.frameId === 0 && e.event.t === e.event.at - entries[0]!.event.at)).toBe(true);
    },
  );
});

describe('Direct Line REST (polling)', () => {
  const result = harToEntries(load('directline-rest.har'));
  const { entries } = result;

  it('starts with a hook.installed marker at the first request, then the events in start order', () => {
    expect(entries[0]!.event).toEqual({
      kind: 'hook.installed',
      url: 'https://contoso.example/chat/',
      top: true,
      readyState: 'har-import',
      t: 0,
      at: T0,
    });
    expect(result.pageUrl).toBe('https://contoso.example/chat/');
    // Empty poll, CORS preflight, script and document: nothing. The body-less poll: nothing, but warned.
    expect(kinds(entries)).toEqual(['hook.installed', 'directline.http', 'directline.activities', 'directline.http']);
    expect(entries.map((e) => e.event.t)).toEqual([0, 300, 1600, 2300]);
  });

  it('records the conversation start and the 502 invoke with its posted activity and BotError', () => {
    const [start, invoke] = ofKind(entries, 'directline.http');
    expect(start).toMatchObject({
      op: 'start-conversation',
      method: 'POST',
      status: 201,
      api: 'xhr',
      conversationId: 'AbCdEfGh123-us',
      elapsedMs: 40,
    });
    expect(invoke).toMatchObject({
      op: 'post-activity',
      status: 502,
      elapsedMs: 120,
      error: 'BotError: Failed to send activity: bot returned an error (httpStatusCode: 412)',
      activity: {
        type: 'invoke',
        name: 'signin/tokenExchange',
        tokenExchange: {
          id: 'c0ffee00-1111-4222-8333-444455556666',
          connectionName: 'SsoConnection',
          tokenType: 'string',
        },
      },
    });
    expect(invoke!.responseId).toBeUndefined();
  });

  it('decodes a base64 response body', () => {
    const [polled] = ofKind(entries, 'directline.activities');
    expect(polled).toMatchObject({ via: 'xhr', conversationId: 'AbCdEfGh123-us', watermark: '2' });
    expect(polled!.activities[0]!.attachments![0]!.oauth!.tokenExchangeResource!.uri).toBe(
      'api://botid-00000000-0000-0000-0000-0000000b0701',
    );
  });

  it('counts the malformed entry and the missing body, and never copies the Authorization header', () => {
    expect(result.skipped).toBe(1);
    expect(result.warnings).toEqual([
      '1 responses had no body: activities in them cannot be shown (save the HAR with content).',
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/Bearer|dl-secret-token/);
  });

  it('diagnoses the 502 invoke: finding bf.invoke-502, card shown', () => {
    const d = diagnose(entries);
    expect(d.headline?.id).toBe('bf.invoke-502');
    expect(d.attempts.map((a) => [a.kind, a.outcome])).toEqual([['oauthcard', 'card shown']]);
    expect(d.attempts[0]!.sentence).toBe(
      'Sign-in card shown because Direct Line answered 502: the bot answered non-2xx (most likely 412, the exchange failed).',
    );
  });

  it('a HAR saved without content still records method, URL and status, with one warning', () => {
    const har = load('directline-rest.har');
    for (const e of har.log.entries) if (e.response?.content) delete e.response.content.text;
    const bare = harToEntries(har);
    expect(ofKind(bare.entries, 'directline.http').map((e) => [e.op, e.status, e.error])).toEqual([
      ['start-conversation', 201, undefined],
      ['post-activity', 502, undefined],
    ]);
    expect(ofKind(bare.entries, 'directline.activities')).toEqual([]);
    expect(bare.warnings.filter((w) => w.includes('had no body'))).toEqual([
      '5 responses had no body: activities in them cannot be shown (save the HAR with content).',
    ]);
    // Without the card there is no attempt; the invoke's status alone is not pinned to a card.
    expect(diagnose(bare.entries).attempts).toEqual([]);
  });
});

describe('Direct Line WebSocket (Chrome _webSocketMessages)', () => {
  const { entries, warnings } = harToEntries(load('directline-websocket.har'));

  it('turns each received text frame with activities into directline.activities via websocket, at the frame time', () => {
    // Keep-alives, sent frames, a binary frame and an empty activity set give nothing.
    expect(kinds(entries)).toEqual([
      'hook.installed',
      'directline.http',
      'directline.activities',
      'directline.http',
      'directline.activities',
    ]);
    const frames = ofKind(entries, 'directline.activities');
    expect(frames.map((f) => [f.via, f.conversationId, f.watermark, f.at - T0])).toEqual([
      ['websocket', 'AbCdEfGh123-us', '2', 1500],
      ['websocket', 'AbCdEfGh123-us', '3', 2600],
    ]);
    expect(ofKind(entries, 'directline.http').map((e) => [e.op, e.api, e.status, e.responseId])).toEqual([
      ['start-conversation', 'fetch', 201, undefined],
      ['post-activity', 'fetch', 200, 'AbCdEfGh123-us|0000003'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('reads frame times written in ms (Playwright) like seconds (Chrome)', () => {
    const har = load('directline-websocket.har');
    for (const m of har.log.entries[2]._webSocketMessages) m.time *= 1000;
    expect(harToEntries(har).entries).toEqual(entries);
  });

  it('diagnoses the exchange: card hidden, bf.sso-succeeded', () => {
    const d = diagnose(entries);
    expect(d.attempts.map((a) => a.outcome)).toEqual(['card hidden']);
    expect(d.findings.map((f) => f.id)).toEqual(['bf.sso-succeeded']);
  });

  it('warns when the stream has no saved frames', () => {
    const har = load('directline-websocket.har');
    delete har.log.entries[2]._webSocketMessages;
    const r = harToEntries(har);
    expect(ofKind(r.entries, 'directline.activities')).toEqual([]);
    expect(r.warnings).toEqual([
      '1 Direct Line WebSocket streams have no saved frames: activities received over them ' +
        '(OAuthCards, invoke responses) cannot be shown, so SSO attempts on that stream are missing. ' +
        'Save the HAR from Chrome or Edge, or use a live capture.',
    ]);
  });
});

describe('Omnichannel connector and token service', () => {
  const { entries, pageUrl } = harToEntries(load('omnichannel.har'));

  it('records livechatconnector requests with their endpoint, status and AuthenticatedUserToken (any case)', () => {
    const oc = ofKind(entries, 'omnichannel.http');
    expect(oc.map((e) => [e.method, e.endpoint, e.status, e.elapsedMs, !!e.authenticatedUserToken, e.error])).toEqual([
      ['GET', 'config/0000-widget', 200, 40, false, undefined],
      ['POST', 'auth/getchattoken/org-1/widget-1/req-1', 401, 95, true, undefined],
      ['POST', 'v2/auth/getchattoken/org-1/widget-1/req-2', 200, 40, true, undefined],
      ['POST', 'auth/sessioninit/org-1/widget-1', null, 3, false, 'net::ERR_CONNECTION_RESET'],
    ]);
    expect(oc[1]!.authenticatedUserToken).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.c2ln$/);
    expect(JSON.stringify(entries)).not.toContain('not-copied');
  });

  it('records POSTs to …/api/sas/postToken as net.request; fetch unless _resourceType says xhr', () => {
    expect(
      ofKind(entries, 'net.request').map((e) => [
        e.api,
        e.method,
        e.status,
        e.elapsedMs,
        new URL(e.url).searchParams.get('state'),
      ]),
    ).toEqual([
      ['xhr', 'POST', 200, 40, 's-1'],
      ['fetch', 'POST', 500, 210, 's-2'],
    ]);
  });

  it('takes the page URL from the first document request when the page title is not a URL', () => {
    expect(pageUrl).toBe('https://portal.contoso.example/support');
  });
});

describe('robustness', () => {
  it('skips and counts malformed entries, never throws', () => {
    const good = load('directline-rest.har').log.entries.find(
      (e: any) => e.request?.method === 'POST' && e.response.status === 502,
    );
    const bad = [
      null,
      'entry',
      { ...good, startedDateTime: 'yesterday' },
      { ...good, time: '5' },
      { ...good, request: { ...good.request, url: '/relative' } },
      { ...good, response: { ...good.response, content: null } },
    ];
    const r = harToEntries({ log: { entries: [...bad, good] } });
    expect(r.skipped).toBe(bad.length);
    expect(kinds(r.entries)).toEqual(['hook.installed', 'directline.http']);
    expect(r.entries[0]!.event).toMatchObject({ url: '' });
  });

  it('leaves out watched requests with no response and no reason (pending when saved), and says so', () => {
    const har = load('omnichannel.har');
    const pending = har.log.entries.find((e: any) => e.response._error);
    delete pending.response._error; // status 0, no reason: Chrome's pending request
    har.log.entries.push({ ...har.log.entries[6], response: { ...har.log.entries[6].response, status: -1 }, time: -1 }); // Playwright's
    const r = harToEntries(har);
    expect(ofKind(r.entries, 'omnichannel.http').map((e) => e.endpoint)).not.toContain(
      'auth/sessioninit/org-1/widget-1',
    );
    expect(ofKind(r.entries, 'net.request')).toHaveLength(2);
    expect(r.warnings).toEqual([
      '2 requests have no response in the HAR (still pending when it was saved, or failed without a reason): they are left out.',
    ]);
  });

  it('marks the start of each page of a HAR with several (a reload with "Preserve log")', () => {
    const har = load('directline-rest.har');
    const second = structuredClone(har.log.entries.find((e: any) => e._resourceType === 'document'));
    second.pageref = 'page_2';
    second.startedDateTime = new Date(T0 + 5000).toISOString();
    second.request.url = 'https://contoso.example/chat/?again';
    har.log.pages.push({ ...har.log.pages[0], id: 'page_2', title: 'Contoso chat' });
    har.log.entries.push(second);
    const { entries, pageUrl } = harToEntries(har);
    expect(
      entries
        .filter((e) => e.event.kind === 'hook.installed')
        .map((e) => [e.seq, e.event.t, (e.event as EventOf<'hook.installed'>).url]),
    ).toEqual([
      [1, 0, 'https://contoso.example/chat/'],
      [5, 5000, 'https://contoso.example/chat/?again'],
    ]);
    expect(pageUrl).toBe('https://contoso.example/chat/');
  });

  it('keeps only one page with opts.pageref', () => {
    expect(harToEntries(load('directline-rest.har'), { pageref: 'page_1' }).entries).toHaveLength(4);
    expect(harToEntries(load('directline-rest.har'), { pageref: 'page_2' })).toEqual({
      entries: [],
      skipped: 0,
      warnings: ['The HAR has no requests.'],
    });
  });
});

describe('a HAR recorded from the real bot stack (sso-failure-502)', () => {
  const result = harToEntries(load('sso-failure-502.har'));

  it('reads the page, the Direct Line traffic and the 502 invoke', () => {
    expect(result).toMatchObject({ skipped: 0, warnings: [] });
    expect(result.pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webchat\/\?mode=failure&dl=502$/);
    const invoke = ofKind(result.entries, 'directline.http').find((e) => e.activity?.name === 'signin/tokenExchange');
    expect(invoke).toMatchObject({ api: 'xhr', status: 502, error: expect.stringMatching(/^BotError: .*412/) });
  });

  it('diagnoses like the live capture of the same scenario', () => {
    const d = diagnose(result.entries);
    const live = diagnose(capture('sso-failure-502'));
    expect(d.headline?.id).toBe('bf.invoke-502');
    expect(d.attempts.map((a) => a.outcome)).toEqual(live.attempts.map((a) => a.outcome));
    expect(new Set(d.findings.map((f) => f.id))).toEqual(new Set(live.findings.map((f) => f.id)));
  });
});
