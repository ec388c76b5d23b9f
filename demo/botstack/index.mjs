// The local Bot Framework SSO stack, mounted on the demo server: a site backend that hands the page
// a Direct Line token, the Direct Line stand-in, the real botbuilder bot, the token service
// stand-in, and the real Web Chat bundle served from node_modules. All on 127.0.0.1.
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createDirectLine } from './directLine.mjs';
import { readBody, send } from './http.mjs';
import { createSessions, parseOptions } from './sessions.mjs';
import { createTokenService } from './tokenService.mjs';

export { WEBCHAT_SCENARIOS, webchatScenarioById } from '../webchat/scenarios.js';

/** node_modules/botframework-webchat/dist. Its `exports` map hides package.json, so walk up from the CJS entry. */
function webchatDistDir() {
  let dir = dirname(createRequire(import.meta.url).resolve('botframework-webchat'));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist');
}
const webchatDist = webchatDistDir();
const LOG_LIMIT = 5000;

/**
 * @param {{ base: string }} opts  base: the demo server's URL (http://127.0.0.1:<port>)
 */
export function createBotStack({ base }) {
  /** Per-hop wire log (Direct Line, bot, token service), for tests and `GET /api/botstack/log`. */
  const wireLog = [];
  const log = (entry) => {
    const conversationId =
      entry.conversationId ?? (entry.userId ? sessions.byUser(entry.userId)?.conversationId : undefined);
    wireLog.push({ at: Date.now(), ...entry, ...(conversationId ? { conversationId } : {}) });
    if (wireLog.length > LOG_LIMIT) wireLog.splice(0, wireLog.length - LOG_LIMIT);
  };
  const sessions = createSessions();
  const directLine = createDirectLine({ base, sessions, log });
  const tokenService = createTokenService({ base, sessions, log });
  // botbuilder takes about a second to load: only when a bot turn is first needed.
  let botPromise;
  const bot = () =>
    (botPromise ??= import('./bot.mjs').then(({ createBot }) =>
      createBot({
        base,
        log,
        routeInvokeFor: (conversationId) => sessions.byConversation(conversationId)?.options.routeInvoke ?? true,
        failInvokeFor: (conversationId) => sessions.byConversation(conversationId)?.options.botError ?? false,
      }),
    ));

  return {
    sessions,
    directLine,
    log: wireLog,
    /** @returns {Promise<boolean>} whether the request was one of the stack's routes */
    async handle(req, res, url) {
      const path = url.pathname;
      if (path === '/api/directline/token' && req.method === 'GET') {
        // Site backend: what a real site does with its Direct Line secret (tokens/generate with a
        // dl_ user id embedded), plus the scenario options of this demo conversation.
        const session = sessions.create({ options: parseOptions(url.searchParams) });
        const { token, conversationId, expires_in } = directLine.tokenFor(session);
        log({
          hop: 'site',
          route: 'GET /api/directline/token',
          conversationId,
          userId: session.userId,
          options: session.options,
        });
        send(res, 200, {
          token,
          conversationId,
          expires_in,
          userId: session.userId,
          userName: session.userName,
          options: session.options,
        });
        return true;
      }
      if (path === '/api/messages') {
        if (req.method !== 'POST') return (send(res, 405, 'POST only'), true);
        const body = await readBody(req).catch(() => null);
        if (!body) return (send(res, 400, 'bad JSON'), true);
        await (await bot()).handle(req, res, body);
        return true;
      }
      if (path === '/api/botstack/log') {
        const id = url.searchParams.get('conversationId');
        send(res, 200, id ? wireLog.filter((e) => e.conversationId === id) : wireLog);
        return true;
      }
      if (path === '/vendor/webchat.js' || path === '/vendor/webchat.js.LICENSE.txt') {
        res.writeHead(200, {
          'content-type': path.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/plain; charset=utf-8',
          'cache-control': 'max-age=3600',
        });
        createReadStream(join(webchatDist, path.slice('/vendor/'.length))).pipe(res);
        return true;
      }
      if (await directLine.handle(req, res, url)) return true;
      return tokenService(req, res, url);
    },
    /** node:http 'upgrade' handler part; returns false when the path is not the stack's. */
    upgrade: (req, socket, head) => directLine.upgrade(req, socket, head),
    close: () => directLine.close(),
  };
}
