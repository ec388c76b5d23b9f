// `npm start`: builds the extension, starts the demo on 127.0.0.1 and opens Chromium with the
// extension loaded and DevTools open. `npm start -- --headless` runs every demo scenario without a
// display and prints what the panel captured.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../demo/server.mjs';
import { SCENARIOS } from '../demo/omnichannel/scenarios.js';
import { launchWithExtension } from './lib/chromium.mjs';
import { formatDiagnosis, formatRows, formatSsoAttempts } from './lib/panelReader.mjs';
import { WEBCHAT_SCENARIOS } from '../demo/webchat/scenarios.js';
import { mapLimit, runAllScenarios, inspectRealcodeScenario, runWebChatScenario } from './lib/scenarios.mjs';
import { REALCODE_SCENARIOS } from '../demo/realcode/scenarios.js';
import { formatRealcodeTruth } from './lib/realcode.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let headless = args.includes('--headless');
const portArg = args.find((a) => a.startsWith('--port='));

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

if (!headless && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.log('No display found: running headless (pass --headless to skip this check).');
  headless = true;
}

const server = await startDemoServer({ port: portArg ? Number(portArg.split('=')[1]) : headless ? 0 : 8787 });
console.log(`Demo on ${server.url}/ (Omnichannel simulator)`);
const browser = await launchWithExtension({ extensionDir: join(root, 'dist'), headless, devtools: !headless });
const shutdown = async () => {
  await browser.close();
  await server.close();
};
process.on('SIGINT', () => void shutdown().then(() => process.exit(130)));

if (!headless) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${server.url}/`);
  console.log(
    'Chromium is open with DevTools: choose the "Chat SSO" panel, then a scenario. Close the browser or press Ctrl+C to stop.',
  );
  await new Promise((resolve) => browser.context.on('close', resolve));
  await server.close();
} else {
  const started = Date.now();
  console.log(
    `Running ${REALCODE_SCENARIOS.length} scenarios on Microsoft's live chat packages, ${SCENARIOS.length} Omnichannel simulator scenarios and ${WEBCHAT_SCENARIOS.length} Web Chat SSO scenarios in headless Chromium…`,
  );
  // All sets at once: the Omnichannel ones mostly wait (10 s budget), the others talk to real code.
  const [realcode, results, webchat] = await Promise.all([
    mapLimit(REALCODE_SCENARIOS, 2, (s) => inspectRealcodeScenario(browser, server.url, s)),
    runAllScenarios(browser, server.url, SCENARIOS, 3),
    mapLimit(WEBCHAT_SCENARIOS, 2, (s) => runWebChatScenario(browser, server.url, s)),
  ]);
  console.log(
    "\n════ Omnichannel live chat: Microsoft's real packages (widget 1.8.3, chat SDK 1.11.8; labelled local stand-ins) ════",
  );
  for (const r of realcode) {
    console.log(`\n── ${r.scenario.id}: ${r.scenario.title}`);
    console.log(
      `  What the real code did: ${formatRealcodeTruth(r.truth).replace(/\n {2}/g, '\n                         ')}`,
    );
    console.log(formatDiagnosis(r.diagnosis));
    // The widget's bus carries much telemetry: print its sign-in and token decisions, and problems.
    console.log(
      formatRows(
        r.rows.filter(
          (x) =>
            x.kind !== 'bus.message' ||
            x.severity !== 'info' ||
            /^(SignInCardReceived|BotAuthConfig|NewTokenValidation|SetBotAuthProvider(HideCard|DisplayCard|NotFound)|BotAuthActivity)/.test(
              x.summary,
            ),
        ),
      ),
    );
  }
  console.log('\n════ Omnichannel live chat (simulator) ════');
  for (const r of results) {
    const problems = r.rows.filter((x) => x.severity !== 'info').length;
    console.log(`\n── ${r.scenario.id}: ${r.scenario.title} ── ${r.rows.length} events, ${problems} problems`);
    console.log(formatDiagnosis(r.diagnosis));
    console.log(formatRows(r.rows));
  }
  console.log('\n════ Bot Framework Web Chat SSO (real bot, local token service and Direct Line) ════');
  for (const r of webchat) {
    console.log(`\n── ${r.scenario.id}: ${r.scenario.title}`);
    console.log(formatDiagnosis(r.diagnosis));
    console.log(formatSsoAttempts(r.rows));
    console.log(formatRows(r.rows));
  }
  console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  await shutdown();
}
