import { describe, expect, it } from 'vitest';
import { collectActivities, collectCardAttempts } from '../../src/analysis/model/webchat';
import { buildTimeline } from '../../src/analysis/rows/timeline';
import type { ActivitySummary, CapturedEvent, LogEntry } from '../../src/shared/events';
import { jwt } from '../helpers/tokens';

let seq = 0;
const T = 1_800_000_000_000;
const entry = (event: Record<string, unknown>): LogEntry => {
  seq += 1;
  return { seq, frameId: 0, event: { t: seq, at: T + seq, ...event } as CapturedEvent };
};

const URI = 'api://botid-1';
const card: ActivitySummary = {
  type: 'message',
  id: 'c|3',
  from: { id: 'bot', role: 'bot' },
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.oauth',
      oauth: { connectionName: 'Sso', tokenExchangeResource: { id: 'ter-1', uri: URI, providerId: 'p' } },
    },
  ],
};
const invoke = (aud = URI, extra: Partial<ActivitySummary> = {}): ActivitySummary => ({
  type: 'invoke',
  name: 'signin/tokenExchange',
  from: { id: 'u1', role: 'user' },
  tokenExchange: {
    id: 'ter-1',
    connectionName: 'Sso',
    token: jwt({ aud, sub: 'ada', exp: T / 1000 + 3600 }),
    tokenType: 'string',
  },
  ...extra,
});
const action = (
  actionType: string,
  stage: 'dispatched' | 'passed',
  activity?: ActivitySummary,
  clientActivityID?: string,
) =>
  entry({
    kind: 'webchat.action',
    store: 's1',
    stage,
    actionType,
    ...(activity ? { activity } : {}),
    ...(clientActivityID ? { clientActivityID } : {}),
  });

describe('activity deduplication', () => {
  it('merges one activity seen by the store, XHR and the WebSocket stream', () => {
    seq = 0;
    const entries = [
      entry({ kind: 'directline.activities', via: 'websocket', activities: [card] }),
      entry({ kind: 'directline.activities', via: 'xhr', activities: [card] }),
      action('DIRECT_LINE/QUEUE_INCOMING_ACTIVITY', 'dispatched', card),
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'dispatched', card),
    ];
    const records = collectActivities(entries);
    expect(records).toHaveLength(1);
    expect(records[0]!.sightings.map((s) => s.layer)).toEqual(['websocket', 'xhr', 'store', 'store']);
    expect(records[0]!.direction).toBe('in');
  });

  it('links an outgoing activity by clientActivityID before it has an id, and by id after', () => {
    seq = 0;
    const out: ActivitySummary = {
      type: 'message',
      text: 'hello',
      clientActivityID: 'cid-9',
      from: { id: 'u1', role: 'user' },
    };
    const entries = [
      action('DIRECT_LINE/POST_ACTIVITY', 'dispatched', out),
      entry({
        kind: 'directline.http',
        requestId: 'd1',
        api: 'xhr',
        method: 'POST',
        url: 'u',
        op: 'post-activity',
        status: 200,
        elapsedMs: 5,
        activity: out,
        responseId: 'c|2',
      }),
      entry({ kind: 'directline.activities', via: 'websocket', activities: [{ ...out, id: 'c|2' }] }),
      entry({
        kind: 'directline.activities',
        via: 'xhr',
        activities: [{ type: 'message', id: 'c|2', from: { id: 'u1', role: 'user' } }],
      }),
    ];
    const records = collectActivities(entries);
    expect(records).toHaveLength(1);
    expect(records[0]!.activity).toMatchObject({ id: 'c|2', clientActivityID: 'cid-9', text: 'hello' });
    expect(records[0]!.direction).toBe('out');
  });

  it('merges a failed direct postActivity (no id, no clientActivityID) seen by the DirectLine object and XHR', () => {
    seq = 0;
    const inv = invoke();
    const entries = [
      entry({
        kind: 'directline.http',
        requestId: 'd1',
        api: 'xhr',
        method: 'POST',
        url: 'u',
        op: 'post-activity',
        status: 502,
        elapsedMs: 5,
        activity: inv,
        error: 'BotError: x',
      }),
      entry({ kind: 'directline.post', callId: 'p1', activity: inv, outcome: 'retry', elapsedMs: 6 }),
    ];
    expect(collectActivities(entries)).toHaveLength(1);
  });

  it('keeps different activities apart', () => {
    seq = 0;
    const entries = [
      entry({
        kind: 'directline.activities',
        via: 'xhr',
        activities: [
          { type: 'message', id: 'c|1', text: 'a' },
          { type: 'message', id: 'c|2', text: 'a' },
        ],
      }),
    ];
    expect(collectActivities(entries)).toHaveLength(2);
  });
});

describe('OAuthCard outcome', () => {
  it('success: invoke 200, the page swallowed the card → hidden', () => {
    seq = 0;
    const inv = invoke();
    const entries = [
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'dispatched', card),
      entry({
        kind: 'directline.http',
        requestId: 'd1',
        api: 'xhr',
        method: 'POST',
        url: 'u',
        op: 'post-activity',
        status: 200,
        elapsedMs: 5,
        activity: inv,
        responseId: 'c|4',
      }),
      entry({ kind: 'directline.post', callId: 'p1', activity: inv, outcome: 'id', id: 'c|4', elapsedMs: 6 }),
    ];
    const [attempt] = collectCardAttempts(entries);
    expect(attempt).toMatchObject({ outcome: 'hidden', basis: 'store' });
    expect(attempt!.invokes[0]).toMatchObject({ succeeded: true, tokenAud: URI });
  });

  it('502 + retry: card shown, and never presented as a success even though Web Chat says "sent"', () => {
    seq = 0;
    const inv = invoke(URI, { clientActivityID: 'cid-1' });
    const entries = [
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'dispatched', card),
      entry({
        kind: 'directline.http',
        requestId: 'd1',
        api: 'xhr',
        method: 'POST',
        url: 'u',
        op: 'post-activity',
        status: 502,
        elapsedMs: 5,
        activity: inv,
        error: 'BotError: Failed to send activity: bot returned an error (httpStatusCode: 412)',
      }),
      entry({ kind: 'directline.post', callId: 'p1', activity: inv, outcome: 'retry', elapsedMs: 6 }),
      action('DIRECT_LINE/POST_ACTIVITY_FULFILLED', 'dispatched', inv, 'cid-1'),
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'passed', card),
    ];
    const [attempt] = collectCardAttempts(entries);
    expect(attempt).toMatchObject({ outcome: 'shown', basis: 'store' });
    expect(attempt!.invokes[0]!.succeeded).toBe(false);
    expect(attempt!.invokes[0]!.verdict).toMatch(/502.*most likely 412.*'retry'.*marked the invoke as sent/);
    const rows = buildTimeline(entries, T + 100);
    const fulfilled = rows.find((r) => r.kind === 'POST_ACTIVITY_FULFILLED')!;
    expect(fulfilled.severity).toBe('warning');
    expect(rows.find((r) => r.tag === 'invoke')!.severity).toBe('error');
    expect(rows.find((r) => r.tag === 'oauthcard')).toMatchObject({ outcome: 'shown', severity: 'warning' });
  });

  it('network capture only: the outcome is inferred from the invoke', () => {
    seq = 0;
    const inv = invoke('api://wrong');
    const entries = [
      entry({ kind: 'directline.activities', via: 'xhr', activities: [card] }),
      entry({
        kind: 'directline.http',
        requestId: 'd1',
        api: 'xhr',
        method: 'POST',
        url: 'u',
        op: 'post-activity',
        status: 412,
        elapsedMs: 5,
        activity: inv,
      }),
    ];
    const [attempt] = collectCardAttempts(entries);
    expect(attempt).toMatchObject({ outcome: 'shown', basis: 'inferred' });
    const rows = buildTimeline(entries, T + 100);
    expect(rows.find((r) => r.tag === 'invoke')!.summary).toContain(`token aud api://wrong ≠ card uri ${URI}`);
  });

  it('a card without tokenExchangeResource is shown by design', () => {
    seq = 0;
    const plain: ActivitySummary = {
      ...card,
      id: 'c|9',
      attachments: [{ contentType: 'application/vnd.microsoft.card.oauth', oauth: { connectionName: 'Sso' } }],
    };
    const entries = [
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'dispatched', plain),
      action('DIRECT_LINE/INCOMING_ACTIVITY', 'passed', plain),
    ];
    const [attempt] = collectCardAttempts(entries);
    expect(attempt).toMatchObject({ outcome: 'shown' });
    expect(attempt!.reason).toMatch(/no tokenExchangeResource/);
    expect(attempt!.invokes).toEqual([]);
  });
});

describe('activity deduplication across store stages', () => {
  it('merges POST_ACTIVITY (no clientActivityID yet) with POST_ACTIVITY_PENDING and the rest, but keeps two real posts apart', () => {
    seq = 0;
    const bare: ActivitySummary = { type: 'message', text: 'hello', from: { id: 'u1', role: 'user' } };
    const withCid = { ...bare, clientActivityID: 'cid-1' };
    const entries = [
      action('DIRECT_LINE/POST_ACTIVITY', 'dispatched', bare),
      action('DIRECT_LINE/POST_ACTIVITY_PENDING', 'dispatched', withCid, 'cid-1'),
      entry({ kind: 'directline.activities', via: 'xhr', activities: [{ ...withCid, id: 'c|2' }] }),
      action('DIRECT_LINE/POST_ACTIVITY', 'dispatched', bare), // the user sends "hello" again
    ];
    const records = collectActivities(entries);
    expect(records).toHaveLength(2);
    expect(records[0]!.sightings).toHaveLength(3);
  });
});
