// The demo server, on 127.0.0.1 only: the Omnichannel simulator pages, a site token endpoint,
// a stand-in for the Bot Framework token service's tokenPostResource (…/api/sas/postToken), and
// the local Bot Framework SSO stack for the Web Chat pages (demo/botstack, demo/webchat).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBotStack } from './botstack/index.mjs';
import { handleRealcode } from './realcode/server.mjs';
import { REALCODE_SCENARIOS, realcodeScenarioPath } from './realcode/scenarios.js';
import { SCENARIOS, scenarioById } from './omnichannel/scenarios.js';
import { WEBCHAT_SCENARIOS } from './webchat/scenarios.js';
import { createTokenMinter } from './tokens.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

function indexPage() {
  const items = SCENARIOS.map(
    (s) => `<li><a href="/omnichannel/?scenario=${s.id}">${s.title}</a> <code>${s.id}</code></li>`,
  ).join('\n');
  const webchatItems = WEBCHAT_SCENARIOS.map(
    (s) => `<li><a href="/webchat/?${s.query}">${s.title}</a> <code>${s.id}</code></li>`,
  ).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chat SSO Inspector demo</title><link rel="stylesheet" href="/demo.css"></head><body>
<h1>Chat SSO Inspector demo</h1>
<p class="banner">Everything here runs on 127.0.0.1. The Omnichannel pages use a SIMULATOR of the live chat widget's documented page contract.</p>
<p>Open DevTools and choose the <b>Chat SSO</b> panel, then pick a scenario:</p>
<h2>Omnichannel live chat (simulator)</h2><ul>${items}</ul>
<h2>Bot Framework Web Chat SSO (real Web Chat and botbuilder, local Direct Line and token service)</h2><ul>${webchatItems}</ul>
<h2>Real Omnichannel code (Microsoft's packages, local stand-ins)</h2><ul>${REALCODE_SCENARIOS.map((s) => `<li><a href="${realcodeScenarioPath(s.id)}">${s.title}</a> <code>${s.id}</code></li>`).join('\n')}</ul></body></html>`;
}

/**
 * Starts the demo server. `port` 0 picks a free port.
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startDemoServer({ port = 0 } = {}) {
  let base = '';
  let minter;
  let botstack; // created once the port (hence `base`) is known
  const signInCounter = { n: 0 };
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', base);
      const send = (status, body, type = 'text/plain; charset=utf-8', extra = {}) => {
        res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...extra });
        res.end(body);
      };
      if (url.pathname === '/') return send(200, indexPage(), TYPES['.html']);
      if (url.pathname === '/api/token') return send(200, minter.mint(url.searchParams.get('kind') ?? 'valid'));
      if (url.pathname === '/api/publickey') return send(200, minter.publicKeyPem);
      if (url.pathname === '/api/jwks') return send(200, JSON.stringify({ keys: [minter.publicJwk] }), TYPES['.json']);
      if (url.pathname === '/omnichannel/widget-config') {
        const scenario = scenarioById(new URL(req.headers.referer ?? base).searchParams.get('scenario') ?? 'fast');
        const config = { ...(scenario?.widget ?? {}) };
        if (scenario?.bot) {
          const signInId = `sim-signin-${++signInCounter.n}`;
          const q = new URLSearchParams({
            expiry: String(Math.floor(Date.now() / 1000) + 900),
            id: 'key2',
            state: signInId,
            hmac: 'simulated-hmac',
            sim_status: String(scenario.postStatus ?? 200),
          });
          config.signInCard = { signInId, sasUrl: `${base}/api/sas/postToken?${q}` };
        }
        return send(200, JSON.stringify(config), TYPES['.json']);
      }
      if (url.pathname === '/api/sas/postToken') {
        // Stand-in for the token service's tokenPostResource: answers the status the scenario asks for.
        if (req.method !== 'POST') return send(405, 'POST only');
        for await (const _ of req); // drain the body
        const status = Number(url.searchParams.get('sim_status') ?? 200);
        return send(status, status === 200 ? '{"status":"signed in"}' : '', TYPES['.json']);
      }
      if (botstack && (await botstack.handle(req, res, url))) return;
      if (await handleRealcode(req, res, url)) return; // demo/realcode: Microsoft's live chat packages and their stand-ins
      // Static files under demo/ (no directory escape).
      let path = url.pathname.endsWith('/') ? `${url.pathname}index.html` : url.pathname;
      path = normalize(path).replace(/^(\.\.[/\\])+/, '');
      const file = join(here, path);
      if (!file.startsWith(here)) return send(403, 'forbidden');
      const ext = file.slice(file.lastIndexOf('.'));
      const body = await readFile(file).catch(() => null);
      if (!body || !(ext in TYPES) || file.endsWith('.mjs')) return send(404, 'not found');
      return send(200, body, TYPES[ext]);
    } catch (e) {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500);
      res.end(String(e));
    }
  });
  // Direct Line WebSocket stream (the stack's only upgrade route).
  server.on('upgrade', (req, socket, head) => {
    if (!botstack?.upgrade(req, socket, head)) socket.destroy();
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  base = `http://127.0.0.1:${actual}`;
  minter = createTokenMinter(base);
  botstack = createBotStack({ base });
  return {
    url: base,
    port: actual,
    close: () =>
      new Promise((resolve) => {
        botstack.close();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 0);
  const { url } = await startDemoServer({ port });
  console.log(`demo server on ${url}`);
}
