/**
 * Checks on the Omnichannel live chat widget's authenticated chat: the auth token provider
 * (setAuthTokenProvider), the JWT it hands over, its `lwicontexts`, and `lcw:error`.
 */
import { AUTH_PROVIDER_BUDGET_MS } from '../../shared/constants';
import { formatDuration, isoTime, kindOf, listText, safeText } from '../model/format';
import { budgetStatus, BUDGET_TEXT, ProviderLabel, providerLabel, type Invocation } from '../model/invocations';
import type { JwtView } from '../model/jwt';
import { LCW_ERROR_CAUSES, LCW_ERROR_CODES } from '../model/lcwErrors';
import { DOCS } from './docs';
import { authInvocations, registrationCallOf, tokenOfInvocation, type Model } from './model';
import type { Check, RawFinding } from './types';

type Raw = RawFinding;

const attemptId = (inv: Invocation) => `auth:${inv.invocationId}`;
const seqs = (...xs: ({ seq: number } | undefined)[]) => xs.filter((x): x is { seq: number } => !!x).map((x) => x.seq);

/** A token check: runs `test` on every decodable token an auth provider handed over. */
function perToken(
  test: (
    view: Extract<JwtView, { ok: true }>,
    inv: Invocation,
    cb: Invocation['callbacks'][number],
    m: Model,
  ) => Omit<Raw, 'evidence' | 'attemptId'> | null,
) {
  return (m: Model): Raw[] =>
    authInvocations(m).flatMap((inv) => {
      const t = tokenOfInvocation(inv);
      if (!t || !t.view.ok) return [];
      const r = test(t.view, inv, t.cb, m);
      return r ? [{ ...r, evidence: seqs(inv.invoke, t.cb), attemptId: attemptId(inv) }] : [];
    });
}

const skewMs = (m: Model) => m.clockSkewSeconds * 1000;

/** A token's alg for a sentence: the string, "missing", or the value with its kind ("{"toString":0} (an object)"). */
export function algText(alg: unknown): string {
  if (alg === undefined || alg === null) return 'missing';
  return typeof alg === 'string' ? safeText(alg, 40) : `${safeText(alg, 40)} (${kindOf(alg)})`;
}

/** A claim expected to be a string (sub, iss) for a sentence: the string, "(none)", or the value with its kind. */
export function claimText(value: unknown, max = 60): string {
  if (value === undefined || value === null) return '(none)';
  return typeof value === 'string' ? safeText(value, max) : `${safeText(value, max)} (${kindOf(value)}, not a string)`;
}

export const OMNICHANNEL_AUTH_CHECKS: Check[] = [
  {
    id: 'auth.provider-over-budget',
    area: 'Omnichannel auth',
    severity: 'error',
    name: `Auth token provider over ${BUDGET_TEXT}`,
    meaning:
      `The auth token provider (or the auth client function the widget's configuration names) ` +
      `handed over the token, but more than ${BUDGET_TEXT} after the widget invoked it.`,
    fix:
      `Make the provider answer within ${BUDGET_TEXT}: fetch the JWT ahead of time (e.g. ` +
      'on page load) and call back with a cached token, or speed up the token endpoint.',
    doc: DOCS.sendAuthToken,
    run: (m) =>
      authInvocations(m).flatMap((inv) => {
        const s = budgetStatus(inv, m.nowMs);
        if (s.state !== 'over' || !s.calledBack) return [];
        return [
          {
            severity: 'error' as const,
            title:
              `${ProviderLabel(inv)} called back after ` +
              `${formatDuration(s.elapsedMs)}, over the ${BUDGET_TEXT} limit`,
            explanation:
              `The widget invoked the ${providerLabel(inv)} and waited ` +
              `${formatDuration(s.elapsedMs)} for the token; the documented limit is ` +
              `${formatDuration(AUTH_PROVIDER_BUDGET_MS)}, after which the widget gives up.`,
            evidence: seqs(inv.invoke, inv.budgetFlag, inv.callbacks[0]),
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'auth.provider-never-called-back',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Auth token provider never called back',
    meaning:
      'The auth token provider (or configured auth client function) was invoked, did not throw, ' +
      `and ${BUDGET_TEXT} passed without a token: no callback, and no promise resolved with one.`,
    fix:
      'Call the callback on every path, including errors (call it with nothing ' +
      `only if you want the chat to fail fast), and within ${BUDGET_TEXT}.`,
    doc: DOCS.sendAuthToken,
    run: (m) =>
      authInvocations(m).flatMap((inv) => {
        const s = budgetStatus(inv, m.nowMs);
        if (
          s.state !== 'over' ||
          s.calledBack ||
          inv.end?.event.outcome === 'threw' ||
          inv.end?.event.outcome === 'rejected'
        )
          return [];
        return [
          {
            severity: 'error' as const,
            title: `${ProviderLabel(inv)} never called back`,
            explanation:
              `The ${providerLabel(inv)} ` +
              `${inv.end ? `returned after ${formatDuration(inv.end.event.elapsedMs)}` : 'was invoked'} ` +
              `but its callback was not called (${formatDuration(s.elapsedMs)} ` +
              `so far); the widget waits at most ${BUDGET_TEXT}.`,
            evidence: seqs(inv.invoke, inv.end, inv.budgetFlag),
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'auth.provider-threw',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Auth token provider threw',
    meaning:
      'The auth token provider (or configured auth client function) threw, or its promise rejected, ' +
      'instead of handing over a token; the widget raises lcw:error code 2 (the chat SDK: GetAuthTokenFailed).',
    fix:
      'Catch errors inside the provider (token endpoint down, ' +
      'user not signed in) and decide explicitly; log them on the site.',
    doc: DOCS.errorCodes,
    run: (m) =>
      authInvocations(m).flatMap((inv) =>
        inv.end && (inv.end.event.outcome === 'threw' || inv.end.event.outcome === 'rejected')
          ? [
              {
                severity: 'error' as const,
                title:
                  `${ProviderLabel(inv)} ${inv.end.event.outcome === 'threw' ? 'threw' : 'rejected'}: ` +
                  `${inv.end.event.error?.name ?? 'Error'}: ${inv.end.event.error?.message ?? ''}`,
                explanation:
                  `After ${formatDuration(inv.end.event.elapsedMs)} the provider ` +
                  (inv.end.event.outcome === 'threw' ? 'threw' : 'returned a promise that rejected') +
                  (inv.callbacks.length ? '' : ' without calling back') +
                  '.',
                evidence: seqs(inv.invoke, inv.end),
                attemptId: attemptId(inv),
              },
            ]
          : [],
      ),
  },
  {
    id: 'auth.token-empty',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Empty or non-string token',
    meaning:
      'The callback was called with an empty string, ' +
      'or with something that is not a string (undefined, null, an object).',
    fix:
      'Call the callback with the JWT string itself (not a response object or a promise); ' +
      'when no token can be had, do not start an authenticated chat.',
    doc: DOCS.setAuthTokenProvider,
    run: (m) =>
      authInvocations(m).flatMap((inv) =>
        inv.callbacks
          .filter((c) => c.event.token === undefined || c.event.token.trim() === '')
          .map((c) => ({
            severity: 'error' as const,
            title:
              c.event.token === undefined
                ? `Callback called with ${c.event.valueType}, not a JWT string`
                : 'Callback called with an empty token',
            explanation:
              `The provider called back after ${formatDuration(c.event.elapsedMs)} with ` +
              `${c.event.token === undefined ? `a value of type ${c.event.valueType}` : 'an empty string'}; ` +
              `the widget reports "Auth token provider didn't provide any token" (code 3).`,
            evidence: seqs(inv.invoke, c),
            attemptId: attemptId(inv),
          })),
      ),
  },
  {
    id: 'auth.token-not-jwt',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Token is not a JWT',
    meaning:
      'The token is not a JWS compact serialization: wrong number of segments, ' +
      'bad base64url, or a header/payload that is not JSON.',
    fix:
      'Pass the signed JWT (header.payload.signature) your token endpoint issues, ' +
      'not an opaque token, an encrypted JWE or a JSON wrapper.',
    doc: DOCS.chatAuthSettings,
    run: (m) =>
      authInvocations(m).flatMap((inv) => {
        const t = tokenOfInvocation(inv);
        if (!t || t.view.ok || t.view.reason === 'empty' || t.view.reason === 'not-a-string') return [];
        return [
          {
            severity: 'error' as const,
            title: 'The token is not a JWT',
            explanation: t.view.message,
            evidence: seqs(inv.invoke, t.cb),
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'auth.alg-not-rs256',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'alg is not RS256',
    meaning:
      'The JWT header alg is not RS256. The docs require RSA256 ' +
      'keys (their own sample token is HS256, which misleads).',
    fix:
      'Sign with an RSA key pair (RS256) and publish the public key ' +
      'at the public key URL of the chat authentication settings.',
    doc: DOCS.chatAuthSettings,
    run: perToken((view) =>
      view.header.alg === 'RS256'
        ? null
        : {
            severity: 'error',
            title: `Token alg is ${algText(view.header.alg)}, not RS256`,
            explanation:
              `The header says ${safeText(view.header, 300)}. Omnichannel validates the signature with ` +
              'the RSA public key from the public key URL, so a token signed otherwise is rejected ' +
              `as invalid (code 4). The docs' sample token is HS256, a common source of this mistake.`,
          },
    ),
  },
  {
    id: 'auth.missing-claims',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Required claims missing',
    meaning: 'One of the required claims iss, iat, exp, sub is missing.',
    fix: 'Issue iss, iat, exp and sub (the contact or account GUID) in every token.',
    doc: DOCS.chatAuthSettings,
    run: perToken((view) => {
      const missing = ['iss', 'iat', 'exp', 'sub'].filter(
        (c) => view.payload[c] === undefined || view.payload[c] === null || view.payload[c] === '',
      );
      return missing.length
        ? {
            severity: 'error',
            title: `Token lacks required claim${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
            explanation:
              `The payload has ${listText(Object.keys(view.payload), 300) || 'no claims'}; ` +
              'the chat authentication settings require iss, iat, exp and sub.',
          }
        : null;
    }),
  },
  {
    id: 'auth.token-expired',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Token expired',
    meaning: 'exp is earlier than the capture time by more than the clock-skew allowance (300 s).',
    fix: 'Issue a fresh token for each provider call (do not cache it past exp), and check the server clock.',
    doc: DOCS.chatAuthSettings,
    run: perToken((view, _inv, cb, m) => {
      const exp = view.times.find((c) => c.claim === 'exp');
      if (!exp?.epochMs || exp.epochMs > cb.event.at - skewMs(m)) return null;
      return {
        severity: 'error',
        title: `Token expired ${exp.relative.replace(' capture', ' it was handed over')}`,
        explanation:
          `exp is ${exp.iso}; the token was handed over at ${isoTime(cb.event.at)} ` +
          `(allowing ${m.clockSkewSeconds} s of clock skew). The widget rejects ` +
          'expired tokens ("New authentication token is already expired").',
      };
    }),
  },
  {
    id: 'auth.token-not-yet-valid',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'nbf or iat in the future',
    meaning: 'nbf or iat is later than the capture time by more than the clock-skew allowance (300 s).',
    fix: 'Check the token server clock (and time zone handling: NumericDate is UTC seconds).',
    doc: DOCS.jwt,
    run: perToken((view, _inv, cb, m) => {
      const future = view.times.filter(
        (c) => (c.claim === 'nbf' || c.claim === 'iat') && c.epochMs !== null && c.epochMs > cb.event.at + skewMs(m),
      );
      return future.length
        ? {
            severity: 'error',
            title: `Token ${future.map((c) => c.claim).join(' and ')} in the future`,
            explanation:
              future.map((c) => `${c.claim} is ${c.iso} (${c.relative})`).join('; ') +
              `, beyond the ${m.clockSkewSeconds} s clock-skew allowance: the token is not valid yet.`,
          }
        : null;
    }),
  },
  {
    id: 'auth.time-claims-in-milliseconds',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Time claims in milliseconds',
    meaning: 'exp, iat or nbf has 13 digits: milliseconds instead of NumericDate seconds.',
    fix: 'Use seconds since the epoch (Math.floor(Date.now() / 1000)), as RFC 7519 NumericDate requires.',
    doc: DOCS.jwt,
    run: perToken((view) => {
      const ms = view.times.filter((c) => c.unit === 'milliseconds');
      return ms.length
        ? {
            severity: 'error',
            title: `${ms.map((c) => c.claim).join(', ')} given in milliseconds`,
            explanation:
              ms.map((c) => `${c.claim} = ${safeText(c.value, 40)}`).join(', ') +
              (': NumericDate is seconds, so validators read these as ' +
                'dates tens of thousands of years away (or reject them).'),
          }
        : null;
    }),
  },
  {
    id: 'auth.lwicontexts-not-string',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'lwicontexts is not a string',
    meaning: 'The lwicontexts claim is an object (or another non-string); it must be a string holding serialized JSON.',
    fix: 'Serialize the context variables: lwicontexts: JSON.stringify({ msdyn_cartvalue: "10000" }).',
    doc: DOCS.setAuthTokenProvider,
    run: perToken((view) =>
      view.lwicontexts.state === 'not-string'
        ? { severity: 'error', title: 'lwicontexts is not a string', explanation: view.lwicontexts.message }
        : null,
    ),
  },
  {
    id: 'auth.lwicontexts-invalid-json',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'lwicontexts is not valid JSON',
    meaning: 'lwicontexts is a string, but not JSON of an object.',
    fix: 'Build the value with JSON.stringify of an object of context variables, not by string concatenation.',
    doc: DOCS.setAuthTokenProvider,
    run: perToken((view) =>
      view.lwicontexts.state === 'invalid-json' || view.lwicontexts.state === 'not-object'
        ? { severity: 'error', title: 'lwicontexts is not a JSON object', explanation: view.lwicontexts.message }
        : null,
    ),
  },
  {
    id: 'auth.lwicontexts-non-primitive',
    area: 'Omnichannel auth',
    severity: 'warning',
    name: 'lwicontexts value not primitive',
    meaning: 'A context variable holds an object or an array: "Only primitive values are allowed for any key".',
    fix: 'Flatten nested data into separate context variables with string, number or boolean values.',
    doc: DOCS.setAuthTokenProvider,
    run: perToken((view) => {
      if (view.lwicontexts.state !== 'ok') return null;
      const bad = view.lwicontexts.rows.filter((r) => r.type === 'object' || r.type === 'array');
      return bad.length
        ? {
            severity: 'warning',
            title: `lwicontexts variable${bad.length > 1 ? 's' : ''} ${listText(
              bad.map((r) => r.key),
              200,
            )} not primitive`,
            explanation:
              bad
                .map(
                  (r) =>
                    `${safeText(r.key, 100)} is ${r.type === 'array' ? 'an array' : 'an object'} ` +
                    `(${r.display.slice(0, 80)})`,
                )
                .join('; ') + '. Only primitive values are allowed.',
          }
        : null;
    }),
  },
  {
    id: 'auth.lwicontexts-too-long',
    area: 'Omnichannel auth',
    severity: 'warning',
    name: 'lwicontexts name or value too long',
    meaning: 'A context variable name is over 100 characters, or a value over 4,000.',
    fix:
      'Shorten the names to match the work stream context ' +
      'variables exactly, and keep values within 4,000 characters.',
    doc: DOCS.contextVariables,
    run: perToken((view) => {
      if (view.lwicontexts.state !== 'ok') return null;
      const bad = view.lwicontexts.rows.filter((r) => r.problems.some((p) => /limit/.test(p)));
      return bad.length
        ? {
            severity: 'warning',
            title: `lwicontexts: ${bad.length} variable${bad.length > 1 ? 's' : ''} over the length limits`,
            explanation: bad
              .flatMap((r) =>
                r.problems
                  .filter((p) => /limit/.test(p))
                  .map((p) => `${r.key.slice(0, 40)}${r.key.length > 40 ? '…' : ''}: ${p}`),
              )
              .join(' '),
          }
        : null;
    }),
  },
  {
    id: 'auth.provider-set-before-ready',
    area: 'Omnichannel auth',
    severity: 'warning',
    name: 'setAuthTokenProvider before lcw:ready',
    meaning:
      'setAuthTokenProvider was called before the frame raised lcw:ready; the SDK methods are to be called after it.',
    fix: 'Register the provider in a window.addEventListener("lcw:ready", …) handler.',
    doc: DOCS.setAuthTokenProvider,
    run: (m) =>
      m.sdkCallsOf('setAuthTokenProvider').flatMap((c) => {
        const ready = m.lcw.find((e) => e.event.name === 'lcw:ready' && e.frameId === c.frameId);
        return ready && ready.event.at > c.event.at
          ? [
              {
                severity: 'warning' as const,
                title: 'setAuthTokenProvider called before lcw:ready',
                explanation:
                  `The call came ${formatDuration(ready.event.at - c.event.at)} before lcw:ready. ` +
                  'The widget may not be able to use (or may drop) a provider registered this early.',
                evidence: [c.seq, ready.seq],
              },
            ]
          : [];
      }),
  },
  {
    id: 'auth.async-callback-at-registration',
    area: 'Omnichannel auth',
    severity: 'error',
    name: 'Asynchronous callback where the widget reads synchronously',
    meaning:
      'The widget invoked the provider during setAuthTokenProvider (the LCW v1 behaviour, ' +
      'which reads the token right after the call) and the provider called back later.',
    fix:
      'Get the JWT first, then register a provider that calls ' +
      'back synchronously: setAuthTokenProvider(cb => cb(jwt)).',
    doc: DOCS.sendAuthToken,
    run: (m) =>
      authInvocations(m).flatMap((inv) => {
        const reg = registrationCallOf(m, inv);
        const cb = inv.callbacks[0];
        if (!reg || !cb || cb.event.sync) return [];
        return [
          {
            severity: 'error' as const,
            title: 'Token delivered asynchronously to a widget that reads it synchronously',
            explanation:
              'The widget called the provider inside setAuthTokenProvider and went on at once; the callback ' +
              `came ${formatDuration(cb.event.elapsedMs)} later, so the widget sent no token (or a stale one).`,
            evidence: [reg.seq, inv.invoke.seq, cb.seq],
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'auth.provider-ok',
    area: 'Omnichannel auth',
    severity: 'info',
    name: 'Auth token provider answered',
    meaning: `The provider called back within ${BUDGET_TEXT} with a decodable RS256 JWT that is not expired.`,
    fix:
      'Nothing to fix. Signature validity is checked on the server; ' +
      'verify it here with the public key if chat still fails.',
    doc: DOCS.sendAuthToken,
    run: (m) =>
      authInvocations(m).flatMap((inv) => {
        const t = tokenOfInvocation(inv);
        const s = budgetStatus(inv, m.nowMs);
        if (!t?.view.ok || s.state !== 'within' || t.view.header.alg !== 'RS256') return [];
        const exp = t.view.times.find((c) => c.claim === 'exp');
        if (exp?.epochMs && exp.epochMs <= t.cb.event.at) return [];
        return [
          {
            severity: 'info' as const,
            title: `${ProviderLabel(inv)} answered in ${formatDuration(s.elapsedMs)} with an RS256 JWT`,
            explanation: `sub ${claimText(t.view.payload.sub)}, exp ${exp?.relative ?? '(none)'}.`,
            evidence: seqs(inv.invoke, t.cb),
            attemptId: attemptId(inv),
          },
        ];
      }),
  },
  {
    id: 'lcw.error',
    area: 'Omnichannel auth',
    severity: 'error',
    symptom: true,
    name: 'lcw:error raised',
    meaning: 'The widget raised lcw:error; each documented code (1, 2, 3, 4, 7, 8) is explained with its usual cause.',
    fix: 'Per code; see the table of lcw:error codes below.',
    doc: DOCS.errorCodes,
    run: (m) =>
      m.lcw
        .filter((e) => e.event.name === 'lcw:error')
        .map((e) => {
          const detail =
            e.event.detail && typeof e.event.detail === 'object' && !Array.isArray(e.event.detail)
              ? (e.event.detail as Record<string, unknown>)
              : {};
          const code = typeof detail.errorCode === 'string' ? Number(detail.errorCode) : detail.errorCode;
          const known = typeof code === 'number' ? LCW_ERROR_CODES[code] : undefined;
          const cause = typeof code === 'number' ? LCW_ERROR_CAUSES[code] : undefined;
          const extra = typeof detail.errorDetail === 'string' ? ` Detail: ${detail.errorDetail}.` : '';
          const reported = known
            ? `The widget reports: ${known}.`
            : 'The code is not in the documented list (1, 2, 3, 4, 7, 8); the event detail is shown in the evidence.';
          return {
            severity: 'error' as const,
            title: known
              ? `lcw:error ${code}: ${known}`
              : `lcw:error${code !== undefined ? ` ${safeText(code, 40)}` : ''} (undocumented)`,
            explanation: `${reported}${extra}`,
            ...(cause ? { fix: cause } : {}),
            evidence: [e.seq],
          };
        }),
  },
];
