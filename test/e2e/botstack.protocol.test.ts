/**
 * The local Bot Framework SSO stack (demo/botstack) and its Web Chat page (demo/webchat):
 * (a) the wire protocol with node's fetch and ws, no browser: Direct Line v3 → real botbuilder bot
 *     (OAuthPrompt) → token service stand-in, and the HTTP status the client gets for each outcome;
 * (b) the real Web Chat bundle in headless Chromium (no extension): every WEBCHAT_SCENARIOS entry,
 *     run in parallel pages, against what the scenario expects.
 */
import { createHmac } from 'node:crypto';
import { chromium, type Browser, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDemoServer } from '../../demo/server.mjs';
import { mapLimit } from '../../scripts/lib/scenarios.mjs';
import { SSO_DEMO } from '../../demo/webchat/config.js';
import { WEBCHAT_SCENARIOS, type WebchatScenario } from '../../demo/webchat/scenarios.js';

type Activity = {
  type: string;
  id: string;
  name?: string;
  text?: string;
  replyToId?: string;
  from: { id: string; role?: string };
  attachments?: { contentType: string; content: any }[];
  value?: any;
};
type OAuthCard = {
  connectionName: string;
  text: string;
  tokenExchangeResource: { id: string; uri: string; providerId: string };
  tokenPostResource: { sasUrl: string };
};

const OAUTH = 'application/vnd.microsoft.card.oauth';
const FAILURE_DETAIL = 'The bot is unable to exchange token. Proceed with regular login.';

let server: Awaited<ReturnType<typeof startDemoServer>>;

beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});

/** An HS256 JWT like the page mints (shared demo secret). */
function exchangeToken(claims: Record<string, unknown>, secret: string = SSO_DEMO.exchangeSecret) {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: SSO_DEMO.user.sub, name: SSO_DEMO.user.name, iat: now, exp: now + 3600, ...claims })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** A Direct Line client over fetch: token from the site backend, then the v3 REST API. */
async function openConversation(query: string) {
  const site = (await (await fetch(`${server.url}/api/directline/token?${query}`)).json()) as {
    token: string;
    userId: string;
    conversationId: string;
  };
  const headers = { authorization: `Bearer ${site.token}`, 'content-type': 'application/json' };
  const started = await fetch(`${server.url}/v3/directline/conversations`, { method: 'POST', headers, body: '{}' });
  const conversation = (await started.json()) as {
    conversationId: string;
    token: string;
    streamUrl: string;
    expires_in: number;
  };
  const base = `${server.url}/v3/directline/conversations/${encodeURIComponent(conversation.conversationId)}`;
  let watermark = '';
  return {
    site,
    startStatus: started.status,
    conversation,
    async post(activity: object) {
      const r = await fetch(`${base}/activities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ from: { id: site.userId }, ...activity }),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    /** Activities since the last call (the bot's replies are in before the POST that caused them returns). */
    async activities(): Promise<Activity[]> {
      const r = (await (await fetch(`${base}/activities?watermark=${watermark}`, { headers })).json()) as {
        activities: Activity[];
        watermark: string;
      };
      watermark = r.watermark;
      return r.activities;
    },
    async log(): Promise<any[]> {
      return (
        await fetch(`${server.url}/api/botstack/log?conversationId=${encodeURIComponent(conversation.conversationId)}`)
      ).json() as Promise<any[]>;
    },
  };
}

/** Opens a conversation, says hello, and returns the OAuthCard the bot answered with. */
async function untilCard(query: string) {
  const dl = await openConversation(query);
  expect((await dl.post({ type: 'message', text: 'hello' })).status).toBe(200);
  const activities = await dl.activities();
  const card = activities.find((a) => a.attachments?.[0]?.contentType === OAUTH)?.attachments?.[0]?.content as
    OAuthCard | undefined;
  expect(card, JSON.stringify(activities)).toBeDefined();
  return { dl, card: card!, activities };
}

const invoke = (card: OAuthCard, token: string) => ({
  type: 'invoke',
  name: 'signin/tokenExchange',
  value: { id: card.tokenExchangeResource.id, connectionName: card.connectionName, token },
});

describe('Bot Framework SSO stack: wire protocol (no browser)', () => {
  it('greets, answers hello with an OAuthCard carrying the SSO resources, and signs in on a good exchange', async () => {
    const { dl, card, activities } = await untilCard('mode=success');
    expect(dl.startStatus).toBe(201);
    expect(dl.conversation.streamUrl).toMatch(
      /^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/.+\/stream\?t=/,
    );
    expect(activities.map((a) => [a.type, a.from.role])).toEqual([
      ['message', 'bot'], // greeting on conversationUpdate
      ['message', 'user'], // echo of hello
      ['message', 'bot'], // OAuthCard
    ]);
    expect(activities[1]!.from.id).toBe(dl.site.userId);
    expect(card).toMatchObject({
      connectionName: 'SsoConnection',
      text: 'Please sign in to continue.',
      tokenExchangeResource: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        uri: SSO_DEMO.resourceUri,
        providerId: SSO_DEMO.providerId,
      },
      tokenPostResource: { sasUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/sas\/postToken\?/) },
    });

    const res = await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })));
    expect(res).toEqual({ status: 200, body: { id: expect.stringContaining(`${dl.conversation.conversationId}|`) } });
    const after = await dl.activities();
    expect(after.map((a) => a.type)).toEqual(['invoke', 'message']); // the echoed invoke, then the bot
    expect(after[1]!.text).toBe('You are signed in. Welcome, Ada Lovelace.');
    expect(after[1]!.replyToId).toBe(res.body.id);

    // The token service now holds a token: the next prompt signs in without a card (GetToken 200).
    await dl.post({ type: 'message', text: 'hello again' });
    expect((await dl.activities()).map((a) => a.text)).toEqual([
      'hello again',
      'You are signed in. Welcome, Ada Lovelace.',
    ]);
    const hops = (await dl.log()).map((e) =>
      `${e.hop} ${e.route ?? e.event ?? e.type ?? ''} ${e.status ?? e.botStatus ?? ''}`.trim(),
    );
    expect(hops).toEqual(
      expect.arrayContaining([
        'token GET /api/usertoken/GetToken 404',
        'token POST /api/usertoken/exchange 200',
        'token GET /api/usertoken/GetToken 200',
        'bot invoke 200',
      ]),
    );
  });

  it('answers GetToken "not found" with an EMPTY 404 body', async () => {
    const r = await fetch(
      `${server.url}/api/usertoken/GetToken?userId=dl_nobody&connectionName=SsoConnection&channelId=directline`,
    );
    expect(r.status).toBe(404);
    expect(await r.text()).toBe('');
  });

  it('failure mode: the token service refuses (consent), the bot answers 412, passed through to the client', async () => {
    const { dl, card } = await untilCard('mode=failure');
    const res = await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })));
    expect(res).toEqual({ status: 412, body: { connectionName: 'SsoConnection', failureDetail: FAILURE_DETAIL } });
    expect((await dl.activities()).map((a) => a.type)).toEqual(['invoke']); // no bot message: the page must show the card
    expect(await dl.log()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          hop: 'token',
          route: 'POST /api/usertoken/exchange',
          status: 400,
          message: expect.stringContaining('consent_required (simulated): AADSTS65001'),
        }),
      ]),
    );
  });

  it('failure mode with dl=502: the client gets 502 BotError naming the bot status, like Azure', async () => {
    const { dl, card } = await untilCard('mode=failure&dl=502');
    const res = await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })));
    expect(res).toEqual({
      status: 502,
      body: {
        error: { code: 'BotError', message: 'Failed to send activity: bot returned an error (httpStatusCode: 412)' },
      },
    });
  });

  it('success mode still refuses a wrong audience, an expired token and a bad signature (412 each), then accepts a good one', async () => {
    const { dl, card } = await untilCard('mode=success');
    const cases = [
      [exchangeToken({ aud: SSO_DEMO.wrongResourceUri }), 'audience mismatch'],
      [
        exchangeToken({ aud: card.tokenExchangeResource.uri, exp: Math.floor(Date.now() / 1000) - 60 }),
        'token expired',
      ],
      [exchangeToken({ aud: card.tokenExchangeResource.uri }, 'not-the-demo-secret'), 'bad signature'],
    ] as const;
    for (const [token] of cases) expect((await dl.post(invoke(card, token))).status).toBe(412);
    const refusals = (await dl.log()).filter((e) => e.route === 'POST /api/usertoken/exchange').map((e) => e.message);
    expect(refusals).toEqual(cases.map(([, why]) => why));
    // The OAuthPrompt is still waiting: a good token now signs in.
    expect((await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })))).status).toBe(200);
    expect((await dl.activities()).filter((a) => a.type === 'message').map((a) => a.text)).toEqual([
      'You are signed in. Welcome, Ada Lovelace.',
    ]);
  });

  it('route=0: a bot that does not route signin/* invokes answers 501 (botbuilder default)', async () => {
    const { dl, card } = await untilCard('mode=success&route=0');
    const res = await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })));
    expect(res.status).toBe(501);
    expect(await dl.log()).not.toEqual(
      expect.arrayContaining([expect.objectContaining({ route: 'POST /api/usertoken/exchange' })]),
    );
  });

  it('echo=0: the invoke is not echoed, so the bot reply points at an activity the client never saw', async () => {
    const { dl, card } = await untilCard('mode=success&echo=0');
    const res = await dl.post(invoke(card, exchangeToken({ aud: card.tokenExchangeResource.uri })));
    expect(res.status).toBe(200);
    const after = await dl.activities();
    expect(after.map((a) => a.type)).toEqual(['message']);
    expect(after[0]!.replyToId).toBe(res.body.id);
  });

  it('overrides a forged from.id with the user id embedded in the Direct Line token', async () => {
    const dl = await openConversation('mode=success');
    await dl.post({ type: 'message', text: 'hi', from: { id: 'someone-else' } });
    expect((await dl.activities()).find((a) => a.text === 'hi')!.from.id).toBe(dl.site.userId);
  });

  it('streams activity sets over the WebSocket (replay, then live)', async () => {
    const dl = await openConversation('mode=success');
    const ws = new WebSocket(dl.conversation.streamUrl);
    const frames: { activities: Activity[]; watermark: string }[] = [];
    ws.on('message', (data) => {
      const text = String(data);
      if (text) frames.push(JSON.parse(text));
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await expect.poll(() => frames.length).toBeGreaterThan(0); // the greeting, sent before the socket opened
    await dl.post({ type: 'message', text: 'hello' });
    await expect
      .poll(() => frames.flatMap((f) => f.activities).some((a) => a.attachments?.[0]?.contentType === OAUTH))
      .toBe(true);
    expect(frames.at(-1)!.watermark).toBe('3');
    ws.close();
  });
});

type DemoState = {
  options: Record<string, unknown>;
  invoke?: { result: 'id' | 'retry' | 'error'; id?: string; error?: string; status?: number };
  cardShown: boolean;
  signedIn: boolean;
  /** performance.now() (ms) when the invoke was posted and when the "signed in" reply first showed. */
  invokeSentAt?: number;
  signedInAt?: number;
  finished: boolean;
  transcript: string[];
  userId: string;
  privateCheck?: { windowWebChatUndefined: boolean; leakedGlobals: string[] };
  error?: string;
};
type PageResult = {
  scenario: WebchatScenario;
  state: DemoState;
  invokeStatus?: number;
  invokeBody?: any;
  messageFromIds: string[];
  windowWebChat: string;
};

describe('Web Chat page in headless Chromium (no extension)', () => {
  let browser: Browser;
  const results = new Map<string, PageResult>();

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    // Three scenarios at a time in pages of one context: all at once starves pages on a busy 2-core machine.
    const context = await browser.newContext();
    await mapLimit(WEBCHAT_SCENARIOS, 3, async (scenario) => {
      const page = await context.newPage();
      const posts: { request: Request; status: number }[] = [];
      page.on('requestfinished', async (request) => {
        if (request.method() === 'POST' && /\/v3\/directline\/conversations\/[^/]+\/activities$/.test(request.url())) {
          posts.push({ request, status: (await request.response())?.status() ?? 0 });
        }
      });
      await page.goto(`${server.url}/webchat/?${scenario.query}`);
      await page.waitForFunction(() => (window as any).__webchatDemo?.finished === true, null, {
        timeout: 90_000,
        polling: 100,
      });
      const state = (await page.evaluate(() => (window as any).__webchatDemo)) as DemoState;
      const windowWebChat = await page.evaluate(() => typeof (window as any).WebChat);
      const bodies = posts.map((p) => ({ status: p.status, body: p.request.postDataJSON() }));
      const inv = bodies.find((b) => b.body?.type === 'invoke');
      results.set(scenario.id, {
        scenario,
        state,
        invokeStatus: inv?.status,
        invokeBody: inv?.body,
        messageFromIds: bodies.filter((b) => b.body?.type === 'message').map((b) => b.body.from?.id),
        windowWebChat,
      });
      await page.close();
    });
    await context.close();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.each(WEBCHAT_SCENARIOS.map((s) => [s.id, s] as const))('%s: outcome as expected', (id, scenario) => {
    const r = results.get(id)!;
    const { state, invokeStatus, invokeBody } = r;
    expect(state.error, id).toBeUndefined();
    expect(state.cardShown, id).toBe(scenario.expect.cardShown);
    expect(
      state.transcript.some((t) => t.includes('You are signed in.')),
      id,
    ).toBe(Boolean(scenario.expect.signedIn));
    expect(state.transcript[0], id).toMatch(/^Hello! This is the local Bot Framework SSO demo bot/);
    if (scenario.expect.cardShown && !scenario.expect.signedIn)
      expect(state.transcript.at(-1), id).toBe('Please sign in to continue. Sign In');
    if (scenario.expect.cardShown && scenario.expect.signedIn)
      expect(state.transcript, id).toContain('Please sign in to continue. Sign In');
    expect(invokeStatus, id).toBe(scenario.expect.invokeStatus);
    expect(state.invoke?.result, id).toBe(scenario.expect.invokeResult);
    if (scenario.expect.invokeResult === 'id') expect(state.invoke!.id, id).toMatch(/\|\d{7}$/);
    if (scenario.expect.invokeResult === 'error')
      expect(state.invoke, id).toMatchObject({
        status: scenario.expect.invokeStatus,
        error: `ajax error ${scenario.expect.invokeStatus}`,
      });
    // Web Chat uses the user id embedded in the Direct Line token; the page's invoke carries the same one.
    expect(state.userId, id).toMatch(/^dl_[0-9a-f]{16}$/);
    expect(r.messageFromIds, id).toEqual([state.userId]);
    // The invoke as the page posts it; the invoke=… scenarios make one deliberate mistake each.
    const mistake = new URLSearchParams(scenario.query).get('invoke');
    if (invokeBody) {
      expect(invokeBody, id).toMatchObject({
        type: 'invoke',
        name: 'signin/tokenExchange',
        from: { id: mistake === 'fromother' ? expect.stringMatching(/^msal-/) : state.userId, role: 'user' },
        value: { connectionName: mistake === 'wrongconn' ? 'WrongConnection' : 'SsoConnection' },
      });
      if (mistake === 'notoken') expect(invokeBody.value.token, id).toBeUndefined();
      else {
        const aud = JSON.parse(Buffer.from(invokeBody.value.token.split('.')[1], 'base64url').toString()).aud;
        expect(aud, id).toBe(scenario.query.includes('aud=wrong') ? SSO_DEMO.wrongResourceUri : SSO_DEMO.resourceUri);
      }
    }
  });

  it('private=1 runs Web Chat without ever defining window.WebChat', () => {
    const r = results.get('sso-private-bundle')!;
    expect(r.windowWebChat).toBe('undefined');
    expect(r.state.privateCheck?.windowWebChatUndefined).toBe(true);
    expect(r.state.privateCheck?.leakedGlobals).not.toContain('renderWebChat');
    expect(results.get('sso-success')!.windowWebChat).toBe('object');
  });

  it('echoing the invoke avoids Web Chat holding the "signed in" reply for ~5 s', () => {
    // Measured in each page, invoke posted → reply shown, so a slow page load on a busy machine does not count.
    const held = (id: string) => {
      const { invokeSentAt, signedInAt } = results.get(id)!.state;
      return signedInAt! - invokeSentAt!;
    };
    const fast = held('sso-success');
    const slow = held('sso-no-echo');
    expect(slow - fast, `echo ${fast} ms, no echo ${slow} ms`).toBeGreaterThan(3000);
  });
});
