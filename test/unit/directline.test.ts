import { describe, expect, it } from 'vitest';
import { summarizeActivity } from '../../src/shared/activity';
import {
  classifyDirectLine,
  errorMessageOf,
  parseActivitySet,
  parseJson,
  redactDirectLineUrl,
} from '../../src/shared/directLine';

const u = (s: string) => new URL(s);

describe('Direct Line request classification', () => {
  it.each([
    ['POST', 'https://directline.botframework.com/v3/directline/conversations', { op: 'start-conversation' }],
    [
      'GET',
      'https://europe.directline.botframework.com/v3/directline/conversations/abc',
      { op: 'reconnect', conversationId: 'abc' },
    ],
    [
      'POST',
      'http://127.0.0.1:1/v3/directline/conversations/abc/activities',
      { op: 'post-activity', conversationId: 'abc' },
    ],
    [
      'GET',
      'http://127.0.0.1:1/v3/directline/conversations/abc/activities?watermark=3',
      { op: 'get-activities', conversationId: 'abc' },
    ],
    ['POST', 'https://x/v3/directline/conversations/abc/upload?userId=u', { op: 'upload', conversationId: 'abc' }],
    ['POST', 'https://x/v3/directline/tokens/generate', { op: 'generate-token' }],
    ['POST', 'https://x/v3/directline/tokens/refresh', { op: 'refresh-token' }],
    ['GET', 'https://x/v3/directline/session/getsessionid', { op: 'session' }],
    ['GET', 'https://x/v3/directline/conversations/a%7Cb/activities', { op: 'get-activities', conversationId: 'a|b' }],
  ])('%s %s', (method, url, expected) => {
    expect(classifyDirectLine(method, u(url))).toEqual(expected);
  });

  it('ignores other URLs', () => {
    expect(classifyDirectLine('POST', u('https://example.com/api/messages'))).toBeNull();
    expect(classifyDirectLine('POST', u('https://example.com/v3/conversations/abc/activities'))).toBeNull(); // connector API, bot side
  });

  it('masks the stream token in URLs', () => {
    expect(redactDirectLineUrl(u('wss://x/v3/directline/conversations/c/stream?t=SECRET&watermark=1'))).toBe(
      'wss://x/v3/directline/conversations/c/stream?t=%E2%80%A6&watermark=1',
    );
  });
});

describe('Direct Line responses and stream frames', () => {
  const card = {
    type: 'message',
    id: 'conv|0000003',
    from: { id: 'bot', name: 'Bot', role: 'bot' },
    conversation: { id: 'conv' },
    replyToId: 'conv|0000002',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.oauth',
        content: {
          text: 'Please sign in to continue.',
          connectionName: 'SsoConnection',
          tokenExchangeResource: { id: 'ter-1', uri: 'api://botid-1', providerId: 'p' },
          tokenPostResource: { sasUrl: 'https://token.botframework.com/api/sas/postToken?state=s' },
          buttons: [{ type: 'signin', title: 'Sign In' }],
        },
      },
      { contentType: 'application/vnd.microsoft.card.adaptive', content: { body: ['big'] } },
    ],
  };

  it('parses an activity set (GET response or WebSocket frame)', () => {
    const set = parseActivitySet(
      parseJson(JSON.stringify({ activities: [card, { type: 'typing', id: 'conv|4' }], watermark: '4' })),
    );
    expect(set!.watermark).toBe('4');
    expect(set!.activities[0]).toEqual({
      type: 'message',
      id: 'conv|0000003',
      from: { id: 'bot', name: 'Bot', role: 'bot' },
      conversationId: 'conv',
      replyToId: 'conv|0000002',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.oauth',
          oauth: {
            text: 'Please sign in to continue.',
            connectionName: 'SsoConnection',
            tokenExchangeResource: { id: 'ter-1', uri: 'api://botid-1', providerId: 'p' },
            tokenPostResource: { sasUrl: 'https://token.botframework.com/api/sas/postToken?state=s' },
            buttons: [{ type: 'signin', title: 'Sign In' }],
          },
        },
        { contentType: 'application/vnd.microsoft.card.adaptive' },
      ],
    });
    expect(set!.activities[1]).toEqual({ type: 'typing', id: 'conv|4' });
  });

  it('treats keep-alives and junk as nothing', () => {
    expect(parseJson('')).toBeUndefined();
    expect(parseJson('   ')).toBeUndefined();
    expect(parseJson('{broken')).toBeUndefined();
    expect(parseActivitySet(parseJson('{"watermark":"1"}'))).toBeNull();
    expect(parseActivitySet({ activities: [42, null, { notAnActivity: true }] })).toEqual({ activities: [] });
  });

  it('summarizes a signin/tokenExchange invoke with its token', () => {
    const invoke = summarizeActivity({
      type: 'invoke',
      name: 'signin/tokenExchange',
      value: { id: 'ter-1', connectionName: 'SsoConnection', token: 'a.b.c' },
      from: { id: 'dl_user', role: 'user' },
      channelData: { clientActivityID: 'cid-1' },
    });
    expect(invoke).toEqual({
      type: 'invoke',
      name: 'signin/tokenExchange',
      clientActivityID: 'cid-1',
      from: { id: 'dl_user', role: 'user' },
      tokenExchange: { id: 'ter-1', connectionName: 'SsoConnection', token: 'a.b.c', tokenType: 'string' },
    });
    expect(
      summarizeActivity({ type: 'invoke', name: 'signin/tokenExchange', value: { id: 'x' } })!.tokenExchange,
    ).toEqual({ id: 'x', tokenType: 'undefined' });
    expect(summarizeActivity('not an activity')).toBeNull();
  });

  it('reads error bodies: Direct Line BotError and the bot failure body', () => {
    expect(
      errorMessageOf({
        error: { code: 'BotError', message: 'Failed to send activity: bot returned an error (httpStatusCode: 412)' },
      }),
    ).toBe('BotError: Failed to send activity: bot returned an error (httpStatusCode: 412)');
    expect(
      errorMessageOf({
        connectionName: 'SsoConnection',
        failureDetail: 'The bot is unable to exchange token. Proceed with regular login.',
      }),
    ).toBe('The bot is unable to exchange token. Proceed with regular login.');
    expect(errorMessageOf({ id: 'x' })).toBeUndefined();
  });
});
