// Stand-in for the Direct Line v3 service between the page (DirectLineJS inside Web Chat) and the
// bot. Client side: the /v3/directline REST API and the WebSocket stream. Bot side: the Connector
// API the bot replies through (serviceUrl = this server). Tokens are HS256 JWTs bound to a
// conversation and a user, with the user in a `user` claim as on Azure (Web Chat reads it).
import { randomBytes } from 'node:crypto';
import { WebSocketServer } from 'ws';
import { SSO_DEMO } from '../webchat/config.js';
import { signHs256, verifyHs256 } from './jwt.mjs';
import { match, readBody, send } from './http.mjs';

const TOKEN_LIFETIME_S = 1800;
const KEEPALIVE_MS = 10_000;

/**
 * @param {{ base: string, sessions: ReturnType<import('./sessions.mjs').createSessions>, log: (e: object) => void }} deps
 */
export function createDirectLine({ base, sessions, log }) {
  /** What a site backend would keep server side (tokens/generate). */
  const secret = `local-dl-secret-${randomBytes(8).toString('hex')}`;
  const tokenKey = randomBytes(32);
  const bot = { id: SSO_DEMO.bot.id, name: SSO_DEMO.bot.name, role: 'bot' };
  /** @type {Map<string, { id: string, session: any, started: boolean, seq: number, history: any[], sockets: Set<import('ws').WebSocket> }>} */
  const conversations = new Map();
  const wss = new WebSocketServer({ noServer: true });
  const wsBase = base.replace(/^http/, 'ws');

  const conversationOf = (session) => {
    let c = conversations.get(session.conversationId);
    if (!c)
      conversations.set(
        session.conversationId,
        (c = { id: session.conversationId, session, started: false, seq: 0, history: [], sockets: new Set() }),
      );
    return c;
  };
  const mint = (session) => {
    const now = Math.floor(Date.now() / 1000);
    return signHs256(
      {
        iss: 'local-directline',
        conv: session.conversationId,
        user: session.userId,
        iat: now,
        nbf: now,
        exp: now + TOKEN_LIFETIME_S,
      },
      tokenKey,
    );
  };
  const nextId = (c) => `${c.id}|${String(c.seq++).padStart(7, '0')}`;
  const streamUrl = (c, token, watermark) =>
    `${wsBase}/v3/directline/conversations/${encodeURIComponent(c.id)}/stream?${new URLSearchParams({ t: token, ...(watermark ? { watermark } : {}) })}`;

  /** Bearer → { secret: true } | token claims | null. */
  function authOf(req) {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer) return null;
    if (bearer === secret) return { secret: true };
    const v = verifyHs256(bearer, tokenKey);
    return v.ok ? v.claims : null;
  }

  /** Appends an activity visible to the client (unless `store` is false) and pushes it to the conversation's sockets. */
  function deliver(c, activity, store = activity.type !== 'typing') {
    if (store) c.history.push(activity); // typing: stream only, as on Azure
    const frame = JSON.stringify({ activities: [activity], watermark: String(c.history.length) });
    for (const ws of c.sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  }

  /** POSTs an activity to the bot; resolves with its HTTP status and raw body. */
  async function toBot(c, activity) {
    const full = {
      ...activity,
      channelId: 'directline',
      serviceUrl: base,
      conversation: { id: c.id },
      recipient: bot,
      timestamp: new Date().toISOString(),
    };
    try {
      const r = await fetch(`${base}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(full),
      });
      return { status: r.status, body: await r.text(), type: r.headers.get('content-type') };
    } catch (e) {
      return { status: 0, body: String(e), type: 'text/plain' };
    }
  }

  async function start(c) {
    if (c.started) return false;
    c.started = true;
    // Azure sends the bot a conversationUpdate; it is not delivered to the client.
    const user = { id: c.session.userId, name: c.session.userName, role: 'user' };
    const r = await toBot(c, { type: 'conversationUpdate', id: nextId(c), from: user, membersAdded: [bot, user] });
    log({ hop: 'directline', conversationId: c.id, event: 'conversationUpdate', botStatus: r.status });
    return true;
  }

  const conversationReply = (c, token, created) => ({
    conversationId: c.id,
    token,
    expires_in: TOKEN_LIFETIME_S,
    streamUrl: streamUrl(c, token),
    ...(created ? { referenceGrammarId: '00000000-0000-0000-0000-000000000000' } : {}),
  });

  /** Client side: /v3/directline/… Returns false when the path is not ours. */
  async function handleClient(req, res, url) {
    const path = url.pathname;
    const auth = authOf(req);
    const forbid = () => (
      send(res, 403, { error: { code: 'TokenExpired', message: 'Missing, invalid or expired token' } }),
      true
    );

    if (req.method === 'POST' && path === '/v3/directline/tokens/generate') {
      if (!auth?.secret) return forbid();
      const body = await readBody(req).catch(() => undefined);
      const session = sessions.create({
        ...(body?.user?.id ? { userId: body.user.id, userName: body.user.name ?? '' } : {}),
      });
      conversationOf(session);
      return (
        send(res, 200, { conversationId: session.conversationId, token: mint(session), expires_in: TOKEN_LIFETIME_S }),
        true
      );
    }
    if (req.method === 'POST' && path === '/v3/directline/tokens/refresh') {
      const session = auth?.conv && sessions.byConversation(auth.conv);
      if (!session) return forbid();
      return (
        send(res, 200, { conversationId: session.conversationId, token: mint(session), expires_in: TOKEN_LIFETIME_S }),
        true
      );
    }
    if (req.method === 'POST' && path === '/v3/directline/conversations') {
      if (!auth) return forbid();
      const body = await readBody(req).catch(() => undefined);
      const session = auth.secret
        ? sessions.create({ ...(body?.user?.id ? { userId: body.user.id } : {}) })
        : sessions.byConversation(auth.conv);
      if (!session) return forbid();
      const c = conversationOf(session);
      const created = await start(c);
      log({ hop: 'directline', conversationId: c.id, route: 'POST /conversations', status: created ? 201 : 200 });
      return (send(res, created ? 201 : 200, conversationReply(c, mint(session), created)), true);
    }
    let p = match('/v3/directline/conversations/:id', path);
    if (p && req.method === 'GET') {
      const c = conversations.get(p.id);
      if (!c || !auth || (!auth.secret && auth.conv !== c.id)) return forbid();
      const token = mint(c.session);
      return (
        send(res, 200, {
          ...conversationReply(c, token, false),
          streamUrl: streamUrl(c, token, url.searchParams.get('watermark')),
        }),
        true
      );
    }
    p = match('/v3/directline/conversations/:id/activities', path);
    if (!p) return false;
    const c = conversations.get(p.id);
    if (!c || !auth || (!auth.secret && auth.conv !== c.id)) return forbid();
    if (req.method === 'GET') {
      const wm = Math.max(0, Number.parseInt(url.searchParams.get('watermark') || '0', 10) || 0);
      return (send(res, 200, { activities: c.history.slice(wm), watermark: String(c.history.length) }), true);
    }
    if (req.method !== 'POST')
      return (send(res, 405, { error: { code: 'BadArgument', message: 'Method not allowed' } }), true);

    const posted = await readBody(req).catch(() => undefined);
    if (!posted || typeof posted !== 'object' || typeof posted.type !== 'string') {
      return (
        send(res, 400, { error: { code: 'MissingProperty', message: 'Invalid or missing activities in HTTP body' } }),
        true
      );
    }
    // The user id embedded in the token wins over the posted from.id (documented Azure behaviour).
    const activity = {
      ...posted,
      id: nextId(c),
      channelId: 'directline',
      conversation: { id: c.id },
      from: { ...(posted.from ?? {}), id: c.session.userId, role: 'user' },
      timestamp: new Date().toISOString(),
    };
    const echo = posted.type !== 'typing' && (posted.type !== 'invoke' || c.session.options.echoInvokes);
    if (echo) deliver(c, activity); // before the bot runs, so the bot's replies follow it
    const r = await toBot(c, activity);
    const ok = r.status >= 200 && r.status < 300;
    let status = 200;
    if (ok) send(res, 200, { id: activity.id });
    else if (c.session.options.dl === '502' || r.status === 0) {
      status = 502;
      const why = r.status === 0 ? 'bot unreachable' : `bot returned an error (httpStatusCode: ${r.status})`;
      send(res, 502, { error: { code: 'BotError', message: `Failed to send activity: ${why}` } });
    } else {
      status = r.status;
      res.writeHead(r.status, { 'cache-control': 'no-store', ...(r.body && r.type ? { 'content-type': r.type } : {}) });
      res.end(r.body);
    }
    log({
      hop: 'directline',
      conversationId: c.id,
      route: 'POST /activities',
      type: activity.type,
      name: activity.name,
      activityId: activity.id,
      echoed: echo,
      botStatus: r.status,
      status,
    });
    return true;
  }

  /** Bot side: the Connector API (v3/conversations/…). */
  async function handleConnector(req, res, url) {
    const path = url.pathname;
    let p =
      match('/v3/conversations/:id/members', path) ??
      match('/v3/conversations/:id/activities/:activityId/members', path);
    if (p && req.method === 'GET') {
      const c = conversations.get(p.id);
      if (!c) return (send(res, 404, { error: { code: 'BadArgument', message: 'Conversation not found' } }), true);
      return (send(res, 200, [{ id: c.session.userId, name: c.session.userName, role: 'user' }, bot]), true);
    }
    p = match('/v3/conversations/:id/activities', path) ?? match('/v3/conversations/:id/activities/:activityId', path);
    if (!p) return false;
    const c = conversations.get(p.id);
    if (!c) return (send(res, 404, { error: { code: 'BadArgument', message: 'Conversation not found' } }), true);
    if (req.method === 'DELETE') {
      c.history = c.history.filter((a) => a.id !== p.activityId);
      return (send(res, 200, {}), true);
    }
    const activity = await readBody(req).catch(() => undefined);
    if (!activity?.type)
      return (send(res, 400, { error: { code: 'MissingProperty', message: 'Invalid or missing activity' } }), true);
    const { serviceUrl: _serviceUrl, ...rest } = activity;
    if (req.method === 'PUT') {
      const i = c.history.findIndex((a) => a.id === p.activityId);
      if (i < 0) return (send(res, 404, { error: { code: 'BadArgument', message: 'Activity not found' } }), true);
      deliver(c, (c.history[i] = { ...rest, id: p.activityId, conversation: { id: c.id } }), false);
      return (send(res, 200, { id: p.activityId }), true);
    }
    if (req.method !== 'POST')
      return (send(res, 405, { error: { code: 'BadArgument', message: 'Method not allowed' } }), true);
    const out = {
      ...rest,
      id: nextId(c),
      channelId: 'directline',
      conversation: { id: c.id },
      from: rest.from ?? bot,
      timestamp: new Date().toISOString(),
      ...(p.activityId ? { replyToId: rest.replyToId ?? p.activityId } : {}),
    };
    deliver(c, out);
    log({
      hop: 'connector',
      conversationId: c.id,
      type: out.type,
      activityId: out.id,
      replyToId: out.replyToId,
      attachments: out.attachments?.map((a) => a.contentType),
    });
    return (send(res, 200, { id: out.id }), true);
  }

  return {
    secret,
    /** Creates the session's conversation record and a token bound to it (no conversation started yet). */
    tokenFor(session) {
      conversationOf(session);
      return { conversationId: session.conversationId, token: mint(session), expires_in: TOKEN_LIFETIME_S };
    },
    /** @returns {Promise<boolean>} whether it handled the request */
    async handle(req, res, url) {
      if (url.pathname.startsWith('/v3/directline/')) return handleClient(req, res, url);
      if (url.pathname.startsWith('/v3/conversations/')) return handleConnector(req, res, url);
      return false;
    },
    /** WebSocket upgrade for …/stream; returns false when the path is not ours. */
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', base);
      const p = match('/v3/directline/conversations/:id/stream', url.pathname);
      if (!p) return false;
      const c = conversations.get(p.id);
      const v = verifyHs256(url.searchParams.get('t') ?? '', tokenKey);
      if (!c || !v.ok || v.claims.conv !== c.id) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        c.sockets.add(ws);
        // Replay what the client has not seen yet (activities sent before the socket opened).
        const wm = Number.parseInt(url.searchParams.get('watermark') || '0', 10) || 0;
        if (c.history.length > wm)
          ws.send(JSON.stringify({ activities: c.history.slice(wm), watermark: String(c.history.length) }));
        const keepAlive = setInterval(() => ws.readyState === ws.OPEN && ws.send(''), KEEPALIVE_MS);
        ws.on('close', () => {
          clearInterval(keepAlive);
          c.sockets.delete(ws);
        });
        ws.on('message', () => undefined); // the client's "" pings
        log({ hop: 'directline', conversationId: c.id, event: 'stream open' });
      });
      return true;
    },
    close() {
      for (const c of conversations.values()) for (const ws of c.sockets) ws.terminate();
      wss.close();
    },
  };
}
