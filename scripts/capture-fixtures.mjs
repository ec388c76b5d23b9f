// Captures the extension's event log for every demo scenario (Omnichannel simulator, the real
// Bot Framework stack, and Microsoft's real live chat packages in demo/realcode) into
// test/fixtures/captures/<scenario>.json, for the diagnosis unit tests.
// Run after `npm run build`: node scripts/capture-fixtures.mjs [scenario ids…]
// The tokens in these files are demo tokens minted on 127.0.0.1 for the capture, not secrets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../demo/omnichannel/scenarios.js';
import { startDemoServer } from '../demo/server.mjs';
import { WEBCHAT_SCENARIOS } from '../demo/webchat/scenarios.js';
import { REALCODE_SCENARIOS } from '../demo/realcode/scenarios.js';
import { entriesOf, launchWithExtension } from './lib/chromium.mjs';
import { inspectRealcodeScenario, mapLimit, runScenario, runWebChatScenario } from './lib/scenarios.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'test/fixtures/captures');
const only = new Set(process.argv.slice(2));
const pick = (list) => list.filter((s) => only.size === 0 || only.has(s.id));

mkdirSync(out, { recursive: true });
const server = await startDemoServer();
const browser = await launchWithExtension({ extensionDir: join(root, 'dist') });
try {
  const save = async (scenario, tabId, source) => {
    const entries = await entriesOf(browser.worker, tabId);
    const file = join(out, `${scenario.id}.json`);
    // capturedAt (ms since the Unix epoch): the diagnosis of a fixture runs as of this moment, as the live panel did.
    writeFileSync(
      file,
      `${JSON.stringify({ scenario: scenario.id, source, capturedWith: 'scripts/capture-fixtures.mjs', capturedAt: Date.now(), entries }, null, 1)}\n`,
    );
    console.log(`${scenario.id}: ${entries.length} entries`);
  };
  await Promise.all([
    mapLimit(pick(SCENARIOS), 4, async (s) => {
      const r = await runScenario(browser, server.url, s, { keepOpen: true });
      await save(s, r.tabId, 'omnichannel-simulator'); // before closing: a closed tab's log is dropped
      await r.panel.close();
      await r.page.close();
    }),
    mapLimit(pick(WEBCHAT_SCENARIOS), 3, async (s) => {
      const r = await runWebChatScenario(browser, server.url, s, { keepOpen: true });
      await save(s, r.tabId, 'bot-framework-stack');
      await r.panel.close();
      await r.page.close();
    }),
    mapLimit(pick(REALCODE_SCENARIOS), 2, async (s) => {
      const r = await inspectRealcodeScenario(browser, server.url, s, { keepOpen: true });
      await save(s, r.tabId, 'omnichannel-real-code');
      await r.panel.close();
      await r.page.close();
    }),
  ]);
} finally {
  await browser.close();
  await server.close();
}
