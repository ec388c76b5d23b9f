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
 *    are never compared), and the extension's hook must really have run (every tab in Chromium; in Firefox the
 *    first scenario's tab, since reading the extension's log there means opening a panel, ~10 s).
 *
 * Pages finish by themselves (`window.__realcode.finished`); the tests only wait for that condition.
 * Needs demo/realcode installed (root `npm ci` → scripts/install-realcode.mjs) and built (`npm run build`).
 */
import { request } from 'node:http';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALCODE_SCENARIOS, diffDecisions, expectedDecisions, realcodeScenarioPath } from '../../demo/realcode/scenarios.js';
import { startDemoServer } from '../../demo/server.mjs';
import { launchPlainChromium, launchWithExtension, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { launchFirefoxWithExtension, launchPlainFirefox, openFirefoxPanel } from '../../scripts/lib/firefox.mjs';
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
interface Run {
  url: string;
  truth: Truth;
  page: { close(): Promise<void> };
}
interface Session {
  host: BrowserContext | PuppeteerBrowser;
  /** Throws unless the extension's hook ran in the tab that loaded `url` (with-extension sessions only). */
  hookRan?: (url: string) => Promise<void>;
  /** Check the hook in every scenario's tab, or in the first one only (Firefox: opening a panel takes ~10 s). */
  hookCheck?: 'every' | 'first';
  close(): Promise<void>;
}

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
function scenarioSuite(browser: 'chromium' | 'firefox', withExtension: boolean, launch: () => Promise<Session>, concurrency: number) {
  const runs = new Map<string, Promise<Run>>();
  if (!withExtension) baselines.set(browser, runs);
  let session: Session | undefined;
  beforeAll(async () => {
    session = await launch();
    const limit = limiter(concurrency);
    const runOne = async (s: (typeof REALCODE_SCENARIOS)[number], checkHook: boolean) => {
      const r = (await runRealcodeScenario(session!.host, server.url, s, { keepOpen: checkHook })) as Run;
      if (checkHook) {
        try {
          await session!.hookRan!(r.url);
        } finally {
          await r.page.close().catch(() => undefined);
        }
      }
      return r;
    };
    // With the extension, the first scenario runs alone and its tab must show that the hook ran.
    const [first, ...rest] = REALCODE_SCENARIOS;
    const firstRun = limit(() => runOne(first!, withExtension));
    runs.set(first!.id, firstRun);
    for (const s of rest) {
      runs.set(
        s.id,
        limit(async () => {
          if (withExtension) await firstRun.catch(() => undefined);
          return runOne(s, withExtension && session!.hookCheck !== 'first');
        }),
      );
    }
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
      return { host: b.context, close: b.close, hookRan: async (url) => void (await tabIdOf(b.worker, url)) };
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
        hookRan: async (url) => {
          const { panel } = await openFirefoxPanel(b.browser, url);
          await panel.close();
        },
        hookCheck: 'first',
      };
    },
  },
};
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

describe.each(['chromium', 'firefox'] as const)('real Omnichannel code without the extension (%s): ground truth = expect', (browser) => {
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
});

describe.each(['chromium', 'firefox'] as const)('real Omnichannel code with the extension (%s): the ground truth is identical', (browser) => {
  const runs = scenarioSuite(browser, true, launchers[browser].extension, CONCURRENCY[browser].extension);
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
});
