// Records HAR fixtures with the browsers' OWN exporters (no test library's recorder), each paired
// with the extension's live capture of the same run, into test/fixtures/har/browsers/:
// - Chromium: the DevTools frontend that ships inside Chromium (devtools://devtools/bundled/…), opened
//   for the tab with --auto-open-devtools-for-tabs; in the frontend's own context we import its HAR
//   module (models/har/har.js) and run `HAR.Writer.Writer.write` on the network log
//   (`Logs.NetworkLog.NetworkLog`), exactly what the Network panel's "Export HAR (sanitized)…" and
//   "Export HAR (with sensitive data)…" do (`{sanitize: true|false}`), minus the file dialog.
// - Firefox: the network monitor's own HAR exporter (devtools/client/netmonitor/src/har/har-exporter),
//   reached with the toolbox opened on the tab (`gDevTools.showToolboxForTab`) through privileged
//   script over WebDriver BiDi (--remote-allow-system-access) — the same exporter as the netmonitor's
//   "Save All As HAR" and the `devtools.netmonitor.har.enableAutoExportToFile` auto-export. (`--devtools`
//   with those prefs wrote nothing headless: the toolbox has to be opened on the tab.)
// Run by hand (not in CI), after `npm run build`:
//   node scripts/record-hars.mjs [chromium|firefox …] [recording ids…]
// The tokens in these files are demo tokens minted on 127.0.0.1 for the recording, not secrets.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { startDemoServer } from '../demo/server.mjs';
import { CHROMIUM_ARGS, chromiumPath, entriesOf, tabIdOf } from './lib/chromium.mjs';
import { FIREFOX_EXTENSION_UUID, launchFirefoxWithExtension } from './lib/firefox.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test/fixtures/har/browsers');

/**
 * What is recorded: one run of a demo page per recording. `scenario` is the demo scenario id (its
 * expectations are in demo/webchat/scenarios.js, demo/omnichannel/scenarios.js or demo/realcode/scenarios.js).
 * @type {{ id: string, stack: 'webchat'|'omnichannel'|'realcode', scenario: string, path: string, global: string, what: string }[]}
 */
export const RECORDINGS = [
  {
    id: 'webchat-sso-success',
    stack: 'webchat',
    scenario: 'sso-success',
    path: '/webchat/?mode=success',
    global: '__webchatDemo',
    what: 'Web Chat + local Direct Line + botbuilder bot, REST polling: SSO token exchange succeeds (card hidden)',
  },
  {
    id: 'webchat-sso-websocket',
    stack: 'webchat',
    scenario: 'sso-websocket',
    path: '/webchat/?mode=success&ws=1',
    global: '__webchatDemo',
    what: 'Web Chat + local Direct Line + botbuilder bot, activities over the WebSocket stream: SSO succeeds',
  },
  {
    id: 'webchat-sso-failure-502',
    stack: 'webchat',
    scenario: 'sso-failure-502',
    path: '/webchat/?mode=failure&dl=502',
    global: '__webchatDemo',
    what: 'Web Chat + local Direct Line + botbuilder bot: the exchange fails, Direct Line answers the invoke 502 (fallback: card shown)',
  },
  {
    id: 'omnichannel-bot-200',
    stack: 'omnichannel',
    scenario: 'bot-200',
    path: '/omnichannel/?scenario=bot-200',
    global: '__sim',
    what: 'Omnichannel simulator, bot SSO: the token posted to postToken, answered 200 (card hidden)',
  },
  {
    id: 'omnichannel-bot-500',
    stack: 'omnichannel',
    scenario: 'bot-500',
    path: '/omnichannel/?scenario=bot-500',
    global: '__sim',
    what: 'Omnichannel simulator, bot SSO: postToken answered 500 (fallback: card shown)',
  },
  {
    id: 'realcode-rc-auth-ok',
    stack: 'realcode',
    scenario: 'rc-auth-ok',
    path: '/realcode/?scenario=rc-auth-ok',
    global: '__realcode',
    what: "Microsoft's live chat packages (demo/realcode): authenticated chat, the JWT sent as AuthenticatedUserToken is accepted",
  },
  {
    id: 'realcode-rc-connector-401',
    stack: 'realcode',
    scenario: 'rc-connector-401',
    path: '/realcode/?scenario=rc-connector-401',
    global: '__realcode',
    what: "Microsoft's live chat packages (demo/realcode): livechatconnector answers 401 to the conversation call (chat fails)",
  },
];

/** Response bodies larger than this (bytes of text) are cut from the fixtures (the Web Chat bundle is 3.9 MB). */
const MAX_BODY = 200_000;
/** Time for the last poll and Web Chat's store after the page says it is done (a recording script, not a test). */
const SETTLE_MS = 600;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes a HAR fit for the repository without changing its shape: large static bodies are replaced by
 * '' with a `comment`, and the demo server's random port is kept (it is 127.0.0.1 only).
 */
function trimHar(har) {
  for (const e of har.log.entries) {
    const c = e.response?.content;
    if (c && typeof c.text === 'string' && c.text.length > MAX_BODY) {
      c.text = '';
      delete c.encoding;
      e.comment = `response body (${c.size} bytes) cut for the fixture by scripts/record-hars.mjs`;
    }
  }
  return har;
}

function save(name, json) {
  writeFileSync(join(out, name), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`  wrote test/fixtures/har/browsers/${name}`);
}

/** Saves the extension's live log of the run, in the capture fixture format (scripts/capture-fixtures.mjs). */
function saveCapture(browserName, rec, entries) {
  save(`${browserName}-${rec.id}.capture.json`, {
    scenario: rec.scenario,
    source: { webchat: 'bot-framework-stack', omnichannel: 'omnichannel-simulator', realcode: 'omnichannel-real-code' }[
      rec.stack
    ],
    capturedWith: 'scripts/record-hars.mjs',
    capturedAt: Date.now(),
    entries,
  });
}

// ---------------------------------------------------------------------------------------------
// Chromium: the bundled DevTools frontend's own HAR writer.

/** Runs in the DevTools frontend: waits until it is attached to the inspected tab with its network model. */
const FRONTEND_READY = `(async () => {
  const SDK = await import('./core/sdk/sdk.js');
  const Logs = await import('./models/logs/logs.js');
  const deadline = Date.now() + 20000;
  for (;;) {
    const target = SDK.TargetManager.TargetManager.instance().primaryPageTarget();
    if (target && target.model(SDK.NetworkManager.NetworkManager)) {
      Logs.NetworkLog.NetworkLog.instance();
      return target.inspectedURL();
    }
    if (Date.now() > deadline) throw new Error('DevTools frontend did not attach to the tab');
    await new Promise((r) => setTimeout(r, 100));
  }
})()`;

/**
 * Runs in the DevTools frontend: the Network panel's exportAll() without the file dialog — the same
 * requests (NetworkLogView.harRequests(): http(s)/ws(s), finished or an open WebSocket, no UI filter)
 * through the same HAR.Writer.Writer.write, into a string.
 */
const frontendExport = (sanitize) => `(async () => {
  const HAR = await import('./models/har/har.js');
  const Logs = await import('./models/logs/logs.js');
  const Common = await import('./core/common/common.js');
  if (typeof HAR.Writer?.Writer?.write !== 'function' || typeof Common.Progress?.Progress !== 'function')
    throw new Error('This DevTools frontend has no HAR.Writer.Writer.write (models/har/har.js) or ' +
      'Common.Progress.Progress: its internals changed; see scripts/record-hars.mjs');
  const all = Logs.NetworkLog.NetworkLog.instance().requests().filter((r) => /^(https?|wss?):/.test(r.url()));
  const requests = all.filter((r) => r.finished || (r.resourceType().name() === 'websocket' && r.responseReceivedTime) ||
    !!r.eventSourceMessages()?.length);
  const chunks = [];
  const stream = { write: async (s) => { chunks.push(s); }, close: async () => {} };
  await HAR.Writer.Writer.write(stream, requests, { sanitize: ${sanitize} }, new Common.Progress.Progress());
  const leftOut = all.filter((r) => !requests.includes(r)).map((r) => r.requestMethod + ' ' + r.url());
  return JSON.stringify({ har: chunks.join(''), leftOut });
})()`;

async function recordChromium(server, recs) {
  const ext = join(root, 'dist');
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    devtools: true, // --auto-open-devtools-for-tabs: a DevTools frontend per tab
    pipe: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${ext}`,
      `--load-extension=${ext}`,
      '--no-sandbox',
      ...CHROMIUM_ARGS,
      '--window-size=1400,900',
    ],
  });
  const version = (await browser.version()).replace(/^(Headless)?Chrome\//, 'Chromium ');
  const isDevtools = (t) => t.url().startsWith('devtools://devtools/bundled/devtools_app.html');
  const isWorker = (t) => t.type() === 'service_worker' && t.url().startsWith('chrome-extension://');
  const worker = async () => (await browser.waitForTarget(isWorker, { timeout: 15_000 })).worker();
  const made = [];
  try {
    for (const rec of recs) {
      console.log(`chromium ${rec.id}`);
      const seen = new Set(browser.targets().filter(isDevtools));
      const page = await browser.newPage();
      const devtools = await (
        await browser.waitForTarget((t) => isDevtools(t) && !seen.has(t), { timeout: 20_000 })
      ).asPage();
      await devtools.evaluate(FRONTEND_READY);
      const url = `${server.url}${rec.path}`;
      await page.goto(url);
      await page.waitForFunction((g) => window[g]?.finished === true, { timeout: 90_000, polling: 100 }, rec.global);
      await sleep(SETTLE_MS);
      const tabId = await tabIdOf(worker, url);
      saveCapture('chromium', rec, await entriesOf(worker, tabId));
      for (const variant of ['full', 'sanitized']) {
        const exported = JSON.parse(await devtools.evaluate(frontendExport(variant === 'sanitized')));
        // What the Network panel's export leaves out too (still pending: e.g. a body the page never read).
        for (const r of exported.leftOut) console.log(`  left out by the exporter (not finished): ${r.slice(0, 120)}`);
        const har = trimHar(JSON.parse(exported.har));
        const file = `chromium-${variant}-${rec.id}.har`;
        save(file, har);
        made.push({
          file,
          capture: `chromium-${rec.id}.capture.json`,
          browser: version,
          exporter: `DevTools frontend HAR.Writer (creator ${har.log.creator.name} ${har.log.creator.version})`,
          variant:
            variant === 'sanitized'
              ? 'sanitized (Export HAR (sanitized)…)'
              : 'full (Export HAR (with sensitive data)…)',
          rec,
        });
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  return made;
}

// ---------------------------------------------------------------------------------------------
// Firefox: the network monitor's own HAR export, by its auto-export preferences.

/**
 * Runs in Firefox's browser window (chrome scope): turns the netmonitor's HAR auto-export on (its
 * documented prefs) and opens the toolbox on the tab, on the Network panel. The toolbox starts its
 * HarAutomation only when the pref is on when it opens.
 */
const openToolbox = (logDir) => `(async () => {
  Services.prefs.setBoolPref('devtools.netmonitor.har.enableAutoExportToFile', true);
  Services.prefs.setCharPref('devtools.netmonitor.har.defaultLogDir', ${JSON.stringify(logDir)});
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const toolbox = await gDevTools.showToolboxForTab(gBrowser.selectedTab, { toolId: 'netmonitor' });
  if (!toolbox.harAutomation) throw new Error('the toolbox did not start its HAR automation');
  return JSON.stringify({ version: Services.appinfo.version, name: Services.appinfo.name, tool: toolbox.currentToolId });
})()`;

/**
 * Runs in chrome scope: the auto-export's own "export what is collected now" (HarAutomation.triggerExport,
 * what the pref route does on each page load), which writes <defaultLogDir>/<fileName>.har and
 * returns the same JSON.
 */
const triggerExport = (fileName) => `(async () => {
  const { require } = ChromeUtils.importESModule('resource://devtools/shared/loader/Loader.sys.mjs');
  const { gDevTools } = require('devtools/client/framework/devtools');
  const toolbox = gDevTools.getToolboxForTab(gBrowser.selectedTab);
  return toolbox.harAutomation.triggerExport({ fileName: ${JSON.stringify(fileName)} });
})()`;

/** The extension's live log for the tab that loaded `url`, read from its background page (Firefox has one). */
async function firefoxEntries(browser, url) {
  const panel = await browser.newPage();
  try {
    await panel
      .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/panel.html?tabId=0`, {
        waitUntil: 'domcontentloaded',
        timeout: 10_000,
      })
      .catch(() => undefined); // Puppeteer reports a detached frame for moz-extension navigations
    await panel.waitForFunction(() => typeof browser !== 'undefined', { timeout: 10_000 });
    return await panel.evaluate(async (pageUrl) => {
      const { store, ready } = browser.extension.getBackgroundPage().__chatSsoInspector;
      await ready;
      for (const tabId of store.tabIds()) {
        const entries = store.entries(tabId);
        if (entries.some((e) => e.event.kind === 'hook.installed' && e.event.url === pageUrl))
          return JSON.parse(JSON.stringify(entries));
      }
      throw new Error(`No tab in the extension's log has loaded ${pageUrl}`);
    }, url);
  } finally {
    await panel.close();
  }
}

async function recordFirefox(server, recs) {
  const made = [];
  for (const rec of recs) {
    // One browser per recording: the toolbox and its HAR collector start with the tab.
    console.log(`firefox ${rec.id}`);
    const logDir = mkdtempSync(join(tmpdir(), 'chat-sso-ff-har-'));
    const ff = await launchFirefoxWithExtension({ extensionDir: join(root, 'dist') });
    try {
      const conn = ff.browser.connection;
      const chrome = (await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' })).result.contexts[0].context;
      const evalChrome = async (expression) => {
        const r = (await conn.send('script.evaluate', { expression, target: { context: chrome }, awaitPromise: true }))
          .result;
        if (r.type !== 'success') throw new Error(`chrome-scope script failed: ${JSON.stringify(r.exceptionDetails)}`);
        return r.result.value;
      };
      const info = JSON.parse(await evalChrome(openToolbox(logDir)));
      const page = (await ff.browser.pages())[0];
      const url = `${server.url}${rec.path}`;
      await page.goto(url);
      await page.waitForFunction((g) => window[g]?.finished === true, { timeout: 90_000, polling: 100 }, rec.global);
      await sleep(SETTLE_MS);
      await evalChrome(triggerExport(rec.id));
      const written = readdirSync(logDir).filter((f) => f.startsWith(rec.id));
      if (written.length !== 1) throw new Error(`the netmonitor wrote ${written.join(', ') || 'no file'} in ${logDir}`);
      const har = trimHar(JSON.parse(readFileSync(join(logDir, written[0]), 'utf8')));
      saveCapture('firefox', rec, await firefoxEntries(ff.browser, url));
      const file = `firefox-${rec.id}.har`;
      save(file, har);
      made.push({
        file,
        capture: `firefox-${rec.id}.capture.json`,
        browser: `${info.name} ${info.version}`,
        exporter: `netmonitor HAR export, auto-export prefs (creator ${har.log.creator.name} ${har.log.creator.version})`,
        variant: 'the only one (Firefox does not sanitize)',
        rec,
      });
    } finally {
      await ff.close();
      rmSync(logDir, { recursive: true, force: true });
    }
  }
  return made;
}

// ---------------------------------------------------------------------------------------------

/**
 * Updates test/fixtures/har/browsers/index.json (one record per HAR: browser, exporter, variant,
 * scenario, paired capture; the tests read it) and the README.md made from it. Recording a subset
 * keeps the other records.
 */
function writeIndex(made) {
  const indexFile = join(out, 'index.json');
  let old = [];
  try {
    old = JSON.parse(readFileSync(indexFile, 'utf8'));
  } catch {
    // first recording
  }
  const fresh = made.map(({ rec, ...m }) => ({
    ...m,
    recording: rec.id,
    stack: rec.stack,
    scenario: rec.scenario,
    what: rec.what,
    recordedAt: new Date().toISOString(),
  }));
  const files = new Set(fresh.map((m) => m.file));
  const all = [...old.filter((m) => !files.has(m.file)), ...fresh].sort((a, b) => a.file.localeCompare(b.file));
  writeFileSync(indexFile, `${JSON.stringify(all, null, 1)}\n`);
  const rows = all.map(
    (m) =>
      `| \`${m.file}\` | ${m.browser} | ${m.exporter} | ${m.variant} | \`${m.scenario}\`: ${m.what} | \`${m.capture}\` |`,
  );
  writeFileSync(
    join(out, 'README.md'),
    [
      '# HARs saved by the browsers’ own exporters',
      '',
      'Written by `node scripts/record-hars.mjs` (run by hand after `npm run build`; see the script’s header),',
      'not by a test library’s recorder. Each HAR is paired with the extension’s live capture of the same',
      'run (`*.capture.json`, the capture fixture format of scripts/capture-fixtures.mjs); both Chromium',
      'variants come from one run, so they share one capture. `index.json` holds the same records for the tests',
      '(test/unit/harBrowsers.test.ts).',
      '',
      'Edits made to the exporters’ output: response bodies over 200,000 characters (the Web Chat bundle) are',
      'replaced by `""` with an entry `comment` saying so. Nothing else: `creator`, `pages`, `_initiator`,',
      '`_priority`, `_resourceType`, `_webSocketMessages`, timings and headers are as the browsers wrote them.',
      'Machine-specific data: only the demo server’s address (127.0.0.1 and a random port). The tokens are demo',
      'tokens minted on 127.0.0.1 for the recording, not secrets.',
      '',
      '| HAR | Browser | Exporter | Variant | Scenario | Live capture of the same run |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      'What the exporters leave out (the tests check each):',
      '- Chromium’s sanitized variant removes the `Authorization` and `Cookie` request headers and `Set-Cookie`',
      '  (the import reports it: check `har.sanitized`).',
      '- Chromium exports only finished requests (the Network panel’s `harRequests()`): a fetch whose response',
      '  body the page never reads stays pending in DevTools and is left out. The Omnichannel simulator’s bot',
      '  auth token provider reads only `response.status` (the documented pattern), so Chromium’s HARs of',
      '  `bot-200` have no token POST (its 200 answer has a body); those of `bot-500` (empty body) have it.',
      '  Firefox’s have it in both.',
      '- Firefox’s HAR export has no WebSocket frames and no `_resourceType`.',
      '',
    ].join('\n'),
  );
  console.log(`  wrote test/fixtures/har/browsers/index.json and README.md (${all.length} HARs)`);
}

// ---------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const browsers = ['chromium', 'firefox'].filter((b) => args.includes(b));
const ids = new Set(args.filter((a) => a !== 'chromium' && a !== 'firefox'));
const recs = RECORDINGS.filter((r) => ids.size === 0 || ids.has(r.id));
mkdirSync(out, { recursive: true });
const server = await startDemoServer();
try {
  const made = [];
  if (browsers.length === 0 || browsers.includes('chromium')) made.push(...(await recordChromium(server, recs)));
  if (browsers.length === 0 || browsers.includes('firefox')) made.push(...(await recordFirefox(server, recs)));
  writeIndex(made);
} finally {
  await server.close();
}
