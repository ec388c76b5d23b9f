/**
 * End to end in headless Chromium with the built extension: every Omnichannel simulator scenario
 * appears in the panel (opened as the extension's panel page for the scenario's tab), with
 * durations within 50 ms of what the page measured, and the 10 s flag on exactly the
 * over-budget invocations.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, scenarioById } from '../../demo/omnichannel/scenarios.js';
import { startDemoServer } from '../../demo/server.mjs';
import { launchWithExtension } from '../../scripts/lib/chromium.mjs';
import { parseDuration } from '../../scripts/lib/panelReader.mjs';
import { runAllScenarios, runScenario } from '../../scripts/lib/scenarios.mjs';

const root = join(import.meta.dirname, '../..');
type Row = { kind: string; severity: string; label: string; summary: string; invocation: string | null };
type Diagnosis = {
  headline: { id: string; text: string } | null;
  attempts: { outcome: string; sentence: string }[];
  findings: { id: string; severity: string }[];
};
type Result = {
  scenario: (typeof SCENARIOS)[number];
  rows: Row[];
  diagnosis: Diagnosis;
  measurements: { kind: string; elapsedMs: number | null; calledBack?: boolean }[];
};

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let results: Result[];

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchWithExtension({ extensionDir: join(root, 'dist') });
  results = (await runAllScenarios(browser, server.url, SCENARIOS)) as Result[];
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const resultOf = (id: string) => results.find((r) => r.scenario.id === id)!;

/** Panel-shown and page-measured auth provider durations (ms), or null when the page saw no callback. */
function authDurations(r: Result): { shown: number; page: number } | null {
  const page = r.measurements.find((m) => m.kind === 'auth' && m.calledBack);
  if (!page) return null;
  const invoke = r.rows.find((x) => x.kind === 'provider.invoke')!;
  return { shown: parseDuration(/called back after (.+)$/.exec(invoke.summary)![1]!), page: page.elapsedMs! };
}

/** Panel-shown and page-measured bot auth token provider callback times (ms). */
function botDurations(r: Result): { shown: number; page: number } | null {
  const page = r.measurements.find((m) => m.kind === 'bot')!;
  const cb = r.rows.find((x) => x.kind === 'provider.callback')!;
  return { shown: parseDuration(/after (.+?):/.exec(cb.summary)![1]!), page: page.elapsedMs! };
}

/**
 * The hook times from inside the page's own interval, so the panel never shows more than the page
 * measured (beyond display rounding: 0.05 ms under 1 s, 5 ms above); what it shows less is the hook's own work plus any
 * time the OS gave the CPU to something else. With six tabs at once on a busy machine that can pass
 * 50 ms by chance, so a scenario over it is run again alone (at most twice) before it fails.
 */
async function expectCloseToPage(first: Result, durations: (r: Result) => { shown: number; page: number } | null) {
  let r = first;
  for (let attempt = 0; ; attempt++) {
    const d = durations(r)!;
    const label = `${r.scenario.id}: panel ${d.shown} ms, page ${d.page} ms`;
    expect(d.shown, label).toBeLessThanOrEqual(d.page + (d.shown < 1000 ? 0.051 : 5.001));
    if (Math.abs(d.page - d.shown) <= 50 || attempt === 2) {
      expect(Math.abs(d.page - d.shown), label).toBeLessThanOrEqual(50);
      return;
    }
    r = (await runScenario(browser, server.url, r.scenario)) as Result;
  }
}

describe('Omnichannel simulator scenarios in the panel (Chromium)', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))(
    '%s: shown in the panel with the right outcome',
    (_id, scenario) => {
      const { rows } = resultOf(scenario.id);
      expect(rows.find((r) => r.kind === 'hook.installed')).toBeDefined();
      const errors = rows.filter((r) => r.kind === 'lcw.event' && r.label.endsWith('lcw:error'));
      if (scenario.expect.lcwErrorCode !== undefined) {
        expect(errors.map((r) => r.summary)).toEqual([
          expect.stringContaining(`lcw:error code ${scenario.expect.lcwErrorCode}:`),
        ]);
        expect(errors[0]!.severity).toBe('error');
      } else {
        expect(errors).toEqual([]);
      }
      if (scenario.auth !== 'none') {
        expect(rows.some((r) => r.kind === 'sdk.call' && r.summary.startsWith('SDK.setAuthTokenProvider('))).toBe(true);
        expect(rows.filter((r) => r.kind === 'provider.invoke')).toHaveLength(1);
      }
      if (scenario.expect.postStatus !== undefined) {
        const post = rows.find((r) => r.kind === 'net.request')!;
        expect(post.summary).toMatch(
          new RegExp(`POST http://127\\.0\\.0\\.1:\\d+/api/sas/postToken\\?… → ${scenario.expect.postStatus} after`),
        );
        const invoke = rows.find((r) => r.kind === 'provider.invoke')!;
        expect(invoke.summary).toMatch(/bot auth token provider invoked for signInId sim-signin-\d+/);
        expect(post.invocation).toBe(invoke.invocation);
        expect(post.summary).toMatch(scenario.transport === 'xhr' ? / via XMLHttpRequest$/ : / via fetch$/);
      }
    },
  );

  it('shows auth provider durations within 50 ms of what the page measured', async () => {
    let compared = 0;
    for (const r of results) {
      if (!authDurations(r)) continue;
      await expectCloseToPage(r, authDurations);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(8);
  });

  it('shows bot callback durations within 50 ms of what the page measured', async () => {
    for (const id of ['bot-200', 'bot-202', 'bot-404', 'bot-500']) {
      const r = resultOf(id);
      await expectCloseToPage(r, botDurations);
      const cb = r.rows.find((x) => x.kind === 'provider.callback')!;
      expect(cb.summary).toMatch(
        scenarioById(id)!.expect.cardShown ? /asks to show the card$/ : /asks to hide the card$/,
      );
    }
    expect(resultOf('bot-no-callback').rows.find((x) => x.kind === 'provider.invoke')!).toMatchObject({
      severity: 'warning',
      summary: expect.stringMatching(/finished without calling the callback$/),
    });
  });

  it('flags exactly the over-budget invocations', () => {
    for (const r of results) {
      const flags = r.rows.filter((x) => x.kind === 'budget.exceeded');
      const invoke = r.rows.find((x) => x.kind === 'provider.invoke' && x.label.includes('auth provider'));
      if (r.scenario.expect.overBudget) {
        expect(flags, r.scenario.id).toHaveLength(1);
        expect(flags[0]!.invocation).toBe(invoke!.invocation);
        expect(invoke!.severity).toBe('error');
        expect(invoke!.summary).toMatch(/over the 10 s budget/);
      } else {
        expect(flags, r.scenario.id).toHaveLength(0);
        if (invoke) expect(invoke.summary, r.scenario.id).not.toMatch(/budget/);
      }
    }
    expect(resultOf('slow').rows.find((x) => x.kind === 'provider.invoke')!.summary).toMatch(
      /over the 10 s budget, called back after 10\.\d\d s/,
    );
    expect(resultOf('never').rows.find((x) => x.kind === 'provider.invoke')!.summary).toMatch(
      /over the 10 s budget, never called back/,
    );
  });

  it('marks token problems in the timeline', () => {
    const callbackOf = (id: string) => resultOf(id).rows.find((x) => x.kind === 'provider.callback')!;
    expect(callbackOf('fast')).toMatchObject({
      severity: 'info',
      summary: expect.stringMatching(/JWT RS256, sub 7d5f0e8e-000…, exp (59 min 59 s|1 h) after capture$/),
    });
    expect(callbackOf('malformed')).toMatchObject({
      severity: 'error',
      summary: expect.stringContaining('not a JWT: A JWS has 3 dot-separated segments'),
    });
    expect(callbackOf('expired')).toMatchObject({
      severity: 'warning',
      summary: expect.stringMatching(/exp 1 h before capture \(expired\)/),
    });
    expect(callbackOf('hs256')).toMatchObject({
      severity: 'warning',
      summary: expect.stringContaining('JWT HS256 (RS256 required)'),
    });
    expect(callbackOf('lwi-object').summary).toContain('lwicontexts is an object, not a string');
    expect(callbackOf('lwi-nested').summary).toContain('lwicontexts: 1 variable(s) break the rules');
    expect(callbackOf('empty-token')).toMatchObject({
      severity: 'error',
      summary: expect.stringContaining('The token is an empty string.'),
    });
    expect(resultOf('throws').rows.find((x) => x.kind === 'provider.end')!).toMatchObject({
      severity: 'error',
      summary: expect.stringContaining('threw after'),
    });
  });
});

describe('diagnosis in the panel (Chromium)', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s: expected headline finding and outcome', (_id, scenario) => {
    const { diagnosis } = resultOf(scenario.id);
    expect(diagnosis.headline?.id).toBe(scenario.expect.headline);
    expect(diagnosis.findings[0]?.id).toBe(scenario.expect.headline);
    expect(diagnosis.attempts.map((a) => a.outcome)).toEqual(scenario.expect.outcomes);
    for (const a of diagnosis.attempts) expect(a.sentence).toMatch(/\.$/);
  });
});

describe('details pane (Chromium)', () => {
  it('decodes the token, its time claims and lwicontexts, and explains a malformed one', async () => {
    const nested = await runScenario(browser, server.url, scenarioById('lwi-nested'), { keepOpen: true });
    const { panel } = nested;
    await panel.click('.row[data-kind="provider.callback"]');
    const header = await panel.textContent('[data-testid=jwt-header]');
    expect(JSON.parse(header!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'demo-key-1' });
    const times = await panel.textContent('[data-testid=jwt-times]');
    expect(times).toMatch(/exp\d+\d{4}-\d\d-\d\dT.+ after capture/);
    const lwi = await panel.textContent('[data-testid=lwicontexts]');
    expect(lwi).toContain('msdyn_cartvalue');
    expect(lwi).toContain('Value is an object: only primitive values are allowed.');
    mkdirSync(join(root, 'docs/screenshots'), { recursive: true });
    await panel.setViewportSize({ width: 1400, height: 760 });
    await panel.screenshot({ path: join(root, 'docs/screenshots/panel.png') });
    await panel.goto(panel.url() + '&theme=dark');
    await panel.waitForSelector('.row[data-kind="provider.callback"]');
    await panel.click('.row[data-kind="provider.callback"]');
    await panel.screenshot({ path: join(root, 'docs/screenshots/panel-dark.png') });
    await nested.panel.close();
    await nested.page.close();

    const malformed = await runScenario(browser, server.url, scenarioById('malformed'), { keepOpen: true });
    await malformed.panel.click('.row[data-kind="provider.callback"]');
    const error = malformed.panel.locator('[data-testid=jwt-error]');
    expect(await error.getAttribute('data-reason')).toBe('segments');
    expect(await error.textContent()).toContain(
      'Cannot decode this token: A JWS has 3 dot-separated segments (header.payload.signature); this token has 2.',
    );
    await malformed.panel.close();
    await malformed.page.close();
  });

  it('verifies the token signature with the site public key, locally', async () => {
    const r = await runScenario(browser, server.url, scenarioById('fast'), { keepOpen: true });
    await r.panel.click('.row[data-kind="provider.callback"]');
    const verify = async (key: string) => {
      await r.panel.fill('[data-testid=signature-check] textarea', key);
      await r.panel.click('[data-testid=signature-check] button');
      const verdict = r.panel.locator('[data-testid=signature-verdict]');
      await verdict.waitFor();
      return {
        status: await verdict.getAttribute('data-status'),
        reason: await verdict.getAttribute('data-reason'),
        text: await verdict.textContent(),
      };
    };
    const sitePem = await (await fetch(`${server.url}/api/publickey`)).text();
    expect(await verify(sitePem)).toMatchObject({ status: 'valid' });
    const jwks = await (await fetch(`${server.url}/api/jwks`)).text();
    expect(await verify(jwks)).toMatchObject({ status: 'valid' });
    const otherPem = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(await verify(otherPem)).toMatchObject({ status: 'invalid', reason: 'signature-mismatch' });
    expect((await verify('not a key')).status).toBe('error');
    await r.panel.close();
    await r.page.close();
  });

  it('shows the diagnosis: headline, attempt chain and findings with evidence links', async () => {
    const r = await runScenario(browser, server.url, scenarioById('slow'), { keepOpen: true });
    const { panel } = r;
    await panel.click('[data-testid=view-diagnosis]');
    const attempt = panel.locator('[data-testid=attempt]').first();
    expect(await attempt.getAttribute('data-outcome')).toBe('chat failed');
    expect(await attempt.textContent()).toContain('No callback within the documented 10 s');
    await panel.setViewportSize({ width: 1400, height: 820 });
    await panel.screenshot({ path: join(root, 'docs/screenshots/diagnosis.png') });
    // An evidence link takes you to the event in the timeline.
    const link = panel
      .locator('[data-testid=finding][data-check-id="auth.provider-over-budget"] .evidence button')
      .first();
    const seq = (await link.textContent())!.replace('#', '');
    await link.click();
    await panel.waitForSelector(`.row.selected[data-seq="${seq}"]`);
    await panel.close();
    await r.page.close();
  });

  it('shows the backlog to a panel opened after the events, and updates live', async () => {
    const r = await runScenario(browser, server.url, scenarioById('fast'), { keepOpen: true });
    expect(r.rows.length).toBeGreaterThanOrEqual(9);
    await r.page.click('#sim-start'); // a second chat start while the panel is open
    await r.panel.waitForFunction(() => document.querySelectorAll('.row[data-kind="provider.invoke"]').length === 2);
    await r.panel.click('text=Clear');
    await r.panel.waitForSelector('[data-testid=empty]');
    await r.panel.close();
    await r.page.close();
  });
});
