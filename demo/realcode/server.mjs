// Routes of the real-code bench on the demo server (127.0.0.1 only), mounted by demo/server.mjs:
//   /realcode/?scenario=<id>                   the page (a fresh widget id per load: one "run")
//   /realcode/{harness,site}.js, /realcode/scenarios.js, /realcode/dist/widget.js(.map)
//   /realcode/api/runs/<widgetId>             the run's server-side record (livechatconnector requests, token POSTs)
//   /realcode/acs/<widgetId>/activities       the bot activities of the run (read by the ACS stand-in in the page)
//   /livechatconnector/…                      STAND-IN for the Omnichannel service (see below)
//   /realcode/tokenservice/api/sas/postToken   STAND-IN for the Bot Framework token service's postToken
// Nothing under demo/realcode/node_modules is ever served (any path naming node_modules answers 404).
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AUTH_CLIENT_FUNCTION,
  REAL_PACKAGES,
  REALCODE_ORG_ID,
  REALCODE_SCENARIOS,
  STAND_INS,
  realcodeScenarioById,
  realcodeScenarioPath,
} from './scenarios.js';

const here = dirname(fileURLToPath(import.meta.url));
const RUN_LIMIT = 300;
const STATIC = {
  '/realcode/harness.js': join(here, 'page/harness.js'),
  '/realcode/site.js': join(here, 'page/site.js'),
  '/realcode/site-namespace.js': join(here, 'page/site-namespace.js'),
  '/realcode/scenarios.js': join(here, 'scenarios.js'),
  '/realcode/dist/widget.js': join(here, 'dist/widget.js'),
  '/realcode/dist/widget.js.map': join(here, 'dist/widget.js.map'),
  '/realcode/dist/widget.js.LEGAL.txt': join(here, 'dist/widget.js.LEGAL.txt'),
};
const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};
/**
 * The page's Content-Security-Policy. connect-src 'self' keeps every request on 127.0.0.1: it stands for the
 * firewall that makes the widget's fetch of https://token.botframework.com/api/sas/gettesturl fail, and
 * guarantees that nothing in Microsoft's packages reaches out (telemetry collectors, CDNs).
 */
const PAGE_CSP = "connect-src 'self'";

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const b64url = (buf) => Buffer.from(buf).toString('base64url');

/** What a JWT-looking header value is, without verifying it (the stand-in only records what it was sent). */
function tokenShape(token) {
  if (!token) return 'none';
  const parts = token.split('.');
  if (parts.length !== 3) return 'not-jwt';
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now()) return 'expired-jwt';
    return 'jwt';
  } catch {
    return 'not-jwt';
  }
}

function send(res, status, body, headers = {}) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...(body === undefined
      ? {}
      : { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8' }),
    ...headers,
  });
  res.end(text);
}

async function drain(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * STAND-IN — not Microsoft code: the live chat configuration `livechatconnector/config` answers. Only the
 * fields Microsoft's chat SDK 1.11.8 reads when it initializes (OmnichannelChatSDK.buildConfigurations,
 * evaluateAMSAvailability; ocsdk getChatConfig), with the values of a plain LCW v2 live chat widget.
 */
function widgetConfig(scenario, base) {
  const config = {
    LiveChatVersion: 2,
    ChatWidgetLanguage: { msdyn_localeid: '1033', msdyn_languagename: 'English - United States' },
    DataMaskingInfo: { setting: { msdyn_maskforcustomer: false, msdyn_maskforagent: false }, dataMaskingRules: {} },
    LiveWSAndLiveChatEngJoin: {
      msdyn_name: 'Real-code bench widget',
      msdyn_widgetappid: undefined, // filled in below
      msdyn_conversationmode: '192350000', // live chat (not persistent)
      msdyn_enablechatreconnect: 'false',
      msdyn_prechatenabled: 'false',
      msdyn_postconversationsurveyenable: 'false',
      msdyn_callingoptions: '192350000', // no calling
      msdyn_enablefileattachmentsforcustomers: 'false',
      msdyn_enablefileattachmentsforagents: 'false',
      msdyn_requestvisitorlocation: 'false',
      OutOfOperatingHours: 'False',
    },
  };
  if (scenario.auth) {
    config.LiveChatConfigAuthSettings = {
      msdyn_name: 'Real-code bench authentication settings',
      msdyn_javascriptclientfunction: AUTH_CLIENT_FUNCTION,
      msdyn_publickeyurl: `${base}/api/publickey`,
    };
  }
  return config;
}

/** The activities the ACS stand-in plays for a run: a greeting, then the scenario's sign-in cards. */
function scriptedActivities(run, base) {
  const bot = { id: 'realcode-bench-bot', name: 'Bench bot', role: 'bot' };
  const ids = [];
  const cards = [];
  const activities = [
    {
      type: 'message',
      id: `${run.widgetId}-greeting`,
      from: bot,
      text: 'Hello! (a scripted greeting from the ACS stand-in)',
      channelData: {},
    },
  ];
  run.scenario.cards.forEach((spec, i) => {
    const signInId = spec.sameSignInIdAs !== undefined ? ids[spec.sameSignInIdAs] : b64url(randomBytes(18));
    ids.push(signInId);
    run.signInIds.add(signInId);
    const signInUrl =
      spec.signInUrl === 'unparsable'
        ? `https://token.botframework.azure.us/api/oauth/signin?signin=${signInId}`
        : `https://token.botframework.com/api/oauth/signin?signin=${signInId}`;
    const q = new URLSearchParams({
      expiry: String(Math.floor(Date.now() / 1000) + 900),
      id: 'key1',
      state: signInId,
      hmac: b64url(randomBytes(24)),
    });
    const content = {
      text: `Sign in to continue (card ${i + 1})`,
      buttons: [{ type: 'signin', title: `Sign in (card ${i + 1})`, value: signInUrl }],
      ...(spec.sasUrl === false
        ? {}
        : { tokenPostResource: { sasUrl: `${base}/realcode/tokenservice/api/sas/postToken?${q}` } }),
    };
    if (spec.contentType === 'oauth') content.connectionName = 'BenchConnection';
    const id = `${run.widgetId}-card-${i + 1}`;
    activities.push({
      type: 'message',
      id,
      from: bot,
      channelData: {},
      attachments: [
        {
          contentType:
            spec.contentType === 'oauth'
              ? 'application/vnd.microsoft.card.oauth'
              : 'application/vnd.microsoft.card.signin',
          content,
        },
      ],
    });
    // For the harness only (never given to Microsoft code): which card this is and its signInId.
    cards.push({
      index: i,
      activityId: id,
      signInId,
      buttonTitle: `Sign in (card ${i + 1})`,
      hasSasUrl: spec.sasUrl !== false,
      signInUrl,
    });
  });
  return { activities, cards };
}

function pageHtml(run, base) {
  const s = run.scenario;
  const realList = Object.entries(REAL_PACKAGES)
    .map(([n, v]) => `<code>${escapeHtml(n)}@${escapeHtml(v)}</code>`)
    .join(', ');
  const standIns = STAND_INS.map(
    (x) => `<li><b>${escapeHtml(x.id)}</b> (<code>${escapeHtml(x.where)}</code>): ${escapeHtml(x.what)}</li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Real Omnichannel code — ${escapeHtml(s.title)}</title>
    <link rel="stylesheet" href="/demo.css" />
    <link rel="icon" href="data:," />
    <style>#webchat { height: 420px; border: 1px solid #ccc; border-radius: 6px; } #rc-truth { max-height: 520px; } .real { background: #e6f4ea; border-color: #7bc58d; }</style>
    <!-- Ground-truth recorder of the bench (not Microsoft code, not the site's code): first script on the page. -->
    <script src="/realcode/harness.js"></script>
    <!-- The site's own code: its auth client function and bot auth token provider, then startChat. -->
    <script type="module" src="/realcode/site.js"></script>${
      s.site?.breakNamespace
        ? `
    <!-- The site's own namespace helper (rc-load-error): window.Microsoft as a getter that reads undefined. -->
    <script src="/realcode/site-namespace.js"></script>`
        : ''
    }
  </head>
  <body>
    <p class="banner real">This page runs <b>Microsoft's real live chat packages</b> from npm, unmodified: ${realList}
      (the widget's <code>createAdapter</code>, <code>ChatAdapterShim</code>, <code>BotAuthActivitySubscriber</code> and <code>FacadeChatSDK</code>,
      the components' <code>BroadcastService</code>, the chat SDK with ocsdk, and Web Chat rendered with React).</p>
    <p class="banner">LOCAL STAND-INS (not Microsoft code), for what is not on npm or cannot run offline:</p>
    <ul>${standIns}</ul>
    <p>The page's Content-Security-Policy (<code>${escapeHtml(PAGE_CSP)}</code>) keeps every request on 127.0.0.1: it plays the firewall that makes the widget's fetch of <code>https://token.botframework.com/api/sas/gettesturl</code> fail.</p>
    <h1 id="rc-title">${escapeHtml(s.title)}</h1>
    <p>Scenario <code id="rc-scenario">${escapeHtml(s.id)}</code> · widget id <code>${escapeHtml(run.widgetId)}</code> · status: <span id="rc-status">running</span> · <a href="/">all scenarios</a></p>
    <p>${escapeHtml(s.summary)}</p>
    <div id="webchat" role="main"></div>
    <h2>Ground truth (what the real code did)</h2>
    <pre id="rc-truth"></pre>
    <h2>Bench log</h2>
    <pre id="rc-log"></pre>
    <!-- The live chat snippet, as a site embeds it: the scripting layer (here its stand-in) loads asynchronously. -->
    <script id="Microsoft_Omnichannel_LCWidget" async src="/realcode/dist/widget.js"
      data-app-id="${escapeHtml(run.widgetId)}" data-org-id="${escapeHtml(REALCODE_ORG_ID)}" data-org-url="${escapeHtml(base)}"
      data-lcw-version="prod"></script>
  </body>
</html>`;
}

/**
 * Creates the bench's routes. `base` is the demo server's URL (http://127.0.0.1:<port>).
 * @returns {{ handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, url: URL): Promise<boolean>, runs: Map<string, any> }}
 */
export function createRealcodeRoutes({ base }) {
  /** widgetId → run */
  const runs = new Map();
  /** signInId → run */
  const bySignInId = new Map();

  const newRun = (scenario) => {
    const run = {
      widgetId: randomUUID(),
      scenario,
      createdAt: Date.now(),
      connector: [],
      tokenPosts: [],
      signInIds: new Set(),
      activities: null,
    };
    runs.set(run.widgetId, run);
    if (runs.size > RUN_LIMIT) {
      const oldest = runs.values().next().value;
      runs.delete(oldest.widgetId);
      for (const id of oldest.signInIds) if (bySignInId.get(id) === oldest) bySignInId.delete(id);
    }
    return run;
  };
  const publicRun = (run) => ({
    widgetId: run.widgetId,
    scenario: run.scenario.id,
    connector: run.connector,
    tokenPosts: run.tokenPosts,
  });

  /** STAND-IN — not Microsoft code: livechatconnector, the Omnichannel service the chat SDK talks to. */
  async function connector(req, res, url) {
    const path = url.pathname;
    let m = /^\/livechatconnector\/config\/([^/]+)\/([^/]+)$/.exec(path);
    if (m) {
      const run = runs.get(m[2]);
      const entry = {
        endpoint: 'config',
        method: req.method,
        path,
        status: 0,
        authenticatedUserToken: typeof req.headers['authenticatedusertoken'] === 'string',
        requestId: url.searchParams.get('requestId'),
        channelId: url.searchParams.get('channelId'),
        headerNames: req.rawHeaders
          .filter((_, i) => i % 2 === 0)
          .filter(
            (h) =>
              !/^(host|connection|accept-encoding|accept-language|sec-|user-agent|referer|origin|content-length|priority|pragma|cache-control|te$)/i.test(
                h,
              ),
          ),
      };
      if (!run || m[1] !== REALCODE_ORG_ID) {
        send(res, 404, { message: 'widget not found' }, { errorcode: '104' });
        return true;
      }
      run.connector.push(entry);
      const config = widgetConfig(run.scenario, base);
      config.LiveWSAndLiveChatEngJoin.msdyn_widgetappid = run.widgetId;
      entry.status = 200;
      send(res, 200, config);
      return true;
    }
    // …/livechatconnector/auth/organization/{orgId}/widgetApp/{widgetId}/{op} and the unauthenticated
    // …/livechatconnector/organization/{orgId}/widgetApp/{widgetId}/{op}
    m = /^\/livechatconnector\/(auth\/)?organization\/([^/]+)\/widgetApp\/([^/]+)\/(.+)$/.exec(path);
    if (!m) return false;
    const [, auth, orgId, widgetId, op] = m;
    const run = runs.get(widgetId);
    const token = req.headers['authenticatedusertoken'];
    const body = await drain(req);
    const entry = {
      endpoint: `${auth ? 'auth/' : ''}${op}`,
      method: req.method,
      path,
      status: 0,
      authenticatedUserToken: typeof token === 'string' && token.length > 0,
      authenticatedUserTokenShape: tokenShape(typeof token === 'string' ? token : ''),
      authCodeNonce: req.headers['authcodenonce'] ?? null, // the value sent (ocsdk rotates it from the `authcodenonce` response header)
      ocUserAgent: req.headers['ms-oc-user-agent'] ?? null,
      requestId: req.headers['request-id'] ?? null,
      headerNames: req.rawHeaders
        .filter((_, i) => i % 2 === 0)
        .filter(
          (h) =>
            !/^(host|connection|accept-encoding|accept-language|sec-|user-agent|referer|origin|content-length|priority|pragma|cache-control|te$)/i.test(
              h,
            ),
        ),
      bodyKeys: (() => {
        try {
          return Object.keys(JSON.parse(body || '{}')).sort();
        } catch {
          return [];
        }
      })(),
    };
    if (!run || orgId !== REALCODE_ORG_ID) {
      send(res, 404, { message: 'widget not found' });
      return true;
    }
    run.connector.push(entry);
    const status =
      auth && !entry.authenticatedUserToken
        ? 401
        : op === 'conversation' || op === 'sessioninit'
          ? (run.scenario.conversationStatus ?? 200)
          : 200;
    entry.status = status;
    if (status === 401) {
      send(
        res,
        401,
        { message: 'Authentication failed (stand-in: the scenario rejects the AuthenticatedUserToken)' },
        { errorcode: '401' },
      );
      return true;
    }
    const nonce = { authcodenonce: b64url(randomBytes(12)), 'access-control-expose-headers': 'authcodenonce' };
    if (op === 'conversation' || op === 'getchattoken' || /(^|\/)getchattoken$/.test(op)) {
      // The chat token. Token is NOT an ACS token (no ACS here): the chat SDK fails to create its ACS
      // credential and startChat ends with MessagingClientInitializationFailure, without any network call.
      send(
        res,
        200,
        {
          ChatId: `19:realcode-${run.widgetId}@thread.v2`,
          Token: 'realcode-stand-in-not-an-acs-token',
          RegionGtms: JSON.stringify({ chatService: `${base}/realcode/no-acs` }),
          ExpiresIn: 86400,
          VisitorId: `8:acs:realcode-visitor-${run.widgetId}`,
          ACSEndpoint: `${base}/realcode/no-acs`,
        },
        nonce,
      );
      return true;
    }
    send(res, 200, {}, nonce); // sessioninit, sessionclose, …: accepted
    return true;
  }

  /** STAND-IN — not Microsoft code: the Bot Framework token service's postToken (the card's sasUrl). */
  async function postToken(req, res, url) {
    if (req.method !== 'POST') return (send(res, 405, 'POST only'), true);
    const body = await drain(req);
    const state = url.searchParams.get('state') ?? '';
    const run = bySignInId.get(state);
    const status = run ? (run.scenario.postTokenStatus ?? 200) : 404;
    let bodyHasJwt;
    try {
      const parsed = JSON.parse(body);
      const text = typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
      bodyHasJwt = /eyJ[\w-]+\.[\w-]+\.[\w-]*/.test(text);
    } catch {
      bodyHasJwt = /eyJ[\w-]+\.[\w-]+\.[\w-]*/.test(body);
    }
    run?.tokenPosts.push({ state, status, contentType: req.headers['content-type'] ?? null, bodyHasJwt });
    send(
      res,
      status,
      status === 200
        ? { status: 'token stored (stand-in)' }
        : status === 404
          ? { error: 'unknown state' }
          : { error: 'token service stand-in: scenario answers ' + status },
    );
    return true;
  }

  return {
    runs,
    async handle(req, res, url) {
      const path = url.pathname;
      let decoded = path;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        /* keep the raw path */
      }
      if (/node_modules/i.test(decoded)) return (send(res, 404, 'not found'), true);
      if (path.startsWith('/livechatconnector/')) return connector(req, res, url);
      if (path === '/realcode' || path === '/realcode/' || path === '/realcode/index.html') {
        const scenario = realcodeScenarioById(url.searchParams.get('scenario') ?? '');
        if (!scenario) {
          const list = REALCODE_SCENARIOS.map(
            (s) => `<li><a href="${realcodeScenarioPath(s.id)}">${escapeHtml(s.title)}</a></li>`,
          ).join('');
          return (
            send(
              res,
              404,
              `<!doctype html><meta charset="utf-8"><title>Unknown scenario</title><p>Unknown scenario. Pick one:</p><ul>${list}</ul>`,
              { 'content-type': 'text/html; charset=utf-8' },
            ),
            true
          );
        }
        const run = newRun(scenario);
        send(res, 200, pageHtml(run, base), {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': PAGE_CSP,
        });
        return true;
      }
      if (path === '/realcode/tokenservice/api/sas/postToken') return postToken(req, res, url);
      let m = /^\/realcode\/acs\/([^/]+)\/activities$/.exec(path);
      if (m) {
        const run = runs.get(m[1]);
        if (!run) return (send(res, 404, 'unknown run'), true);
        run.activities ??= scriptedActivities(run, base);
        for (const id of run.signInIds) bySignInId.set(id, run);
        send(res, 200, run.activities);
        return true;
      }
      m = /^\/realcode\/api\/runs\/([^/]+)$/.exec(path);
      if (m) {
        const run = runs.get(m[1]);
        send(res, run ? 200 : 404, run ? publicRun(run) : { error: 'unknown run' });
        return true;
      }
      if (path.startsWith('/realcode/no-acs')) return (send(res, 503, 'no ACS here (stand-in)'), true);
      if (path in STATIC) {
        const file = STATIC[path];
        const body = await readFile(file).catch(() => null);
        if (!body)
          return (
            send(res, 404, path.startsWith('/realcode/dist/') ? 'not built: run `npm run build`' : 'not found'),
            true
          );
        res.writeHead(200, {
          'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(body);
        return true;
      }
      if (path.startsWith('/realcode/')) return (send(res, 404, 'not found'), true);
      return false;
    },
  };
}

/** Lazily created routes per demo server base URL (so demo/server.mjs needs a single delegation line). */
const byBase = new Map();
/**
 * The delegation entry point used by demo/server.mjs.
 * @returns {Promise<boolean>} whether the request was one of the bench's routes (then it has been answered)
 */
export function handleRealcode(req, res, url) {
  const base = url.origin;
  let routes = byBase.get(base);
  if (!routes) byBase.set(base, (routes = createRealcodeRoutes({ base })));
  return routes.handle(req, res, url);
}
