/**
 * Bot Framework Web Chat SSO on the real local stack (real botbuilder bot with OAuthPrompt, real
 * botframework-webchat bundle, local token service and Direct Line), in headless Chromium with the
 * built extension. Asserts on what the panel shows, and that the page behaves the same without the
 * extension (same transcript, same card outcome, same invoke result).
 */
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { WEBCHAT_SCENARIOS, webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { chromiumPath, launchWithExtension } from '../../scripts/lib/chromium.mjs';
import { mapLimit, runWebChatScenario } from '../../scripts/lib/scenarios.mjs';

const root = join(import.meta.dirname, '../..');
type Result = Awaited<ReturnType<typeof runWebChatScenario>>;
type Demo = { transcript: string[]; cardShown: boolean; invoke?: { result: string; status?: number } };

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let plain: Browser;
const withExtension = new Map<string, Result>();
const withoutExtension = new Map<string, Demo>();

/** Bot-generated ids and times differ between runs; the words do not. */
const stable = (lines: string[]) =>
  lines
    .map((l) =>
      l
        .replace(/\d{1,2}:\d{2}(:\d{2})?\s?(AM|PM)?/gi, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean);

beforeAll(async () => {
  server = await startDemoServer();
  browser = await launchWithExtension({ extensionDir: join(root, 'dist') });
  plain = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const scenarios = WEBCHAT_SCENARIOS;
  await Promise.all([
    mapLimit(scenarios, 3, async (s) =>
      withExtension.set(
        s.id,
        await runWebChatScenario(
          browser,
          server.url,
          s,
          s.id === 'sso-failure-502' ? { screenshot: join(root, 'docs/screenshots/webchat-502.png') } : {},
        ),
      ),
    ),
    mapLimit(scenarios, 2, async (s) => {
      const page = await plain.newPage();
      await page.goto(`${server.url}/webchat/?${s.query}`);
      await page.waitForFunction(() => (window as any).__webchatDemo?.finished === true, null, {
        timeout: 90_000,
        polling: 100,
      });
      withoutExtension.set(s.id, await page.evaluate(() => JSON.parse(JSON.stringify((window as any).__webchatDemo))));
      await page.close();
    }),
  ]);
  // Generous: every wait inside is on a condition; this bound only ends a run that is truly stuck.
}, 600_000);

afterAll(async () => {
  await plain?.close();
  await browser?.close();
  await server?.close();
});

const rowsOf = (id: string) => withExtension.get(id)!.rows;
const card = (id: string) => rowsOf(id).find((r) => r.tag === 'oauthcard')!;
const invoke = (id: string) => rowsOf(id).find((r) => r.tag === 'invoke')!;
const invokeHttp = (id: string) =>
  rowsOf(id).find((r) => r.kind === 'directline.http' && r.summary.includes('(invoke signin/tokenExchange)'))!;

describe('Web Chat SSO in the panel (Chromium, real bot stack)', () => {
  it('success: invoke 200, card hidden', () => {
    expect(card('sso-success')).toMatchObject({ outcome: 'hidden', severity: 'info' });
    expect(card('sso-success').summary).toMatch(
      /OAuthCard, connectionName SsoConnection, tokenExchangeResource [0-9a-f-]{36} uri api:\/\/botid-00000000-0000-0000-0000-0000000b0701: card HIDDEN: the page's middleware kept the card from Web Chat/,
    );
    expect(invoke('sso-success')).toMatchObject({
      severity: 'info',
      summary: expect.stringContaining('token aud = card uri: the bot accepted the exchange (HTTP 200)'),
    });
    expect(invokeHttp('sso-success').summary).toMatch(/→ 200 after .* via XMLHttpRequest$/);
    expect(
      rowsOf('sso-success').some(
        (r) => r.kind === 'directline.post' && /postActivity\(invoke signin\/tokenExchange\) → id /.test(r.summary),
      ),
    ).toBe(true);
    expect(withExtension.get('sso-success')!.cardDetails).toContain('tokenPostResource.sasUrl');
  });

  it('failure with 412 passed through: card shown', () => {
    expect(card('sso-failure-412')).toMatchObject({ outcome: 'shown', severity: 'warning' });
    expect(invoke('sso-failure-412')).toMatchObject({
      severity: 'error',
      summary: expect.stringContaining('the bot answered 412: the token exchange failed'),
    });
    expect(invokeHttp('sso-failure-412').summary).toMatch(/→ 412 after/);
  });

  it('502 mode: card shown, and never presented as a success', () => {
    const rows = rowsOf('sso-failure-502');
    expect(card('sso-failure-502')).toMatchObject({ outcome: 'shown' });
    expect(invoke('sso-failure-502')).toMatchObject({
      severity: 'error',
      summary: expect.stringMatching(
        /Direct Line answered 502: the bot answered non-2xx \(most likely 412, the exchange failed\); DirectLineJS turned it into 'retry'/,
      ),
    });
    expect(rows.find((r) => r.kind === 'directline.post' && r.summary.includes("→ 'retry'"))!.severity).toBe('error');
    expect(rows.filter((r) => /accepted the exchange|Succeeded/.test(r.summary))).toEqual([]);
    expect(withExtension.get('sso-failure-502')!.cardDetails).toContain('✖ Failed');
  });

  it('audience mismatch: the token aud is shown beside the card uri', () => {
    expect(card('sso-aud-mismatch')).toMatchObject({ outcome: 'shown' });
    expect(invoke('sso-aud-mismatch').summary).toContain(
      'token aud api://some-other-resource ≠ card uri api://botid-00000000-0000-0000-0000-0000000b0701',
    );
  });

  it('WebSocket transport: activities from the stream, same outcome', () => {
    expect(card('sso-websocket')).toMatchObject({ outcome: 'hidden' });
    expect(withExtension.get('sso-websocket')!.cardDetails).toContain('the WebSocket stream');
  });

  it('Web Chat without window.WebChat: network capture only, outcome inferred', () => {
    const rows = rowsOf('sso-private-bundle');
    expect(withExtension.get('sso-private-bundle')!.demo.privateCheck.windowWebChatUndefined).toBe(true);
    expect(
      rows.filter((r) => r.kind === 'webchat.detected' || r.kind === 'webchat.action' || r.kind === 'directline.post'),
    ).toEqual([]);
    expect(card('sso-private-bundle')).toMatchObject({
      outcome: 'hidden',
      summary: expect.stringContaining('card HIDDEN: inferred from the network'),
    });
    expect(invokeHttp('sso-private-bundle').summary).toMatch(/→ 200 after/);
  });

  it('a bot that does not route the invoke: 501 explained', () => {
    expect(card('sso-not-routed')).toMatchObject({ outcome: 'shown' });
    expect(invoke('sso-not-routed').summary).toContain(
      'the bot answered 501: it does not route the invoke to its dialog',
    );
  });

  it('shows each activity once, whichever layers saw it', () => {
    for (const [id, r] of withExtension) {
      const keys = r.rows.filter((x) => x.tag).map((x) => x.activity);
      expect(
        r.rows.filter((x) => x.tag === 'oauthcard'),
        id,
      ).toHaveLength(1);
      expect(new Set(keys).size, id).toBe(keys.length);
      // One invoke row per invoke the page really sent (two in sso-duplicate).
      expect(
        r.rows.filter((x) => x.tag === 'invoke'),
        id,
      ).toHaveLength(id === 'sso-duplicate' ? 2 : webchatScenarioById(id)!.expect.invokeResult ? 1 : 0);
    }
  });
});

describe('diagnosis in the panel (Chromium, real bot stack)', () => {
  it.each(WEBCHAT_SCENARIOS.map((s) => [s.id, s] as const))(
    '%s: expected headline finding and outcome',
    (id, scenario) => {
      const { diagnosis } = withExtension.get(id)!;
      expect(diagnosis.headline?.id).toBe(scenario.expect.headline);
      expect(diagnosis.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(scenario.expect.outcomes);
    },
  );

  it('explains the 502 card in one sentence', () => {
    expect(withExtension.get('sso-failure-502')!.diagnosis.attempts[0].sentence).toBe(
      "Sign-in card shown because Direct Line answered 502: the bot answered non-2xx (most likely 412, the exchange failed); DirectLineJS turned it into 'retry'.",
    );
  });
});

describe('the page behaves the same with and without the extension', () => {
  it.each(WEBCHAT_SCENARIOS.map((s) => [s.id] as const))('%s', (id) => {
    const a = withExtension.get(id)!.demo as Demo;
    const b = withoutExtension.get(id)!;
    const expected = webchatScenarioById(id)!.expect;
    expect(a.cardShown).toBe(expected.cardShown);
    expect(b.cardShown).toBe(expected.cardShown);
    expect(stable(a.transcript)).toEqual(stable(b.transcript));
    expect(a.invoke?.result).toBe(b.invoke?.result);
    if (expected.invokeResult) expect(a.invoke?.result).toBe(expected.invokeResult);
  });
});
