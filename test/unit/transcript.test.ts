/**
 * The Bot Framework Emulator transcript of captured Web Chat conversations (real Bot Framework
 * stack captures): shape, order, the OAuthCard and the token exchange invoke, and redaction.
 */
import { describe, expect, it } from 'vitest';
import { decodeJwtView } from '../../src/analysis/model/jwt';
import { REDACTED_SIGNATURE } from '../../src/analysis/formats/redact';
import { buildTranscript, type TranscriptActivity } from '../../src/analysis/formats/transcript';
import { collectActivities } from '../../src/analysis/model/webchat';
import { capture } from '../helpers/captures';

const OAUTH = 'application/vnd.microsoft.card.oauth';
const isInvoke = (a: TranscriptActivity) => a.type === 'invoke' && a.name === 'signin/tokenExchange';

describe.each(['sso-success', 'sso-failure-502'])('transcript of the %s capture', (id) => {
  const entries = capture(id);
  const records = collectActivities(entries);
  const transcript = buildTranscript(entries);
  const text = JSON.stringify(transcript);
  const card = transcript.find((a) => a.attachments?.some((x) => x.contentType === OAUTH));
  const invoke = transcript.find(isInvoke);
  const originalToken = records.find((r) => r.activity.tokenExchange?.token)!.activity.tokenExchange!.token!;

  it('is a JSON array with one activity per captured activity, in conversation (timestamp) order', () => {
    expect(Array.isArray(JSON.parse(text))).toBe(true);
    expect(transcript).toHaveLength(records.length);
    expect(transcript.map((a) => a.id).sort()).toEqual(records.map((r) => r.activity.id).sort());
    const times = transcript.map((a) => Date.parse(a.timestamp));
    expect(times.every((t, i) => !Number.isNaN(t) && (i === 0 || t >= times[i - 1]!))).toBe(true);
    for (const a of transcript) {
      expect(a.id).toBeTruthy();
      expect(a.channelId).toBeTruthy();
      expect(a.conversation.id).toBeTruthy();
      expect(['user', 'bot']).toContain(a.from.role);
    }
    // The greeting was fetched after "hello" was posted, but it was sent first.
    expect(transcript[0]!.from.role).toBe('bot');
  });

  it('contains the OAuthCard with its tokenExchangeResource, before the invoke', () => {
    const oauth = records
      .find((r) => r.activity.attachments?.some((x) => x.oauth))!
      .activity.attachments!.find((x) => x.oauth)!.oauth!;
    expect(card?.from).toMatchObject({ role: 'bot' });
    expect(card?.recipient).toMatchObject({ role: 'user' });
    const content = card!.attachments!.find((x) => x.contentType === OAUTH)!.content!;
    expect(content).toMatchObject({
      text: oauth.text,
      connectionName: oauth.connectionName,
      tokenExchangeResource: oauth.tokenExchangeResource,
      buttons: oauth.buttons,
    });
    expect(content.tokenExchangeResource?.uri).toMatch(/^api:\/\//);
    expect(content.tokenPostResource?.sasUrl).not.toContain('simulated-hmac');
    expect(transcript.indexOf(card!)).toBeLessThan(transcript.indexOf(invoke!));
  });

  it('contains the invoke with {id, connectionName, token}, the token masked but its claims intact', () => {
    expect(invoke?.from).toMatchObject({ role: 'user' });
    const value = invoke!.value as { id: string; connectionName: string; token: string };
    expect(value.id).toBe(card!.attachments![0]!.content!.tokenExchangeResource!.id);
    expect(value.connectionName).toBe('SsoConnection');
    expect(value.token.split('.')[2]).toMatch(new RegExp(`^${REDACTED_SIGNATURE}-`));
    const view = decodeJwtView(value.token, 0);
    const original = decodeJwtView(originalToken, 0);
    expect(view.ok && original.ok && view.payload).toEqual(original.ok && original.payload);
  });

  it('holds no unredacted token or signature', () => {
    expect(text).not.toContain(originalToken);
    expect(text).not.toContain(originalToken.split('.')[2]);
  });

  it('follows the profile the caller passes', () => {
    expect(JSON.stringify(buildTranscript(entries, 'none'))).toContain(originalToken);
    const removed = buildTranscript(entries, 'remove').find(isInvoke)!.value as { token: string };
    expect(removed.token).toMatch(/^\[token removed: \d+ chars, fnv1a [0-9a-f]{8}\]$/);
  });
});

describe('buildTranscript', () => {
  it('gives an empty transcript for a capture without Web Chat activity', () => {
    expect(buildTranscript(capture('fast'))).toEqual([]);
  });

  it('fills id, timestamp and conversation of an activity the service never answered', () => {
    const entries = capture('sso-failure-502').filter(
      (e) => e.event.kind === 'directline.post' && e.event.activity.type === 'invoke',
    );
    const [invoke] = buildTranscript(entries);
    expect(invoke).toMatchObject({
      id: `inspector-seq-${entries[0]!.seq}`,
      timestamp: new Date(entries[0]!.event.at).toISOString(),
      channelId: 'directline',
      conversation: { id: 'unknown' },
      from: { role: 'user' },
    });
  });
});
