/**
 * Differential transparency suite: feature detection must see no difference with the page hook.
 *
 * demo/transparency/ runs the feature-detection idioms real libraries use (ocsdk's `in` checks, Power
 * Pages, the LCW bootstrapper's namespace code, Web Chat bundles, core-js; `in`, hasOwnProperty,
 * descriptors, key order, toString/name/length of natives, promises, the BroadcastChannel bus, …) at
 * several moments, and records every answer in `window.__transparency.answers`. Here the same pages run in
 * headless Chromium and Firefox, without and with the extension, and every answer is compared, key by key.
 *
 * The only answers allowed to differ are the deliberate differences of demo/transparency/known-differences.json
 * (KNOWN_DIFFERENCES; docs/architecture.md lists the same ids). The table is enforced both ways:
 *  (a) every differing answer in a browser matches exactly one entry listed for that browser, and differs
 *      only the way the entry says (its `values` rule);
 *  (b) every entry listed for a browser matches at least one differing answer there, so a difference that
 *      is fixed fails until its entry (and its line in the docs) is removed;
 *  (c) no entry covers a feature-detection idiom (FEATURE_DETECTION_IDIOMS, checked against every key the
 *      page records), except the key ORDER entry for Firefox's lazily created function keys.
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
 * The driver waits for the page's own `__transparency.done` promise: no polling in the page, so the driver
 * adds nothing to it (Puppeteer's waitForFunction exposes `__ariaQuerySelector` on window at a moment that
 * varies, which made Firefox's window answers differ between two runs of the same page).
 *
 * Extension build: dist/ (`npm run build`), or the directory in $TRANSPARENCY_EXTENSION_DIR.
 * Each failure lists every offending answer with both values (grouped by entry, and when the same
 * difference shows at several moments); the full lists, documented differences included, are written to
 * test-results/transparency/<browser>-<page>.txt ($TRANSPARENCY_REPORT_DIR).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { launchPlainChromium, launchWithExtension, openPanel, tabIdOf } from '../../scripts/lib/chromium.mjs';
import { launchFirefoxWithExtension, launchPlainFirefox, openFirefoxPanel } from '../../scripts/lib/firefox.mjs';
import type { Fault } from '../../src/shared/faults';
import { switchFaultsOff, switchFaultsOn, type AnyPage } from '../helpers/reproduce';

const root = join(import.meta.dirname, '../..');
const extensionDir = process.env.TRANSPARENCY_EXTENSION_DIR ?? join(root, 'dist');
const reportDir = process.env.TRANSPARENCY_REPORT_DIR ?? join(root, 'test-results/transparency');

/** The two orders of the namespace scripts (see demo/transparency/*.html). */
const PAGES = [
  { id: 'ocsdk-first', path: '/transparency/' },
  { id: 'bootstrapper-first', path: '/transparency/bootstrapper-first.html' },
] as const;
const SABOTAGE = '?sabotage=microsoft-accessor';
/** The page run once more after a fault was switched on then off in the panel. */
const AFTER_FAULTS_PAGE = PAGES[0];

interface Run {
  finished: boolean;
  answers: Record<string, unknown>;
  harnessErrors: string[];
  information: Record<string, unknown>;
}

/** Reads the page's results (JSON text, so nothing is lost in the driver's own serialization). */
const readResults = () => {
  const t = (window as unknown as { __transparency: Run }).__transparency;
  return JSON.stringify({
    finished: t.finished,
    answers: t.answers,
    harnessErrors: t.harnessErrors,
    information: t.information,
  });
};
/** Resolves when the page has finished (demo/transparency/late.js resolves `done` after the final moment). */
const pageDone = () =>
  (window as unknown as { __transparency: { done: Promise<unknown> } }).__transparency.done.then(() => true);
const FINISH_TIMEOUT_MS = 30_000;

/** `evaluate(pageDone)` bounded: the page's own promise, no polling and nothing added to the page. */
async function waitUntilDone(evaluate: () => Promise<unknown>, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${url}: the page did not finish within ${FINISH_TIMEOUT_MS} ms`)),
      FINISH_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([evaluate(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One browser session: loads a page, waits for the page to finish, returns its results. */
interface Session {
  /** `whileOpen` runs before the tab closes (the extension drops a tab's log when it closes). */
  load(url: string, whileOpen?: () => Promise<void>): Promise<Run>;
  /** Resolves when the extension's log holds `hook.installed` for `url`; throws otherwise. */
  hookRan(url: string): Promise<void>;
  /**
   * With the extension: loads `url` in one tab, switches FAULT_ON on in the panel (kept across reloads),
   * reloads (`faulted`), switches every fault off, reloads again (`off`).
   */
  loadAfterFaults?(url: string): Promise<{ faulted: Run; off: Run }>;
  close(): Promise<void>;
}

/** The fault the on-then-off runs switch on: the page POSTs to a postToken URL, which it then answers. */
const FAULT_ON: Fault = { id: 'post-token-status', status: 500 };

/** A page of either driver, as the on-then-off runs use it. */
type TabPage = AnyPage & { goto(url: string): Promise<unknown>; reload(): Promise<unknown>; close(): Promise<void> };

/** Session.loadAfterFaults on an open tab: `openPanelFor` opens the extension's panel for the tab showing `url`. */
async function loadAfterFaults(
  page: TabPage,
  url: string,
  openPanelFor: (url: string) => Promise<TabPage>,
): Promise<{ faulted: Run; off: Run }> {
  const evaluate = (fn: () => unknown) =>
    (page as unknown as { evaluate(f: () => unknown): Promise<any> }).evaluate(fn);
  const reloadAndRead = async () => {
    await page.reload();
    await waitUntilDone(() => evaluate(pageDone), url);
    return JSON.parse(await evaluate(readResults)) as Run;
  };
  await page.goto(url);
  await waitUntilDone(() => evaluate(pageDone), url);
  const panel = await openPanelFor(url);
  try {
    await switchFaultsOn(panel, [FAULT_ON], { keepAcrossReload: true });
    const faulted = await reloadAndRead();
    await switchFaultsOff(panel);
    const off = await reloadAndRead();
    return { faulted, off };
  } finally {
    await panel.close();
  }
}

function chromiumSession(
  context: BrowserContext,
  hookRan: Session['hookRan'],
  close: () => Promise<void>,
  openPanelFor?: (url: string) => Promise<TabPage>,
): Session {
  return {
    ...(openPanelFor && {
      async loadAfterFaults(url: string) {
        const page = await context.newPage();
        try {
          return await loadAfterFaults(page, url, openPanelFor);
        } finally {
          await page.close();
        }
      },
    }),
    async load(url, whileOpen) {
      const page = await context.newPage();
      try {
        await page.goto(url);
        await waitUntilDone(() => page.evaluate(pageDone), url);
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

function firefoxSession(
  browser: PuppeteerBrowser,
  hookRan: Session['hookRan'],
  close: () => Promise<void>,
  openPanelFor?: (url: string) => Promise<TabPage>,
): Session {
  return {
    ...(openPanelFor && {
      async loadAfterFaults(url: string) {
        const page = await browser.newPage();
        try {
          return await loadAfterFaults(page as unknown as TabPage, url, openPanelFor);
        } finally {
          await page.close();
        }
      },
    }),
    async load(url, whileOpen) {
      const page = await browser.newPage();
      try {
        await page.goto(url);
        // Not page.waitForFunction: it exposes __ariaQuerySelector(All) on the page's window (see above).
        await waitUntilDone(() => page.evaluate(pageDone), url);
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
      return chromiumSession(
        b.context,
        async (url) => void (await tabIdOf(b.worker, url)),
        b.close,
        async (url) => (await openPanel(b.context, b.extensionId, await tabIdOf(b.worker, url))) as TabPage,
      );
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
        async (url) => (await openFirefoxPanel(b.browser, url)).panel as unknown as TabPage,
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
    return a.flatMap((x, i) =>
      json(x) === json(b[i])
        ? []
        : explain(x, b[i], depth + 1).map((line) => `[${i}]${line.startsWith('.') ? '' : ' '}${line}`),
    );
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const as = a.map(json);
    const bs = b.map(json);
    const added = bs.filter((x) => !as.includes(x));
    const removed = as.filter((x) => !bs.includes(x));
    if (added.length === 0 && removed.length === 0) return ['same elements, other order or count'];
    return [
      ...(added.length ? [`only with the extension: ${clip(added.join(', '), 300)}`] : []),
      ...(removed.length ? [`only without: ${clip(removed.join(', '), 300)}`] : []),
    ];
  }
  if (isPlainObject(a) && isPlainObject(b) && !('$' in a) && !('$' in b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys
      .filter((k) => json(a[k]) !== json(b[k]))
      .map((k) => `.${k}: ${clip(json(a[k]), 150)} → ${clip(json(b[k]), 150)}`);
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

/** The keys whose answers differ. */
function differingKeys(without: Record<string, unknown>, withExt: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(without), ...Object.keys(withExt)])].filter(
    (k) => json(without[k]) !== json(withExt[k]),
  );
}

/** `keys` (differing answers), grouped when the same difference shows at several moments. */
function groupKeys(
  keys: string[],
  without: Record<string, unknown>,
  withExt: Record<string, unknown>,
): { keys: string[]; groups: DiffGroup[] } {
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

/** Every differing key, grouped when the same difference shows at several moments. */
function diffAnswers(
  without: Record<string, unknown>,
  withExt: Record<string, unknown>,
): { keys: string[]; groups: DiffGroup[] } {
  return groupKeys(differingKeys(without, withExt), without, withExt);
}

function formatDiff(
  title: string,
  diff: ReturnType<typeof diffAnswers>,
  labels = ['without', 'with'],
  width = 400,
): string {
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

// ---------------------------------------------------------------------------------------- known differences

type BrowserName = (typeof BROWSERS)[number]['name'];

/** What a documented difference may change in an answer (see the `$comment` of known-differences.json). */
type ValueRule =
  | { rule: 'exactly'; without: unknown; with: unknown }
  | { rule: 'only-fields'; fields: string[] }
  | { rule: 'fields-become'; pattern: string }
  | { rule: 'same-members-other-order' }
  | { rule: 'same-presence' };

interface KnownDifference {
  id: string;
  /** Matches the answer keys (`moment/subject/idiom`) this difference explains. */
  keyPattern: RegExp;
  browsers: BrowserName[];
  reason: string;
  values: ValueRule;
  /** `function`: only keys whose subject the page probed as a function (it has a `…/Function.prototype.toString.call` answer). */
  subject?: 'function';
  /** Feature-detection idioms this entry may cover anyway (only a key ORDER entry: rule same-members-other-order). */
  idiomExceptions?: string[];
  exampleKeys: string[];
}

const KNOWN_DIFFERENCES_FILE = join(root, 'demo/transparency/known-differences.json');

/** The deliberate differences, from demo/transparency/known-differences.json (the ids docs/architecture.md lists). */
const KNOWN_DIFFERENCES: KnownDifference[] = (
  JSON.parse(readFileSync(KNOWN_DIFFERENCES_FILE, 'utf8')) as {
    differences: (Omit<KnownDifference, 'keyPattern'> & { keyPattern: string })[];
  }
).differences.map((d) => ({ ...d, keyPattern: new RegExp(d.keyPattern) }));

/**
 * Answers that are feature detection (or the page's own errors): no documented difference may cover one.
 * Matched against the end of the key (`moment/subject/idiom`), or anywhere for the named checks of
 * probes.js and late.js. Each must match at least one key the page records (so the list cannot go stale).
 */
const FEATURE_DETECTION_IDIOMS: { idiom: string; pattern: RegExp }[] = [
  // Whether a property exists, and what it is (probes.js propIdioms, natives' holders, sdkStep).
  ...[
    '/in',
    '/hasOwnProperty',
    '/Object.hasOwn',
    '/typeof',
    '/truthy',
    '/descriptor',
    '/same-on-two-reads',
    '/propertyIsEnumerable',
    '/holder-descriptor',
    '/holder-hasOwnProperty',
  ].map(suffix),
  // A function, in the same realm (fnIdioms): source, name, length, keys, prototype, constructibility.
  ...[
    '/Function.prototype.toString.call',
    '/String()',
    '/.toString()',
    '/includes-native-code',
    '/toString-is-inherited',
    '/name',
    '/length',
    '/prototype-in',
    '/own-names-sorted',
    '/function-same-on-two-reads',
    '/new-without-arguments',
    '/call-without-this',
  ].map(suffix),
  // Enumeration and serialization (objectIdioms, fnIdioms, sdkStep, prototypes of natives).
  ...[
    '/own-names',
    '/own-symbols',
    '/own-descriptors',
    '/Object.keys',
    '/Reflect.ownKeys',
    '/for-in',
    '/JSON.stringify',
    '/spread-keys',
    '/Object.entries-types',
    '/Object.prototype.toString',
    '/getPrototypeOf',
    '/isExtensible',
    '/isFrozen',
  ].map(suffix),
  // window's own keys (probeWindow), except index-in-own-names (Firefox's lazy globals, documented).
  ...[
    '/window/own-names-count',
    '/window/Object.keys-count',
    '/window/nonstandard-own-names',
    '/window/own-names-added-since-head-top',
    '/window/own-names-removed-since-head-top',
    '/window/Object.keys-added-since-head-top',
    '/window/own-symbols-at-head-top',
  ].map(suffix),
  // Natives: constructor links, statics, instances, subclassing, toString of other functions, errors.
  { idiom: 'constructor-is-self and prototype chains (`… === …`)', pattern: /\/native\/[^/]* === / },
  ...[
    'WebSocket statics',
    'WebSocket prototype descriptor',
    'WebSocket.prototype identity',
    'new WebSocket(port 1)',
    'new BroadcastChannel',
    'class extends WebSocket',
    'class extends BroadcastChannel',
    'Reflect.construct(WebSocket, [url], Object)',
    'fetch returns a Promise',
    'Function.prototype.toString.call on non-functions',
    'toString of assorted functions',
    'XMLHttpRequest.prototype.open.call({})',
    'dispatchEvent.call(null)',
    'BroadcastChannel.prototype.postMessage.call({})',
  ].map((n) => suffix(`/native/${n}`)),
  // Frames: the same idioms in an about:blank realm and in a same-origin frame (each with its own hook).
  ...[
    'about:blank: Microsoft in its window',
    'about:blank: its own symbols',
    'about:blank: same source as its own natives',
    'frame: its own answers at the top of its <head>',
  ].map((n) => suffix(`/iframes/${n}`)),
  // The page's own errors.
  suffix('/uncaught-errors-since-last-moment'),
];
function suffix(s: string): { idiom: string; pattern: RegExp } {
  return { idiom: s, pattern: new RegExp(`${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) };
}

/** A changed leaf of two JSON answers: its path, and the name of the field that holds it. */
interface Leaf {
  path: string;
  field: string;
  without: unknown;
  with: unknown;
}

function changedLeaves(a: unknown, b: unknown, path = '', field = ''): Leaf[] {
  if (json(a) === json(b)) return [];
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length)
    return a.flatMap((x, i) => changedLeaves(x, b[i], `${path}[${i}]`, field));
  if (isPlainObject(a) && isPlainObject(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
      changedLeaves(a[k], b[k], path ? `${path}.${k}` : k, k),
    );
  }
  return [{ path: path || '(the whole answer)', field, without: a, with: b }];
}

const sortedJson = (list: unknown[]) => list.map(json).sort().join('\u0000');

/** null when `without → withExt` is what `values` allows, else why not. */
function checkValues(values: ValueRule, without: unknown, withExt: unknown): string | null {
  switch (values.rule) {
    case 'exactly':
      return json(without) === json(values.without) && json(withExt) === json(values.with)
        ? null
        : `documented as ${json(values.without)} → ${json(values.with)}`;
    case 'only-fields': {
      const other = changedLeaves(without, withExt).filter((l) => !values.fields.includes(l.field));
      return other.length === 0
        ? null
        : `other fields changed: ${other.map((l) => `${l.path}: ${clip(json(l.without), 120)} → ${clip(json(l.with), 120)}`).join('; ')}`;
    }
    case 'fields-become': {
      const pattern = new RegExp(values.pattern);
      const other = changedLeaves(without, withExt).filter((l) => typeof l.with !== 'string' || !pattern.test(l.with));
      return other.length === 0
        ? null
        : `fields that did not become ${pattern}: ${other.map((l) => `${l.path}: ${clip(json(l.without), 120)} → ${clip(json(l.with), 120)}`).join('; ')}`;
    }
    case 'same-members-other-order': {
      if (Array.isArray(without) && Array.isArray(withExt))
        return sortedJson(without) === sortedJson(withExt) ? null : 'not the same elements';
      if (isPlainObject(without) && isPlainObject(withExt)) {
        const ka = Object.keys(without);
        const kb = Object.keys(withExt);
        const same = ka.length === kb.length && ka.every((k) => k in withExt && json(without[k]) === json(withExt[k]));
        return same ? null : 'not the same keys with the same values';
      }
      return 'neither two lists nor two records';
    }
    case 'same-presence': {
      if (!isPlainObject(without) || !isPlainObject(withExt)) return 'not two records';
      const ka = Object.keys(without);
      if (ka.length !== Object.keys(withExt).length || !ka.every((k) => k in withExt)) return 'not the same names';
      const moved = ka.filter(
        (k) =>
          typeof without[k] !== 'number' ||
          typeof withExt[k] !== 'number' ||
          (without[k] as number) < 0 !== (withExt[k] as number) < 0,
      );
      return moved.length === 0 ? null : `present on one side only: ${moved.join(', ')}`;
    }
  }
}

/** The subject part of a key (`moment/subject` or `moment/native/label`): the key without its idiom. */
const subjectOf = (key: string) => key.slice(0, key.lastIndexOf('/'));

/** Whether `entry` is about `key` (its pattern, and its subject condition checked on the page's answers). */
function covers(entry: KnownDifference, key: string, answers: Record<string, unknown>): boolean {
  if (!entry.keyPattern.test(key)) return false;
  if (entry.subject === 'function') return `${subjectOf(key)}/Function.prototype.toString.call` in answers;
  return true;
}

interface Classified {
  /** entry id → the differing keys it explains (the values as documented). */
  known: Map<string, string[]>;
  /** Differing keys no entry for this browser covers. */
  unexplained: string[];
  /** Differing keys that several entries cover, with their ids. */
  ambiguous: { key: string; ids: string[] }[];
  /** entry id → keys it covers whose values differ otherwise than documented, and how. */
  broken: Map<string, { key: string; why: string }[]>;
}

/** Sorts every differing answer of one page into documented, undocumented, ambiguous and broken. */
function classify(
  browser: BrowserName,
  without: Record<string, unknown>,
  withExt: Record<string, unknown>,
): Classified {
  const out: Classified = { known: new Map(), unexplained: [], ambiguous: [], broken: new Map() };
  const entries = KNOWN_DIFFERENCES.filter((d) => d.browsers.includes(browser));
  for (const key of differingKeys(without, withExt)) {
    const matching = entries.filter((d) => covers(d, key, without));
    if (matching.length === 0) {
      out.unexplained.push(key);
    } else if (matching.length > 1) {
      out.ambiguous.push({ key, ids: matching.map((d) => d.id) });
    } else {
      const entry = matching[0]!;
      const why = checkValues(entry.values, without[key], withExt[key]);
      if (why === null) out.known.set(entry.id, [...(out.known.get(entry.id) ?? []), key]);
      else out.broken.set(entry.id, [...(out.broken.get(entry.id) ?? []), { key, why }]);
    }
  }
  return out;
}

/** The report of one page: what fails first (with both values), then every documented difference by entry. */
function formatClassified(
  title: string,
  c: Classified,
  without: Record<string, unknown>,
  withExt: Record<string, unknown>,
): { failures: string; documented: string } {
  const parts: string[] = [];
  if (c.unexplained.length) {
    parts.push(
      formatDiff(
        `${title}: NOT DOCUMENTED (a feature-detection difference, or a deliberate one missing from demo/transparency/known-differences.json)`,
        groupKeys(c.unexplained, without, withExt),
      ),
    );
  }
  for (const { key, ids } of c.ambiguous)
    parts.push(`${title}: ${key} is covered by several entries (${ids.join(', ')}): make their keyPatterns disjoint`);
  for (const [id, list] of c.broken) {
    const diff = groupKeys(
      list.map((b) => b.key),
      without,
      withExt,
    );
    parts.push(
      `${formatDiff(`${title}: entry ${id}, values NOT as documented`, diff)}\n    why: ${[...new Set(list.map((b) => b.why))].join('\n    why: ')}`,
    );
  }
  const documented = KNOWN_DIFFERENCES.filter((d) => c.known.has(d.id))
    .map((d) =>
      formatDiff(
        `${title}: documented difference ${d.id}`,
        groupKeys(c.known.get(d.id)!, without, withExt),
        ['without', 'with'],
        300,
      ),
    )
    .join('\n\n');
  return { failures: parts.join('\n\n'), documented };
}

/**
 * Every answer of `withExt` is the answer of `without`, except the documented differences; writes the report
 * test-results/transparency/<browser>-<reportName>.txt.
 */
function expectSameAsWithout(
  browserName: (typeof BROWSERS)[number]['name'],
  id: string,
  without: Run,
  withExt: Run,
  reportName: string,
): void {
  expectComplete(withExt, `${id} with the extension`);
  const title = `${browserName}, ${reportName}`;
  const c = classify(browserName, without.answers, withExt.answers);
  const { failures, documented } = formatClassified(title, c, without.answers, withExt.answers);
  const broken = [...c.broken.values()].reduce((n, list) => n + list.length, 0);
  const summary =
    `${title}, without vs with the extension (${extensionDir}): ${differingKeys(without.answers, withExt.answers).length} answers differ: ` +
    `${[...c.known].map(([entry, keys]) => `${entry} ${keys.length}`).join(', ') || 'no documented difference'}; ` +
    `${c.unexplained.length} not documented, ${broken} not as documented, ${c.ambiguous.length} covered twice`;
  const info = diffAnswers(without.information, withExt.information);
  const infoReport = formatDiff(`${title}, INFORMATION ONLY (not required to match): error stacks`, info);
  writeReport(
    `${browserName}-${reportName}`,
    [summary, failures || 'Nothing fails.', documented, infoReport].join('\n\n'),
  );
  if (info.keys.length) console.info(infoReport);
  expect(c.unexplained.length + broken + c.ambiguous.length, `${summary}\n\n${failures}`).toBe(0);
}

describe('the table of known differences (demo/transparency/known-differences.json)', () => {
  it('is well formed: unique ids, known browsers and rules, a reason, examples its own pattern matches', () => {
    const ids = KNOWN_DIFFERENCES.map((d) => d.id);
    expect(new Set(ids).size, `duplicate ids in ${ids.join(', ')}`).toBe(ids.length);
    for (const d of KNOWN_DIFFERENCES) {
      expect(d.id, 'id').toMatch(/^[a-z0-9-]+$/);
      expect(d.browsers.length, `${d.id}: browsers`).toBeGreaterThan(0);
      for (const b of d.browsers)
        expect(
          BROWSERS.map((x) => x.name as string),
          `${d.id}: browser ${b}`,
        ).toContain(b);
      expect(
        ['exactly', 'only-fields', 'fields-become', 'same-members-other-order', 'same-presence'],
        `${d.id}: values.rule`,
      ).toContain(d.values.rule);
      expect(d.reason.length, `${d.id}: reason`).toBeGreaterThan(40);
      expect(d.exampleKeys.length, `${d.id}: exampleKeys`).toBeGreaterThan(0);
      for (const k of d.exampleKeys)
        expect(d.keyPattern.test(k), `${d.id}: its pattern matches its example ${k}`).toBe(true);
      if (d.idiomExceptions)
        expect(d.values.rule, `${d.id}: an entry may cover an idiom only for its key order`).toBe(
          'same-members-other-order',
        );
    }
  });
});

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
  let afterFaults: { faulted: Run; off: Run } | Error | undefined;

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
          hookCheck.set(
            page.id,
            await e.hookRan(url).then(
              () => null,
              (err: Error) => err.message,
            ),
          );
        });
        withExtension.set(page.id, run);
      }
      afterFaults = await e.loadAfterFaults!(server.url + AFTER_FAULTS_PAGE.path).catch((err: Error) => err);
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
      expect(
        diff.keys.length,
        formatDiff(`${browser.name}, ${page.id}, run 1 vs run 2 without the extension`, diff, ['run 1', 'run 2']),
      ).toBe(0);
    }
  });

  it('the page exercises what it claims (answers without the extension)', () => {
    const a = plain.get('ocsdk-first')![0].answers;
    // ocsdk's idiom on an absent global, then Power Pages, the bootstrapper and the Web Chat bundles.
    expect(a['head-top/Microsoft/in']).toBe(false);
    expect(a['after-ocsdk/uncaught-errors-since-last-moment']).toEqual([]);
    expect(a['after-ocsdk/Microsoft.CRM/in']).toBe(true);
    expect(a['after-bootstrapper/SDK.startChat/same-as-page-reference']).toBe(true);
    expect(a['after-webchat-full/WebChat/Object.keys']).toEqual(
      expect.arrayContaining(['createStore', 'createDirectLine', 'renderWebChat', 'buildInfo']),
    );
    expect(a['head-top/native/WebSocket.prototype.constructor === WebSocket']).toBe(true);
    expect(a['head-top/native/fetch/includes-native-code']).toBe(true);
    // A watched request the page ignores raises unhandledrejection; the bus delivers one copy to each other channel.
    expect(a['after-load/unhandledrejection/livechatconnector config']).toMatchObject({
      instanceofPromise: true,
      fired: 1,
      reasonCtor: 'TypeError',
    });
    expect(a['after-load/broadcastchannel/message counts']).toEqual({ a: 1, b: 2, c: 3 });
    expect(a['after-load/calls/SDK.startChat(options)']).toEqual({ samePromise: true, instanceofPromise: true });
    expect(Object.keys(a).filter((k) => k.startsWith('final/'))).not.toEqual([]);
    const b = plain.get('bootstrapper-first')![0].answers;
    expect(b['after-bootstrapper/Microsoft/descriptor']).toMatchObject({ kind: 'data', configurable: false }); // `var Microsoft` on an absent global
  });

  it('the comparison catches a hook-like accessor on window.Microsoft (test-only page flag)', () => {
    expectComplete(sabotaged, 'sabotaged run');
    const diff = diffAnswers(plain.get('ocsdk-first')![0].answers, sabotaged.answers);
    writeReport(
      `${browser.name}-sabotage-self-check`,
      formatDiff(`${browser.name}, plain vs ?sabotage=microsoft-accessor`, diff),
    );
    expect(diff.keys.length).toBeGreaterThan(0);
    expect(diff.keys).toEqual(
      expect.arrayContaining([
        'head-top/Microsoft/in',
        'head-top/Microsoft/descriptor',
        'after-ocsdk/uncaught-errors-since-last-moment',
      ]),
    );
    expect(JSON.stringify(sabotaged.answers['after-ocsdk/uncaught-errors-since-last-moment'])).toMatch(/TypeError/);
    // No documented difference excuses it: every one of these answers is reported as not documented.
    const c = classify(browser.name, plain.get('ocsdk-first')![0].answers, sabotaged.answers);
    expect(c.unexplained).toEqual(
      expect.arrayContaining([
        'head-top/Microsoft/in',
        'head-top/Microsoft/descriptor',
        'after-ocsdk/uncaught-errors-since-last-moment',
      ]),
    );
  });

  it.each(PAGES.map((p) => [p.id] as const))('with the extension the hook ran in the tab (%s)', (id) => {
    expect(withExtension.has(id)).toBe(true);
    expect(hookCheck.get(id), 'hook.installed for the page URL in the extension log').toBeNull();
  });

  it.each(PAGES.map((p) => [p.id] as const))(
    'every answer is the same with and without the extension, except the documented differences (%s)',
    (id) => expectSameAsWithout(browser.name, id, plain.get(id)![0], withExtension.get(id)!, id),
  );

  it(`after a fault was switched on in the panel (and met by the page), then off: the same answers (${AFTER_FAULTS_PAGE.id})`, () => {
    if (afterFaults instanceof Error) throw afterFaults;
    const without = plain.get(AFTER_FAULTS_PAGE.id)![0];
    // The fault was on in the tab: the hook answered the page's watched POST to postToken itself.
    expectComplete(afterFaults!.faulted, 'the run with the fault on');
    expect(diffAnswers(without.answers, afterFaults!.faulted.answers).keys).toEqual(
      expect.arrayContaining([expect.stringMatching(/\/POST postToken \(watched\)$/)]),
    );
    expectSameAsWithout(
      browser.name,
      AFTER_FAULTS_PAGE.id,
      without,
      afterFaults!.off,
      `${AFTER_FAULTS_PAGE.id}-after-faults`,
    );
  });

  it('every documented difference listed for this browser still occurs (else: remove it from the table and the docs)', () => {
    const occurrences = new Map<string, number>();
    for (const page of PAGES) {
      const c = classify(browser.name, plain.get(page.id)![0].answers, withExtension.get(page.id)!.answers);
      // An entry whose answers differ otherwise than documented still occurs: the test above reports it.
      for (const [entry, keys] of [...c.known, ...c.broken])
        occurrences.set(entry, (occurrences.get(entry) ?? 0) + keys.length);
    }
    const gone = KNOWN_DIFFERENCES.filter((d) => d.browsers.includes(browser.name) && !occurrences.get(d.id)).map(
      (d) =>
        `${d.id}: no answer differs this way in ${browser.name} any more (${d.reason.split('. ')[0]}). ` +
        `Remove it (or ${browser.name} from its browsers) from demo/transparency/known-differences.json and from docs/architecture.md.`,
    );
    expect(gone, 'documented differences that no longer occur').toEqual([]);
  });

  it('no documented difference covers a feature-detection idiom, and no answer is covered twice', () => {
    const runs = PAGES.flatMap((p) => [plain.get(p.id)![0], withExtension.get(p.id)!]);
    const keys = [...new Set(runs.flatMap((r) => Object.keys(r.answers)))];
    const answersWith = (key: string) => runs.find((r) => key in r.answers)!.answers;
    const stale = FEATURE_DETECTION_IDIOMS.filter((i) => !keys.some((k) => i.pattern.test(k))).map((i) => i.idiom);
    expect(stale, 'guard idioms that match no key the page records (renamed in probes.js or late.js?)').toEqual([]);
    const offending: string[] = [];
    const coveredBy = new Map<string, string[]>();
    for (const d of KNOWN_DIFFERENCES) {
      const hits: string[] = [];
      for (const key of keys) {
        if (!covers(d, key, answersWith(key))) continue;
        coveredBy.set(key, [...(coveredBy.get(key) ?? []), d.id]);
        const idioms = FEATURE_DETECTION_IDIOMS.filter(
          (i) => i.pattern.test(key) && !(d.idiomExceptions ?? []).includes(i.idiom),
        ).map((i) => i.idiom);
        if (idioms.length) hits.push(`    ${key} (${idioms.join(', ')})`);
      }
      if (hits.length)
        offending.push(
          `${d.id} covers ${hits.length} feature-detection answers:\n${hits.slice(0, 20).join('\n')}${hits.length > 20 ? `\n    … and ${hits.length - 20} more` : ''}`,
        );
    }
    expect(offending, 'entries of known-differences.json whose keyPattern covers feature detection').toEqual([]);
    const twice = [...coveredBy].filter(([, ids]) => ids.length > 1).map(([key, ids]) => `${key}: ${ids.join(', ')}`);
    expect(twice, 'answer keys covered by several entries').toEqual([]);
  });
});
