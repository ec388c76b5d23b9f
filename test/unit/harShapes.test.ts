/**
 * HAR import on the shapes the browsers' exporters write, one at a time, on small hand-made HARs:
 * base64 bodies (request and response), sanitized entries (headers removed), WebSocket frames as
 * Chrome writes them and their absence in Firefox's export. The recorded HARs: harBrowsers.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { harImportState, harToEntries, sanitizingOfMarker } from '../../src/analysis/formats/har';
import type { EventOf, LogEntry } from '../../src/shared/events';

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const DL = 'https://directline.botframework.com/v3/directline/conversations';
const AUTH = { name: 'Authorization', value: 'Bearer dl-token' };
const ACCEPT = { name: 'Accept', value: 'application/json' };

/** One HAR entry; `at` in ms after T0. */
function entry(
  method: string,
  url: string,
  status: number,
  opts: { at?: number; headers?: object[]; postData?: object; content?: object; extra?: object } = {},
) {
  return {
    startedDateTime: new Date(T0 + (opts.at ?? 0)).toISOString(),
    time: 20,
    request: {
      method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: opts.headers ?? [ACCEPT, AUTH],
      ...(opts.postData ? { postData: opts.postData } : {}),
    },
    response: { status, headers: [], content: opts.content ?? { size: 0, mimeType: 'application/json' } },
    ...opts.extra,
  };
}
const har = (entries: object[], creator = 'WebInspector') => ({
  log: { version: '1.2', creator: { name: creator, version: '1' }, pages: [], entries },
});
const json = (x: unknown) => ({
  mimeType: 'application/json',
  size: JSON.stringify(x).length,
  text: JSON.stringify(x),
});
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const ofKind = <K extends LogEntry['event']['kind']>(entries: LogEntry[], kind: K) =>
  entries.map((e) => e.event).filter((e): e is EventOf<K> => e.kind === kind);

const START = entry('POST', DL, 201, { content: json({ conversationId: 'c1', token: 't' }) });
const invoke = {
  type: 'invoke',
  name: 'signin/tokenExchange',
  from: { id: 'u1' },
  value: { id: 'x', connectionName: 'c', token: 'e30.e30.sig' },
};

describe('bodies', () => {
  it('reads a base64 request body (postData.encoding) like the plain one', () => {
    const post = (postData: object) =>
      harToEntries(
        har([START, entry('POST', `${DL}/c1/activities`, 200, { at: 5, postData, content: json({ id: 'c1|1' }) })]),
      );
    const plain = post({ mimeType: 'application/json', text: JSON.stringify(invoke) });
    const encoded = post({ mimeType: 'application/json', text: b64(JSON.stringify(invoke)), encoding: 'base64' });
    const activity = (r: ReturnType<typeof harToEntries>) =>
      ofKind(r.entries, 'directline.http').find((e) => e.op === 'post-activity')?.activity;
    expect(activity(plain)).toMatchObject({ type: 'invoke', name: 'signin/tokenExchange' });
    expect(activity(encoded)).toEqual(activity(plain));
  });

  it('reads a base64 response body (content.encoding, as Chrome and Firefox write non-text bodies)', () => {
    const text = JSON.stringify({ activities: [{ type: 'message', id: 'c1|1', from: { id: 'bot' } }], watermark: '1' });
    const r = harToEntries(
      har([
        START,
        entry('GET', `${DL}/c1/activities?watermark=`, 200, {
          at: 5,
          content: { size: text.length, mimeType: 'application/json', text: b64(text), encoding: 'base64' },
        }),
      ]),
    );
    expect(ofKind(r.entries, 'directline.activities')[0]?.activities.map((a) => a.id)).toEqual(['c1|1']);
    expect(r.warnings).toEqual([]);
  });

  it('a base64 body that does not decode counts as missing, with the warning', () => {
    const r = harToEntries(
      har([
        START,
        entry('GET', `${DL}/c1/activities?watermark=`, 200, {
          at: 5,
          content: { size: 9, mimeType: 'application/json', text: '%%%', encoding: 'base64' },
        }),
      ]),
    );
    expect(r.warnings).toEqual([expect.stringMatching(/^1 responses had no body/)]);
  });
});

describe('sanitized HARs (headers removed by the exporter)', () => {
  const noAuth = [ACCEPT];

  it('tells sanitizing from Direct Line calls the service accepted without Authorization', () => {
    const r = harToEntries(
      har([
        entry('POST', DL, 201, { headers: noAuth, content: json({ conversationId: 'c1' }) }),
        entry('GET', `${DL}/c1/activities?watermark=`, 200, {
          at: 5,
          headers: noAuth,
          content: json({ activities: [] }),
        }),
      ]),
    );
    expect(r.sanitized).toEqual({ removed: ['Authorization'], requests: 2 });
    expect(r.entries[0]!.event).toMatchObject({
      readyState: 'har-import; sanitized: Authorization removed from 2 requests',
    });
  });

  it('does not count what says nothing: refused calls, no headers saved at all, preflights, the stream, other hosts', () => {
    const r = harToEntries(
      har([
        START,
        entry('GET', `${DL}/c1/activities?watermark=`, 401, { at: 1, headers: noAuth }),
        entry('GET', `${DL}/c1/activities?watermark=`, 200, { at: 2, headers: [], content: json({ activities: [] }) }),
        entry('OPTIONS', `${DL}/c1/activities`, 204, { at: 3, headers: noAuth }),
        entry('GET', 'wss://directline.botframework.com/v3/directline/conversations/c1/stream?t=x', 101, {
          at: 4,
          headers: noAuth,
          extra: { _resourceType: 'websocket', _webSocketMessages: [] },
        }),
        entry('GET', 'https://contoso.example/api/token', 200, { at: 5, headers: noAuth }),
      ]),
    );
    expect(r.sanitized).toBeUndefined();
    expect(r.entries[0]!.event).toMatchObject({ readyState: 'har-import' });
    expect(diagnose(r.entries).findings.map((f) => f.id)).not.toContain('har.sanitized');
  });

  it('the marker round-trips, and nothing else reads as sanitized', () => {
    const s = { removed: ['Authorization'], requests: 1 };
    expect(harImportState(s)).toBe('har-import; sanitized: Authorization removed from 1 request');
    expect(sanitizingOfMarker(harImportState(s))).toEqual(s);
    expect(harImportState()).toBe('har-import');
    for (const state of ['har-import', 'complete', 'loading', 'har-import; sanitized: removed from x requests'])
      expect(sanitizingOfMarker(state)).toBeUndefined();
  });

  it('each page of a HAR says for itself whether it was sanitized', () => {
    const page = (id: string, at: number, headers: object[]) => [
      entry('GET', `https://contoso.example/${id}`, 200, {
        at,
        headers,
        extra: { pageref: id, _resourceType: 'document' },
      }),
      entry('POST', DL, 201, { at: at + 1, headers, content: json({ conversationId: id }), extra: { pageref: id } }),
    ];
    const r = harToEntries(har([...page('a', 0, [ACCEPT, AUTH]), ...page('b', 100, [ACCEPT])]));
    const states = ofKind(r.entries, 'hook.installed').map((e) => e.readyState);
    expect(states).toEqual(['har-import', 'har-import; sanitized: Authorization removed from 1 request']);
    const notes = diagnose(r.entries).findings.filter((f) => f.id === 'har.sanitized');
    expect(notes.map((f) => f.explanation)).toEqual([expect.stringContaining('The HAR of https://contoso.example/b ')]);
  });
});

describe('WebSocket frames', () => {
  const stream = (creator: string, frames?: object[]) =>
    harToEntries(
      har(
        [
          START,
          entry('GET', 'wss://directline.botframework.com/v3/directline/conversations/c1/stream?t=x', 101, {
            at: 5,
            extra: frames ? { _resourceType: 'websocket', _webSocketMessages: frames } : {},
          }),
        ],
        creator,
      ),
    );
  const activities = JSON.stringify({
    activities: [{ type: 'message', id: 'c1|1', from: { id: 'bot' } }],
    watermark: '1',
  });

  it("reads Chrome's text frames and leaves out binary ones, sent ones and keep-alives", () => {
    const t = (T0 + 10) / 1000;
    const r = stream('WebInspector', [
      { type: 'send', time: t, opcode: 1, data: activities },
      { type: 'receive', time: t, opcode: 1, data: '' },
      { type: 'receive', time: t, opcode: 2, data: b64(activities) },
      { type: 'receive', time: t + 0.01, opcode: 1, data: activities },
    ]);
    const got = ofKind(r.entries, 'directline.activities');
    expect(got.map((e) => [e.via, e.at, e.activities[0]?.id])).toEqual([['websocket', T0 + 20, 'c1|1']]);
  });

  it("says that Firefox's export has no frames, and not for another writer", () => {
    expect(stream('Firefox').warnings[0]).toMatch(
      /^1 Direct Line WebSocket streams have no saved frames \(Firefox's HAR export does not save WebSocket frames\): /,
    );
    expect(stream('WebInspector').warnings[0]).toMatch(/^1 Direct Line WebSocket streams have no saved frames: /);
  });
});
