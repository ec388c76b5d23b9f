/**
 * Every check of the catalog, on logs captured from the Omnichannel simulator and the real Bot
 * Framework stack: cases where it fires and cases where it must stay silent. Variants are derived
 * from captured logs by editing one field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, diagnose } from '../../src/analysis/diagnosis';
import { harToEntries } from '../../src/analysis/formats/har';
import type { LogEntry } from '../../src/shared/events';
import { capture, capturedAt, CAPTURE_IDS, editEvents } from '../helpers/captures';
import { FAULT_SPECS, faultCapture } from '../helpers/faults';
import { jwt } from '../helpers/tokens';
import { SCENARIOS } from '../../demo/omnichannel/scenarios.js';
import { WEBCHAT_SCENARIOS } from '../../demo/webchat/scenarios.js';
import { REALCODE_SCENARIOS } from '../../demo/realcode/scenarios.js';

/** The `fast` capture with its auth token replaced (claims relative to the moment it was handed over, seconds). */
function fastWithToken(
  claims: (atSeconds: number) => Record<string, unknown>,
  header?: Record<string, unknown>,
): LogEntry[] {
  return editEvents(capture('fast'), 'provider.callback', (e) => {
    e.token = jwt(claims(Math.floor(e.at / 1000)), header);
  });
}
const baseClaims = (now: number) => ({ iss: 'https://portal', sub: 'c-1', iat: now, exp: now + 3600 });

type Case = string | { name: string; entries: () => LogEntry[] };
/** A case from a HAR of test/fixtures/har/browsers, imported as the viewer does. */
const har = (name: string): Case => ({
  name: `${name}.har`,
  entries: () =>
    harToEntries(JSON.parse(readFileSync(join(import.meta.dirname, `../fixtures/har/browsers/${name}.har`), 'utf8')))
      .entries,
});
const variants: Record<string, { name: string; entries: () => LogEntry[] }> = {
  'exp-within-skew': {
    name: 'exp 60 s before capture (within the 300 s skew)',
    entries: () => fastWithToken((now) => ({ ...baseClaims(now), exp: now - 60 })),
  },
  'nbf-within-skew': {
    name: 'nbf 60 s after capture (within the skew)',
    entries: () => fastWithToken((now) => ({ ...baseClaims(now), nbf: now + 60 })),
  },
  'lwi-bad-json': {
    name: 'lwicontexts that is not JSON',
    entries: () => fastWithToken((now) => ({ ...baseClaims(now), lwicontexts: '{oops' })),
  },
  'bot-no-state': {
    name: 'botTokenUrl without state',
    entries: () =>
      editEvents(capture('bot-200'), 'provider.invoke', (e) => {
        e.botTokenUrl = 'https://token.botframework.com/api/sas/postToken?id=key2';
        e.signInId = null;
      }),
  },
  'coarse-clock': {
    name: 'a coarse clock (Firefox): startChat invokes the provider in the same millisecond as the registration',
    entries: () => {
      const entries = capture('fast');
      const reg = entries.find((e) => e.event.kind === 'sdk.call' && e.event.method === 'setAuthTokenProvider')!.event;
      return editEvents(entries, 'provider.invoke', (e) => {
        e.t = reg.t;
      });
    },
  },
  'invoke-403': {
    name: 'invoke answered 403',
    entries: () =>
      editEvents(capture('sso-failure-412'), 'directline.http', (e) => {
        if (e.status === 412) e.status = 403;
      }),
  },
};
/** A stored capture with an injected fault written in (test/helpers/faults.ts). */
const faulted = (name: string): Case => ({
  name: `${name} injected into ${FAULT_SPECS[name]!.base}`,
  entries: () => faultCapture(name),
});
const entriesOf = (c: Case) => (typeof c === 'string' ? capture(c) : c.entries());
const nameOf = (c: Case) => (typeof c === 'string' ? c : c.name);
/** Diagnoses a case as of the moment it was captured (as the live panel did). */
const diagnoseCase = (c: Case) =>
  diagnose(entriesOf(c), typeof c === 'string' && capturedAt(c) !== undefined ? { nowMs: capturedAt(c)! } : {});

/** For each check: captures where it must fire and captures where it must stay silent. */
const CASES: Record<string, { fires: Case[]; silent: Case[] }> = {
  'auth.provider-over-budget': { fires: ['slow', 'rc-auth-slow'], silent: ['fast', 'never', 'rc-auth-ok'] },
  'auth.provider-never-called-back': { fires: ['never'], silent: ['slow', 'throws', 'fast'] },
  'auth.provider-threw': { fires: ['throws', 'rc-auth-throws'], silent: ['fast', 'never', 'rc-auth-ok'] },
  'auth.token-empty': { fires: ['empty-token'], silent: ['fast', 'malformed'] },
  'auth.token-not-jwt': { fires: ['malformed', 'rc-auth-not-jwt'], silent: ['fast', 'empty-token', 'rc-auth-ok'] },
  'auth.alg-not-rs256': { fires: ['hs256', 'hostile-token'], silent: ['fast', 'expired'] },
  'auth.missing-claims': { fires: ['missing-claims', 'hostile-token'], silent: ['fast', 'exp-ms'] },
  'auth.token-expired': {
    fires: ['expired', 'rc-auth-expired'],
    silent: ['fast', variants['exp-within-skew']!, 'rc-auth-ok'],
  },
  'auth.token-not-yet-valid': { fires: ['nbf-future'], silent: ['fast', variants['nbf-within-skew']!] },
  'auth.time-claims-in-milliseconds': { fires: ['exp-ms'], silent: ['fast', 'nbf-future'] },
  'auth.lwicontexts-not-string': { fires: ['lwi-object', 'hostile-token'], silent: ['fast', 'lwi-nested'] },
  'auth.lwicontexts-invalid-json': { fires: [variants['lwi-bad-json']!], silent: ['fast', 'lwi-object'] },
  'auth.lwicontexts-non-primitive': { fires: ['lwi-nested'], silent: ['fast', 'lwi-object', 'lwi-long'] },
  'auth.lwicontexts-too-long': { fires: ['lwi-long'], silent: ['fast', 'lwi-nested'] },
  'auth.provider-set-before-ready': { fires: ['set-before-ready'], silent: ['fast', 'v1-async'] },
  'auth.async-callback-at-registration': {
    fires: ['v1-async'],
    silent: ['fast', 'empty-token', variants['coarse-clock']!],
  },
  'auth.provider-ok': {
    fires: ['fast', 'lwi-nested', 'rc-auth-ok'],
    silent: ['slow', 'hs256', 'expired', 'malformed', 'rc-auth-not-jwt'],
  },
  'lcw.error': {
    fires: ['never', 'throws', 'expired', 'scripts-fail', 'auth-function-missing', 'context-throws', 'rc-auth-missing'],
    silent: ['fast', 'bot-200', 'rc-auth-ok'],
  },
  'botauth.token-post-status': {
    fires: ['bot-200', 'bot-500', 'rc-bot-hidden', 'rc-bot-shown-500'],
    silent: ['fast', 'rc-bot-no-sasurl'],
  },
  'botauth.callback-missing': { fires: ['bot-no-callback'], silent: ['bot-200', 'bot-late'] },
  // Silent where the widget's own decision is visible: widget.card-shown-after-window says it there.
  'botauth.callback-late': { fires: ['bot-late'], silent: ['bot-200', 'bot-no-callback', 'rc-bot-late-callback'] },
  'botauth.provider-registered-twice': { fires: ['bot-twice'], silent: ['bot-200'] },
  'botauth.signin-id-reused': { fires: ['bot-twice'], silent: ['bot-200', 'bot-404'] },
  'botauth.no-signin-id': { fires: [variants['bot-no-state']!], silent: ['bot-200'] },
  'bf.no-token-exchange-resource': { fires: ['sso-no-ter'], silent: ['sso-success', 'sso-off'] },
  'bf.no-invoke': { fires: ['sso-off'], silent: ['sso-success', 'sso-no-ter'] },
  'bf.audience-mismatch': { fires: ['sso-aud-mismatch'], silent: ['sso-success', 'sso-failure-412'] },
  'bf.token-expired': { fires: ['sso-expired-token'], silent: ['sso-success', 'sso-aud-mismatch'] },
  'bf.invoke-id-mismatch': { fires: ['sso-wrong-id'], silent: ['sso-success', 'sso-failure-502'] },
  'bf.connection-name-mismatch': { fires: ['sso-wrong-connection'], silent: ['sso-success', 'sso-no-token'] },
  'bf.invoke-without-token': { fires: ['sso-no-token'], silent: ['sso-success', 'sso-wrong-connection'] },
  'bf.from-id-mismatch': { fires: ['sso-from-mismatch'], silent: ['sso-success', 'sso-private-bundle'] },
  'bf.invoke-502': { fires: ['sso-failure-502'], silent: ['sso-success', 'sso-failure-412', 'sso-not-routed'] },
  'bf.invoke-412': { fires: ['sso-failure-412', 'sso-aud-mismatch'], silent: ['sso-success', 'sso-failure-502'] },
  'bf.invoke-400': { fires: ['sso-wrong-connection', 'sso-no-token'], silent: ['sso-success', 'sso-failure-412'] },
  'bf.invoke-501': { fires: ['sso-not-routed'], silent: ['sso-success', 'sso-bot-error'] },
  'bf.invoke-500': { fires: ['sso-bot-error'], silent: ['sso-success', 'sso-not-routed'] },
  'bf.invoke-failed': {
    fires: [variants['invoke-403']!],
    silent: ['sso-success', 'sso-failure-412', 'sso-failure-502'],
  },
  'bf.duplicate-invokes': { fires: ['sso-duplicate'], silent: ['sso-success', 'sso-failure-412', 'sso-failure-502'] },
  'bf.card-shown-despite-success': { fires: ['sso-card-released'], silent: ['sso-success', 'sso-failure-412'] },
  'bf.sso-succeeded': {
    fires: ['sso-success', 'sso-websocket', 'sso-private-bundle'],
    silent: ['sso-failure-502', 'sso-card-released'],
  },
  // LCW v2: captured from Microsoft's real packages (demo/realcode).
  'widget.card-shown-after-window': {
    fires: ['rc-bot-late-callback'],
    silent: ['rc-bot-hidden', 'rc-bot-shown-500', 'rc-bot-no-sasurl'],
  },
  'widget.no-sas-url': { fires: ['rc-bot-no-sasurl'], silent: ['rc-bot-hidden', 'rc-bot-unparsable-url'] },
  'widget.signin-url-unparseable': { fires: ['rc-bot-unparsable-url'], silent: ['rc-bot-hidden', 'rc-bot-no-sasurl'] },
  'widget.signin-id-already-seen': {
    fires: ['rc-bot-duplicate-signinid'],
    silent: ['rc-bot-hidden', 'rc-bot-late-callback', 'bot-twice'],
  },
  'authfn.missing': { fires: ['rc-auth-missing'], silent: ['rc-auth-ok', 'rc-auth-throws', 'auth-function-missing'] },
  'lcw.connector-401': { fires: ['rc-connector-401'], silent: ['rc-auth-ok', 'rc-auth-expired'] },
  'page.error-loading-chat': { fires: ['rc-load-error'], silent: ['rc-auth-ok', 'rc-bot-hidden', 'rc-auth-throws'] },
  // HARs saved by the browsers' own exporters (test/fixtures/har/browsers; more in harBrowsers.test.ts).
  'har.token-post': {
    fires: [
      har('firefox-omnichannel-bot-200'),
      har('firefox-omnichannel-bot-500'),
      har('chromium-full-omnichannel-bot-500'),
    ],
    silent: ['bot-200', 'bot-500', har('chromium-full-omnichannel-bot-200'), har('firefox-webchat-sso-success')],
  },
  // Injected faults (the Reproduce menu): every fault's fallback is named as the fault's doing.
  'fault.injected-outcome': {
    fires: Object.keys(FAULT_SPECS).map(faulted),
    silent: ['sso-failure-502', 'slow', 'rc-bot-shown-500', 'sso-success'],
  },
  'fault.active': { fires: [faulted('exchange-502'), faulted('auth-delay')], silent: ['sso-failure-502', 'fast'] },
  'har.sanitized': {
    fires: [har('chromium-sanitized-webchat-sso-success')],
    silent: ['sso-success', har('chromium-full-webchat-sso-success'), har('firefox-webchat-sso-success')],
  },
};

describe('checks catalog', () => {
  it('is documented: docs/checks.md lists every check id (regenerate with npm run docs:checks)', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/checks.md'), 'utf8');
    for (const c of CHECKS) expect(doc, c.id).toContain(`| \`${c.id}\` |`);
  });

  it('has fire and silent cases for every check, and ids are unique', () => {
    const ids = CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(CASES).sort()).toEqual([...ids].sort());
  });

  for (const check of CHECKS) {
    describe(check.id, () => {
      const { fires, silent } = CASES[check.id]!;
      it.each(fires.map((c) => [nameOf(c), c] as const))('fires on %s', (_n, c) => {
        const found = diagnoseCase(c).findings.filter((f) => f.id === check.id);
        expect(found.length).toBeGreaterThan(0);
        for (const f of found) {
          expect(f.title.length).toBeGreaterThan(10);
          expect(f.explanation.length).toBeGreaterThan(10);
          expect(f.fix.length).toBeGreaterThan(10);
          expect(f.doc).toMatch(/^https:\/\//);
          expect(f.evidence.length).toBeGreaterThan(0);
          const seqs = new Set(entriesOf(c).map((e) => e.seq));
          for (const s of f.evidence) expect(seqs.has(s)).toBe(true);
        }
      });
      it.each(silent.map((c) => [nameOf(c), c] as const))('stays silent on %s', (_n, c) => {
        expect(diagnoseCase(c).findings.filter((f) => f.id === check.id)).toEqual([]);
      });
    });
  }
});

describe('headline and attempts for every captured scenario', () => {
  /** The headline check and the attempt outcomes each demo scenario declares (its scenarios.js). */
  const EXPECTED: Record<string, { headline?: string; outcomes: string[] }> = Object.fromEntries(
    [...SCENARIOS, ...WEBCHAT_SCENARIOS, ...REALCODE_SCENARIOS].map((s) => [
      s.id,
      { headline: s.expect.headline, outcomes: s.expect.outcomes },
    ]),
  );

  it('covers every stored capture', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(CAPTURE_IDS);
  });

  it.each(CAPTURE_IDS.map((id) => [id] as const))('%s', (id) => {
    const d = diagnoseCase(id);
    expect(d.headline?.id).toBe(EXPECTED[id]!.headline);
    expect(d.attempts.map((a) => a.outcome)).toEqual(EXPECTED[id]!.outcomes);
    for (const a of d.attempts) {
      expect(a.sentence).toMatch(/\.$/);
      expect(a.steps.length).toBeGreaterThan(1);
    }
  });

  it('says why a card was shown in one sentence', () => {
    const [card] = diagnose(capture('sso-failure-502')).attempts;
    expect(card!.sentence).toBe(
      "Sign-in card shown because Direct Line answered 502: the bot answered non-2xx (most likely 412, the exchange failed); DirectLineJS turned it into 'retry'.",
    );
  });

  it('gives the same answer for the same capture (imported captures)', () => {
    expect(diagnose(capture('slow'))).toEqual(diagnose(capture('slow')));
  });

  it('never throws on odd input', () => {
    const odd = editEvents(capture('sso-success'), 'directline.activities', (e) => {
      e.activities = [
        { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.oauth', oauth: {} }] },
      ];
    });
    expect(() => diagnose(odd)).not.toThrow();
    expect(diagnose([]).findings).toEqual([]);
  });
});
