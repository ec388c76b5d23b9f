/**
 * Differential transparency suite: the page hook must be invisible to the page.
 *
 * demo/transparency/ runs the feature-detection idioms real libraries use (ocsdk's `in` checks, Power
 * Pages, the LCW bootstrapper's namespace code, Web Chat bundles, core-js; `in`, hasOwnProperty,
 * descriptors, key order, toString/name/length of natives, promises, the BroadcastChannel bus, …) at
 * several moments, and records every answer in `window.__transparency.answers`. Here the same pages run in
 * headless Chromium and Firefox, without and with the extension, and every answer must match, key by key.
 *
 * Also checked, so that the suite cannot pass by accident:
 *  - the page is deterministic: two runs without the extension give identical answers;
 *  - the comparison catches a real leak: a test-only flag (?sabotage=microsoft-accessor) makes the page
 *    itself put an accessor on window.Microsoft first, as a hook would, and the answers must then differ;
 *  - with the extension, the hook really ran in that tab (a `hook.installed` event for the page URL in the
 *    extension's log).
 *
 * Not required to match (printed only): `information`, the stacks of errors thrown through wrapped natives
 * (a JavaScript wrapper's frame is visible in `error.stack`).
 *
 * Extension build: dist/ (`npm run build`), or the directory in $TRANSPARENCY_EXTENSION_DIR.
 * Each failure lists every differing answer (grouped when the same difference shows at several moments);
 * the full lists are also written to test-results/transparency/<browser>-<page>.txt ($TRANSPARENCY_REPORT_DIR).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { launchPlainChromium, launchWithExtension, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { launchFirefoxWithExtension, launchPlainFirefox, openFirefoxPanel } from '../../scripts/lib/firefox.mjs';

const root = join(import.meta.dirname, '../..');
const extensionDir = process.env.TRANSPARENCY_EXTENSION_DIR ?? join(root, 'dist');
const reportDir = process.env.TRANSPARENCY_REPORT_DIR ?? join(root, 'test-results/transparency');

/** The two orders of the namespace scripts (see demo/transparency/*.html). */
const PAGES = [
  { id: 'ocsdk-first', path: '/transparency/' },
  { id: 'bootstrapper-first', path: '/transparency/bootstrapper-first.html' },
] as const;
const SABOTAGE = '?sabotage=microsoft-accessor';

interface Run {
  finished: boolean;
  answers: Record<string, unknown>;
  harnessErrors: string[];
  information: Record<string, unknown>;
}

/** Reads the page's results (JSON text, so nothing is lost in the driver's own serialization). */
const readResults = () => {
  const t = (window as unknown as { __transparency: Run }).__transparency;
  return JSON.stringify({ finished: t.finished, answers: t.answers, harnessErrors: t.harnessErrors, information: t.information });
};
const isFinished = () => (window as unknown as { __transparency?: Run }).__transparency?.finished === true;

/** One browser session: loads a page, waits for the page to finish, returns its results. */
interface Session {
  /** `whileOpen` runs before the tab closes (the extension drops a tab's log when it closes). */
  load(url: string, whileOpen?: () => Promise<void>): Promise<Run>;
  /** Resolves when the extension's log holds `hook.installed` for `url`; throws otherwise. */
  hookRan(url: string): Promise<void>;
  close(): Promise<void>;
}

function chromiumSession(context: BrowserContext, hookRan: Session['hookRan'], close: () => Promise<void>): Session {
  return {
    async load(url, whileOpen) {
      const page = await context.newPage();
      try {
        await page.goto(url);
        await page.waitForFunction(isFinished, null, { timeout: 30_000, polling: 100 });
        const run = JSON.parse(await page.evaluate(readResults)) as Run;
        await whileOpen?.();
        return run;
      } finally {
        await page.close();
      }
    },
    hookRan,
    close,
  };
}

function firefoxSession(browser: PuppeteerBrowser, hookRan: Session['hookRan'], close: () => Promise<void>): Session {
  return {
    async load(url, whileOpen) {
      const page = await browser.newPage();
      try {
        await page.goto(url);
        await page.waitForFunction(isFinished, { timeout: 30_000, polling: 100 });
        const run = JSON.parse(await page.evaluate(readResults)) as Run;
        await whileOpen?.();
        return run;
      } finally {
        await page.close();
      }
    },
    hookRan,
    close,
  };
}

const noExtension = async () => {
  throw new Error('no extension in this session');
};

const BROWSERS = [
  {
    name: 'chromium',
    async plain(): Promise<Session> {
      const b = await launchPlainChromium();
      return chromiumSession(b.context, noExtension, b.close);
    },
    async withExtension(): Promise<Session> {
      const b = await launchWithExtension({ extensionDir });
      return chromiumSession(b.context, async (url) => void (await tabIdOf(b.worker, url)), b.close);
    },
  },
  {
    name: 'firefox',
    async plain(): Promise<Session> {
      const b = await launchPlainFirefox();
      return firefoxSession(b.browser, noExtension, b.close);
    },
    async withExtension(): Promise<Session> {
      const b = await launchFirefoxWithExtension({ extensionDir });
      return firefoxSession(
        b.browser,
        async (url) => {
          const { panel } = await openFirefoxPanel(b.browser, url);
          await panel.close();
        },
        b.close,
      );
    },
  },
] as const;

// ---------------------------------------------------------------------------------------- the diff

const json = (v: unknown) => (v === undefined ? '(no answer)' : JSON.stringify(v));
const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A short explanation of how two answers differ, when they are lists or records. */
function explain(a: unknown, b: unknown, depth = 0): string[] {
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length && depth === 0 && a.some(isPlainObject)) {
    // Records side by side (e.g. calls in order): what changed in each.
    return a.flatMap((x, i) => (json(x) === json(b[i]) ? [] : explain(x, b[i], depth + 1).map((line) => `[${i}]${line.startsWith('.') ? '' : ' '}${line}`)));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const as = a.map(json);
    const bs = b.map(json);
    const added = bs.filter((x) => !as.includes(x));
    const removed = as.filter((x) => !bs.includes(x));
    if (added.length === 0 && removed.length === 0) return ['same elements, other order or count'];
    return [...(added.length ? [`only with the extension: ${clip(added.join(', '), 300)}`] : []), ...(removed.length ? [`only without: ${clip(removed.join(', '), 300)}`] : [])];
  }
  if (isPlainObject(a) && isPlainObject(b) && !('$' in a) && !('$' in b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.filter((k) => json(a[k]) !== json(b[k])).map((k) => `.${k}: ${clip(json(a[k]), 150)} → ${clip(json(b[k]), 150)}`);
  }
  return [];
}

interface DiffGroup {
  /** The key without its moment (`subject/idiom`). */
  rest: string;
  moments: string[];
  without: unknown;
  with: unknown;
}

/** Every differing key, grouped when the same difference shows at several moments. */
function diffAnswers(without: Record<string, unknown>, withExt: Record<string, unknown>): { keys: string[]; groups: DiffGroup[] } {
  const keys = [...new Set([...Object.keys(without), ...Object.keys(withExt)])].filter((k) => json(without[k]) !== json(withExt[k]));
  const groups = new Map<string, DiffGroup>();
  for (const key of keys) {
    const slash = key.indexOf('/');
    const moment = key.slice(0, slash);
    const rest = key.slice(slash + 1);
    const id = `${rest}\u0000${json(without[key])}\u0000${json(withExt[key])}`;
    const g = groups.get(id) ?? { rest, moments: [], without: without[key], with: withExt[key] };
    g.moments.push(moment);
    groups.set(id, g);
  }
  return { keys, groups: [...groups.values()] };
}

function formatDiff(title: string, diff: ReturnType<typeof diffAnswers>, labels = ['without', 'with'], width = 400): string {
  const lines = [`${title}: ${diff.keys.length} answers differ (${diff.groups.length} distinct differences)`];
  for (const g of diff.groups) {
    lines.push(`• [${g.moments.join(', ')}] ${g.rest}`);
    const pad = Math.max(labels[0]!.length, labels[1]!.length);
    lines.push(`    ${labels[0]!.padEnd(pad)}: ${clip(json(g.without), width)}`);
    lines.push(`    ${labels[1]!.padEnd(pad)}: ${clip(json(g.with), width)}`);
    for (const e of explain(g.without, g.with)) lines.push(`      ${e}`);
  }
  return lines.join('\n');
}

function writeReport(name: string, text: string) {
  mkdirSync(reportDir, { recursive: true });
  writeFileSync(join(reportDir, `${name}.txt`), `${text}\n`);
}

/** A run that finished, with no error in the page's own harness and a plausible number of answers. */
function expectComplete(run: Run, what: string) {
  expect(run.finished, `${what}: finished`).toBe(true);
  expect(run.harnessErrors, `${what}: errors in the page's own harness`).toEqual([]);
  expect(Object.keys(run.answers).length, `${what}: number of answers`).toBeGreaterThan(5000);
}

// ---------------------------------------------------------------------------------------- the runs

let server: Awaited<ReturnType<typeof startDemoServer>>;
beforeAll(async () => {
  server = await startDemoServer();
});
afterAll(async () => {
  await server?.close();
});

describe.each(BROWSERS)('transparency of the page hook in $name', (browser) => {
  const plain = new Map<string, [Run, Run]>(); // page id → two runs without the extension
  const withExtension = new Map<string, Run>();
  const hookCheck = new Map<string, string | null>(); // page id → null when the hook ran, else the error
  let sabotaged: Run;

  beforeAll(async () => {
    // One page at a time: pages of one origin share BroadcastChannel names.
    const p = await browser.plain();
    try {
      for (const page of PAGES) {
        const first = await p.load(server.url + page.path);
        const second = await p.load(server.url + page.path);
        plain.set(page.id, [first, second]);
      }
      sabotaged = await p.load(server.url + PAGES[0].path + SABOTAGE);
    } finally {
      await p.close();
    }
    const e = await browser.withExtension();
    try {
      for (const page of PAGES) {
        const url = server.url + page.path;
        const run = await e.load(url, async () => {
          hookCheck.set(page.id, await e.hookRan(url).then(() => null, (err: Error) => err.message));
        });
        withExtension.set(page.id, run);
      }
    } finally {
      await e.close();
    }
  }, 240_000);

  it('the page is deterministic: two runs without the extension give the same answers', () => {
    for (const page of PAGES) {
      const [first, second] = plain.get(page.id)!;
      expectComplete(first, `${page.id}, first run`);
      expectComplete(second, `${page.id}, second run`);
      const diff = diffAnswers(first.answers, second.answers);
      expect(diff.keys.length, formatDiff(`${browser.name}, ${page.id}, run 1 vs run 2 without the extension`, diff, ['run 1', 'run 2'])).toBe(0);
    }
  });

  it('the page exercises what it claims (answers without the extension)', () => {
    const a = plain.get('ocsdk-first')![0].answers;
    // ocsdk's idiom on an absent global, then Power Pages, the bootstrapper and the Web Chat bundles.
    expect(a['head-top/Microsoft/in']).toBe(false);
    expect(a['after-ocsdk/uncaught-errors-since-last-moment']).toEqual([]);
    expect(a['after-ocsdk/Microsoft.CRM/in']).toBe(true);
    expect(a['after-bootstrapper/SDK.startChat/same-as-page-reference']).toBe(true);
    expect(a['after-webchat-full/WebChat/Object.keys']).toEqual(expect.arrayContaining(['createStore', 'createDirectLine', 'renderWebChat', 'buildInfo']));
    expect(a['head-top/native/WebSocket.prototype.constructor === WebSocket']).toBe(true);
    expect(a['head-top/native/fetch/includes-native-code']).toBe(true);
    // A watched request the page ignores raises unhandledrejection; the bus delivers one copy to each other channel.
    expect(a['after-load/unhandledrejection/livechatconnector config']).toMatchObject({ instanceofPromise: true, fired: 1, reasonCtor: 'TypeError' });
    expect(a['after-load/broadcastchannel/message counts']).toEqual({ a: 1, b: 2, c: 3 });
    expect(a['after-load/calls/SDK.startChat(options)']).toEqual({ samePromise: true, instanceofPromise: true });
    expect(Object.keys(a).filter((k) => k.startsWith('final/'))).not.toEqual([]);
    const b = plain.get('bootstrapper-first')![0].answers;
    expect(b['after-bootstrapper/Microsoft/descriptor']).toMatchObject({ kind: 'data', configurable: false }); // `var Microsoft` on an absent global
  });

  it('the comparison catches a hook-like accessor on window.Microsoft (test-only page flag)', () => {
    expectComplete(sabotaged, 'sabotaged run');
    const diff = diffAnswers(plain.get('ocsdk-first')![0].answers, sabotaged.answers);
    writeReport(`${browser.name}-sabotage-self-check`, formatDiff(`${browser.name}, plain vs ?sabotage=microsoft-accessor`, diff));
    expect(diff.keys.length).toBeGreaterThan(0);
    expect(diff.keys).toEqual(expect.arrayContaining(['head-top/Microsoft/in', 'head-top/Microsoft/descriptor', 'after-ocsdk/uncaught-errors-since-last-moment']));
    expect(JSON.stringify(sabotaged.answers['after-ocsdk/uncaught-errors-since-last-moment'])).toMatch(/TypeError/);
  });

  it.each(PAGES.map((p) => [p.id] as const))('with the extension the hook ran in the tab (%s)', (id) => {
    expect(withExtension.has(id)).toBe(true);
    expect(hookCheck.get(id), 'hook.installed for the page URL in the extension log').toBeNull();
  });

  it.each(PAGES.map((p) => [p.id] as const))('every answer is the same with and without the extension (%s)', (id) => {
    const without = plain.get(id)![0];
    const withExt = withExtension.get(id)!;
    expectComplete(withExt, `${id} with the extension`);
    const diff = diffAnswers(without.answers, withExt.answers);
    const report = formatDiff(`${browser.name}, ${id}, without vs with the extension (${extensionDir})`, diff);
    const info = diffAnswers(without.information, withExt.information);
    const infoReport = formatDiff(`${browser.name}, ${id}, INFORMATION ONLY (not required to match): error stacks`, info);
    writeReport(`${browser.name}-${id}`, `${report}\n\n${infoReport}`);
    if (info.keys.length) console.info(infoReport);
    expect(diff.keys.length, report).toBe(0);
  });
});
