/**
 * The real-code bench (demo/realcode): pages built from Microsoft's published live chat packages (chat
 * widget 1.8.3, chat components 1.1.15, chat SDK 1.11.8 + ocsdk 0.5.21, Web Chat 4.18.1-main) with local
 * stand-ins only for what is not on npm or cannot run offline.
 *
 * 1. Without the extension, in headless Chromium and Firefox, every scenario's ground truth
 *    (`window.__realcode.decisions`, recorded by the page itself) equals the scenario's `expect`: this is
 *    what the REAL code decides (sign-in card hidden/shown/dropped and the widget's own event for it, the
 *    auth client function's outcomes, the facade's token checks, livechatconnector requests, lcw:* events…).
 * 2. With the extension loaded, the same pages must give the identical ground truth (decisions only; timings
 *    are never compared).
 * 3. With the extension, the extension's panel for the scenario's tab shows the expected headline finding and
 *    SSO attempt outcomes (`expect.headline`, `expect.outcomes`): every scenario in Chromium; in Firefox a
 *    subset that covers each kind of conclusion (opening a panel there means finding the tab in the
 *    extension's storage, ~10 s). A panel that shows them also proves the hook ran in that tab.
 *
 * Pages finish by themselves (`window.__realcode.finished`); the tests only wait for that condition.
 * Needs demo/realcode installed (root `npm ci` → scripts/install-realcode.mjs) and built (`npm run build`).
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  REALCODE_SCENARIOS,
  diffDecisions,
  expectedDecisions,
  realcodeScenarioPath,
} from '../../demo/realcode/scenarios.js';
import { startDemoServer } from '../../demo/server.mjs';
import {
  entriesOf,
  launchPlainChromium,
  launchWithExtension,
  openPanel,
  tabIdOf,
} from '../../scripts/lib/chromium.mjs';
import {
  launchFirefoxWithExtension,
  launchPlainFirefox,
  openFirefoxPanel,
  waitForPanelToShowLog,
} from '../../scripts/lib/firefox.mjs';
import { readDiagnosis } from '../../scripts/lib/panelReader.mjs';
import { runRealcodeScenario } from '../../scripts/lib/realcode.mjs';

const root = join(import.meta.dirname, '../..');
const TEST_TIMEOUT = 300_000; // tests of one browser share a queue: the last one waits for the others

interface Truth {
  scenario: string;
  finished: boolean;
  decisions: Record<string, unknown>;
  timings: Record<string, unknown>;
  records: Record<string, unknown>;
}
interface PanelDiagnosis {
  headline: { id: string | null; text: string | null } | null;
  attempts: { kind: string | null; outcome: string | null; sentence: string }[];
  findings: { id: string | null; severity: string | null; title: string }[];
}
interface Run {
  url: string;
  truth: Truth;
  page: { close(): Promise<void> };
  /** What the extension's panel shows for the tab (with-extension sessions, inspected scenarios). */
  panel?: PanelDiagnosis;
}
interface Session {
  host: BrowserContext | PuppeteerBrowser;
  /** Opens the extension's panel for the tab that loaded `url` and reads its diagnosis (with-extension sessions only). */
  inspect?: (url: string) => Promise<PanelDiagnosis>;
  /** Which scenarios to inspect in the panel (default: all). */
  inspected?: ReadonlySet<string>;
  close(): Promise<void>;
}

/** Firefox: one scenario per kind of conclusion (window missed, dropped card, rejected token, load error, authenticated). */
const FIREFOX_PANEL_SCENARIOS = new Set([
  'rc-bot-late-callback',
  'rc-bot-duplicate-signinid',
  'rc-auth-not-jwt',
  'rc-auth-ok',
  'rc-load-error',
]);

let server: Awaited<ReturnType<typeof startDemoServer>>;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});

/** GET with the path sent as written (fetch would normalize it first). */
function rawStatus(base: string, path: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Runs tasks with at most `limit` at once. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** Ground truths without the extension, per browser: the baseline of the with-extension comparison. */
const baselines = new Map<string, Map<string, Promise<Run>>>();

/**
 * One browser session running every scenario, `concurrency` pages at a time, started in beforeAll; each
 * scenario is one test that awaits its own page.
 */
function scenarioSuite(
  browser: 'chromium' | 'firefox',
  withExtension: boolean,
  launch: () => Promise<Session>,
  concurrency: number,
) {
  const runs = new Map<string, Promise<Run>>();
  if (!withExtension) baselines.set(browser, runs);
  let session: Session | undefined;
  beforeAll(async () => {
    session = await launch();
    const limit = limiter(concurrency);
    const runOne = async (s: (typeof REALCODE_SCENARIOS)[number]) => {
      const inspect = withExtension && (!session!.inspected || session!.inspected.has(s.id));
      const r = (await runRealcodeScenario(session!.host, server.url, s, { keepOpen: inspect })) as Run;
      if (inspect) {
        try {
          r.panel = await session!.inspect!(r.url);
        } finally {
          await r.page.close().catch(() => undefined);
        }
      }
      return r;
    };
    for (const s of REALCODE_SCENARIOS)
      runs.set(
        s.id,
        limit(() => runOne(s)),
      );
    for (const run of runs.values()) run.catch(() => undefined); // reported by the scenario's own test
  }, 90_000);
  afterAll(async () => {
    await Promise.allSettled(runs.values());
    await session?.close();
  });
  return runs;
}

const launchers = {
  chromium: {
    plain: async (): Promise<Session> => {
      const b = await launchPlainChromium();
      return { host: b.context, close: b.close };
    },
    extension: async (): Promise<Session> => {
      const b = await launchWithExtension({ extensionDir: join(root, 'dist') });
      return {
        host: b.context,
        close: b.close,
        inspect: async (url) => {
          const tabId = await tabIdOf(b.worker, url);
          const panel = await openPanel(b.context, b.extensionId, tabId);
          try {
            await waitForPanelToShow(panel, (await entriesOf(b.worker, tabId)).at(-1)?.seq ?? 0);
            return (await readDiagnosis(panel)) as PanelDiagnosis;
          } finally {
            await panel.close();
          }
        },
      };
    },
  },
  firefox: {
    plain: async (): Promise<Session> => {
      const b = await launchPlainFirefox();
      return { host: b.browser, close: b.close };
    },
    extension: async (): Promise<Session> => {
      const b = await launchFirefoxWithExtension({ extensionDir: join(root, 'dist') });
      return {
        host: b.browser,
        close: b.close,
        inspect: async (url) => {
          const { panel, tabId } = await openFirefoxPanel(b.browser, url);
          try {
            await waitForPanelToShowLog(panel, tabId);
            return (await readDiagnosis(panel)) as PanelDiagnosis;
          } finally {
            await panel.close();
          }
        },
        inspected: FIREFOX_PANEL_SCENARIOS,
      };
    },
  },
};
/** Waits until the panel has rendered the log up to `seq` (its root's data-last-seq). */
async function waitForPanelToShow(panel: { waitForFunction: Function }, seq: number) {
  await panel.waitForFunction(
    (n: number) => Number(document.querySelector('.app[data-last-seq]')?.getAttribute('data-last-seq') ?? 0) >= n,
    seq,
    { timeout: 15_000 },
  );
}

/** Pages at once per session. */
const CONCURRENCY = { chromium: { plain: 3, extension: 3 }, firefox: { plain: 2, extension: 2 } };

it('serves the bench pages and never anything under demo/realcode/node_modules', async () => {
  const index = await (await fetch(`${server.url}/`)).text();
  expect(index).toContain("Real Omnichannel code (Microsoft's packages, local stand-ins)");
  for (const s of REALCODE_SCENARIOS) expect(index).toContain(`href="${realcodeScenarioPath(s.id)}"`);
  const page = await fetch(`${server.url}${realcodeScenarioPath(REALCODE_SCENARIOS[0]!.id)}`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toBe("connect-src 'self'");
  expect(await page.text()).toContain('STAND-INS');
  expect((await fetch(`${server.url}/realcode/dist/widget.js`, { method: 'HEAD' })).status).toBe(200);
  // Raw request paths (no client-side normalization), including encoded and dot-segment forms.
  for (const path of [
    '/realcode/node_modules/react/package.json',
    '/realcode/node_modules/@microsoft/ocsdk/package.json',
    '/realcode/%6eode_modules/react/package.json',
    '/realcode/src/../node_modules/react/package.json',
    '/realcode/src/%2e%2e/node_modules/react/package.json',
    '/omnichannel/../realcode/node_modules/react/index.js',
    '/%72ealcode/node_modules/react/index.js',
    '/realcode%2fnode_modules/react/index.js',
    '/realcode/package.json',
    '/realcode/package-lock.json',
    '/realcode/server.mjs',
    '/realcode/src/scriptingLayer.js',
  ]) {
    expect(await rawStatus(server.url, path), path).toBe(404);
  }
});

describe.each(['chromium', 'firefox'] as const)(
  'real Omnichannel code without the extension (%s): ground truth = expect',
  (browser) => {
    const runs = scenarioSuite(browser, false, launchers[browser].plain, CONCURRENCY[browser].plain);
    for (const s of REALCODE_SCENARIOS) {
      it(
        `${s.id}: ${s.title}`,
        async () => {
          const { truth } = await runs.get(s.id)!;
          expect(truth.scenario).toBe(s.id);
          expect(truth.finished).toBe(true);
          expect(truth.decisions).toEqual(expectedDecisions(s));
        },
        TEST_TIMEOUT,
      );
    }
  },
);

/** With-extension runs per browser, shared by the ground-truth comparison and the panel checks. */
const withExtensionRuns = new Map<string, Map<string, Promise<Run>>>();

describe.each(['chromium', 'firefox'] as const)(
  'real Omnichannel code with the extension (%s): the ground truth is identical',
  (browser) => {
    const runs = scenarioSuite(browser, true, launchers[browser].extension, CONCURRENCY[browser].extension);
    withExtensionRuns.set(browser, runs);
    for (const s of REALCODE_SCENARIOS) {
      it(
        `${s.id}: same decisions as without the extension`,
        async () => {
          const { truth } = await runs.get(s.id)!;
          const baseline = await baselines
            .get(browser)
            ?.get(s.id)
            ?.then((r) => r.truth.decisions)
            .catch(() => undefined);
          const reference = baseline ?? expectedDecisions(s);
          const diff = diffDecisions(truth.decisions, reference);
          expect(diff, `with the extension, ${s.id} decided differently:\n${diff.join('\n')}`).toEqual([]);
        },
        TEST_TIMEOUT,
      );
    }
  },
);

describe.each(['chromium', 'firefox'] as const)(
  "real Omnichannel code in the extension's panel (%s): headline and attempt outcomes",
  (browser) => {
    const runs = withExtensionRuns.get(browser)!;
    for (const s of REALCODE_SCENARIOS.filter((x) => browser === 'chromium' || FIREFOX_PANEL_SCENARIOS.has(x.id))) {
      it(
        `${s.id}: headline ${s.expect.headline}, outcomes [${s.expect.outcomes.join(', ')}]`,
        async () => {
          const { panel } = await runs.get(s.id)!;
          expect(panel, 'the panel was read').toBeDefined();
          expect(panel!.headline?.id, JSON.stringify(panel!.findings)).toBe(s.expect.headline);
          expect(panel!.attempts.map((a) => a.outcome)).toEqual(s.expect.outcomes);
          for (const a of panel!.attempts) expect(a.sentence).toMatch(/\.$/);
        },
        TEST_TIMEOUT,
      );
    }
  },
);
