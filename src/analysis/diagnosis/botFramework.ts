/**
 * Checks on Bot Framework SSO in Web Chat: the OAuthCard's tokenExchangeResource, the
 * signin/tokenExchange invoke (its id, connectionName, token and from.id), what the invoke POST was
 * answered (the bot's invokeResponse reaches the browser only as an HTTP status: passed through, or
 * 502 on Azure Direct Line, which DirectLineJS turns into 'retry'), and whether the card was hidden.
 * https://learn.microsoft.com/azure/bot-service/bot-builder-webchat-sso
 */
import { formatDuration, isoTime, safeText } from '../model/format';
import { decodeJwtView } from '../model/jwt';
import { sightingsOf, type OAuthCardOutcome, type TokenExchangeInvoke } from '../model/webchat';
import { DOCS } from './docs';
import { cardAttemptId, firstSighting, invokeEvidence, invokeStatus, type Model } from './model';
import type { Check, RawFinding } from './types';

type Raw = RawFinding;

/** Runs `test` on every invoke of every card. */
function perInvoke(
  test: (inv: TokenExchangeInvoke, card: OAuthCardOutcome, m: Model) => Omit<Raw, 'evidence' | 'attemptId'> | null,
) {
  return (m: Model): Raw[] =>
    m.cards.flatMap((card) =>
      card.invokes.flatMap((inv) => {
        const r = test(inv, card, m);
        return r
          ? [{ ...r, evidence: [firstSighting(card.record), ...invokeEvidence(inv)], attemptId: cardAttemptId(card) }]
          : [];
      }),
    );
}

/** A status check: fires for invokes answered `status`. */
function statusCheck(
  id: string,
  name: string,
  status: number,
  meaning: string,
  fix: string,
  title: string,
  explanation: string,
): Check {
  return {
    id,
    area: 'Bot Framework SSO',
    severity: 'error',
    symptom: true,
    name,
    meaning,
    fix,
    doc: DOCS.botSsoConcept,
    run: perInvoke((inv) =>
      invokeStatus(inv) === status
        ? {
            severity: 'error',
            title,
            explanation: `${explanation}${inv.http?.event.error ? ` Response: ${inv.http.event.error}.` : ''}`,
          }
        : null,
    ),
  };
}

export const BOT_FRAMEWORK_CHECKS: Check[] = [
  {
    id: 'bf.no-token-exchange-resource',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: 'OAuthCard without tokenExchangeResource',
    meaning: 'The OAuthCard carries no tokenExchangeResource, so no SSO is possible and the card is shown by design.',
    fix:
      'Set the Token Exchange URL (the exposed API scope, e.g. ' +
      "api://botid-<app id>) on the bot's Microsoft Entra ID v2 OAuth connection setting.",
    doc: DOCS.botSsoConcept,
    run: (m) =>
      m.cards
        .filter((c) => !c.oauth.tokenExchangeResource)
        .map((c) => ({
          severity: 'warning' as const,
          title: `OAuthCard for connection ${c.oauth.connectionName ?? '(none)'} has no tokenExchangeResource`,
          explanation:
            'The token service only adds tokenExchangeResource when the OAuth connection has a Token Exchange ' +
            'URL; without it the client cannot exchange a token and the user must sign in on the card.',
          evidence: [firstSighting(c.record)],
          attemptId: cardAttemptId(c),
        })),
  },
  {
    id: 'bf.no-invoke',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: 'No token exchange for an SSO-capable card',
    meaning:
      'The card has a tokenExchangeResource, but no signin/tokenExchange ' +
      'invoke followed: the client did not intercept it.',
    fix:
      'Add the SSO store middleware (intercept DIRECT_LINE/INCOMING_ACTIVITY carrying ' +
      'an OAuthCard with tokenExchangeResource.uri, get a token for that uri, ' +
      'post the invoke); check that it inspects every attachment, not only attachments[0].',
    doc: DOCS.webChatSso,
    run: (m) =>
      m.cards
        .filter((c) => c.oauth.tokenExchangeResource && c.invokes.length === 0)
        .map((c) => ({
          severity: 'warning' as const,
          title: 'No signin/tokenExchange invoke was sent for an SSO-capable OAuthCard',
          explanation:
            `The card offered tokenExchangeResource ${c.oauth.tokenExchangeResource!.id ?? ''} (uri ` +
            `${c.oauth.tokenExchangeResource!.uri ?? '(none)'}) and was ${c.outcome}; nothing tried the exchange.`,
          evidence: [firstSighting(c.record)],
          attemptId: cardAttemptId(c),
        })),
  },
  {
    id: 'bf.audience-mismatch',
    area: 'Bot Framework SSO',
    severity: 'error',
    name: 'Token audience differs from tokenExchangeResource.uri',
    meaning:
      "The exchangeable token's aud is not the card's tokenExchangeResource.uri, " +
      'so the token service cannot exchange it.',
    fix:
      "Request the token for exactly the card's uri (scopes: [tokenExchangeResource.uri]), " +
      'and make the Token Exchange URL of the OAuth connection the full scope your app exposes.',
    doc: DOCS.botSsoConcept,
    run: perInvoke((inv, card) => {
      const uri = card.oauth.tokenExchangeResource?.uri;
      if (!inv.tokenAud || !uri || inv.tokenAud === uri) return null;
      return {
        severity: 'error',
        title: "Token audience does not match the card's tokenExchangeResource.uri",
        explanation: `The invoke's token has aud ${inv.tokenAud}; the card asks for ${uri}.`,
      };
    }),
  },
  {
    id: 'bf.token-expired',
    area: 'Bot Framework SSO',
    severity: 'error',
    name: 'Exchangeable token expired',
    meaning: 'The token in the invoke had expired (beyond the clock-skew allowance) when it was sent.',
    fix: 'Acquire the token right before the exchange (MSAL acquireTokenSilent refreshes it), not from an old cache.',
    doc: DOCS.webChatSso,
    run: perInvoke((inv, _card, m) => {
      const token = inv.record.activity.tokenExchange?.token;
      const at = inv.record.sightings[0]!.entry.event.at;
      const view = token ? decodeJwtView(token, at) : undefined;
      const exp = view?.ok ? view.times.find((c) => c.claim === 'exp') : undefined;
      return exp?.epochMs && exp.epochMs < at - m.clockSkewSeconds * 1000
        ? {
            severity: 'error',
            title: `The exchanged token had expired (${exp.relative})`,
            explanation: `exp ${exp.iso}; sent at ${isoTime(at)}.`,
          }
        : null;
    }),
  },
  {
    id: 'bf.invoke-id-mismatch',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: 'Invoke value.id differs from tokenExchangeResource.id',
    meaning: "The invoke's value.id does not echo the card's tokenExchangeResource.id.",
    fix:
      'Send value.id = tokenExchangeResource.id from the card ' +
      'being answered (deduplication and correlation rely on it).',
    doc: DOCS.webChatSso,
    run: perInvoke((inv, card) => {
      const want = card.oauth.tokenExchangeResource?.id;
      const got = inv.record.activity.tokenExchange?.id;
      return want && got !== want
        ? {
            severity: 'warning',
            title: 'Invoke value.id does not match tokenExchangeResource.id',
            explanation: `value.id is ${got ?? '(missing)'}; the card's tokenExchangeResource.id is ${want}.`,
          }
        : null;
    }),
  },
  {
    id: 'bf.connection-name-mismatch',
    area: 'Bot Framework SSO',
    severity: 'error',
    name: 'Invoke connectionName differs from the card',
    meaning: "The invoke's value.connectionName is not the card's connectionName; OAuthPrompt answers 400.",
    fix: "Send value.connectionName = the card's connectionName.",
    doc: DOCS.webChatSso,
    run: perInvoke((inv, card) => {
      const got = inv.record.activity.tokenExchange?.connectionName;
      return card.oauth.connectionName && got !== card.oauth.connectionName
        ? {
            severity: 'error',
            title: 'Invoke connectionName does not match the OAuthCard',
            explanation: `The invoke says ${got ?? '(missing)'}; the card says ${card.oauth.connectionName}.`,
          }
        : null;
    }),
  },
  {
    id: 'bf.invoke-without-token',
    area: 'Bot Framework SSO',
    severity: 'error',
    name: 'Invoke without a token',
    meaning:
      'The signin/tokenExchange invoke has no token (value.token missing, ' +
      'empty or not a string); OAuthPrompt answers 400.',
    fix: 'Only send the invoke once a token was acquired; otherwise release the card so the user can sign in.',
    doc: DOCS.webChatSso,
    run: perInvoke((inv) => {
      const v = inv.record.activity.tokenExchange;
      return !v?.token
        ? {
            severity: 'error',
            title: 'The token exchange invoke carries no token',
            explanation:
              'value.token is ' + (v?.tokenType === 'string' ? 'an empty string' : (v?.tokenType ?? 'missing')) + '.',
          }
        : null;
    }),
  },
  {
    id: 'bf.from-id-mismatch',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: "Invoke from.id differs from the conversation's user",
    meaning:
      'The invoke was posted with a from.id different from the user id ' +
      "of the conversation's other activities (e.g. an MSAL account id).",
    fix:
      "Post the invoke with from.id = Web Chat's user id (the Direct Line token's user claim); " +
      'the token is stored per user id, so a different id makes the bot ask again.',
    doc: DOCS.directLineAuth,
    run: perInvoke((inv, _card, m) => {
      const users = new Set(
        m.records
          .filter((r) => r.direction === 'out' && r.activity.type === 'message' && r.activity.from?.id)
          .map((r) => r.activity.from!.id!),
      );
      // Every copy of the invoke counts: DirectLineJS rewrites from.id to its own user id on the wire, so the
      // page's copy (postActivity's argument) and the request body can differ, and either may be logged first.
      const sentAs = inv.record.sightings.flatMap((s) =>
        sightingsOf(s.entry)
          .filter((x) => x.layer === s.layer && x.hint === 'out')
          .map((x) => x.activity.from?.id),
      );
      const id = sentAs.find((x): x is string => !!x && !users.has(x));
      return id && users.size > 0
        ? {
            severity: 'warning',
            title: 'The invoke was sent as another user',
            explanation:
              `from.id is ${id}; the conversation's messages come from ${[...users].join(', ')}. ` +
              'Direct Line may rewrite it (Azure does for tokens with an embedded user), ' +
              'but the exchange is stored under whichever id reaches the bot.',
          }
        : null;
    }),
  },
  {
    id: 'bf.invoke-502',
    area: 'Bot Framework SSO',
    severity: 'error',
    symptom: true,
    name: "Invoke answered 502 / postActivity returned 'retry'",
    meaning:
      "The invoke POST got 502 (or DirectLineJS reported 'retry'): the bot answered non-2xx, " +
      'most likely 412, so the exchange failed. Flagged even when Web Chat shows the invoke as sent.',
    fix:
      "Treat 'retry' as a failed exchange and release the card; then find why the bot " +
      "refused (consent, audience; check the bot's logs for the 412 failureDetail).",
    doc: DOCS.directLineSend,
    run: perInvoke((inv) => {
      const s = invokeStatus(inv);
      if (s !== 502 && s !== 'retry') return null;
      const sent = inv.storeResult?.event.actionType.endsWith('FULFILLED');
      const retryText = inv.post?.event.outcome === 'retry' ? " DirectLineJS turned the 5xx into 'retry'." : '';
      const sentText = sent ? ' Web Chat still marked the invoke as sent.' : '';
      const responseText = inv.http?.event.error ? ` Response: ${inv.http.event.error}.` : '';
      return {
        severity: 'error',
        title:
          s === 502
            ? 'Token exchange failed: Direct Line answered 502'
            : "Token exchange failed: postActivity returned 'retry'",
        explanation:
          `Azure Direct Line answers 502 when the bot's invokeResponse is not 2xx; for a token ` +
          `exchange that is almost always 412 (exchange failed).${retryText}${sentText}${responseText}`,
      };
    }),
  },
  statusCheck(
    'bf.invoke-412',
    'Invoke answered 412',
    412,
    'The bot answered the invoke 412: the token service could not exchange ' +
      'the token (consent required, wrong audience or scope, wrong token type).',
    "Grant consent (admin consent for the API permissions), make the token's aud the card's uri, and use a " +
      'Microsoft Entra ID v2 connection with a Token Exchange URL. The fallback (showing the card) is by design.',
    'Token exchange failed: the bot answered 412',
    "The bot's OAuthPrompt answers 412 when the token service refuses the exchange.",
  ),
  statusCheck(
    'bf.invoke-400',
    'Invoke answered 400',
    400,
    'The invoke was answered 400: malformed invoke (no value.token, ' +
      "or a connectionName that is not the prompt's), or Direct Line rejected the body.",
    'Send {type: "invoke", name: "signin/tokenExchange", value: {id, connectionName, ' +
      "token}} with the card's id and connectionName and a from object.",
    'Token exchange invoke rejected as malformed (400)',
    'OAuthPrompt answers 400 when value.token is missing or value.connectionName is not its connection.',
  ),
  statusCheck(
    'bf.invoke-501',
    'Invoke answered 501',
    501,
    'The bot answered 501: it does not route the signin/tokenExchange invoke to its dialog ' +
      '(ActivityHandler.onSignInInvoke not overridden, or no invokeResponse produced).',
    'Override onSignInInvoke to run the dialog (await this.dialog.run(context, ' +
      'this.dialogState)) or route invokes to dialogContext.continueDialog().',
    'The bot does not handle the token exchange invoke (501)',
    'botbuilder answers 501 for an invoke that produced no invokeResponse: the default onSignInInvoke.',
  ),
  statusCheck(
    'bf.invoke-500',
    'Invoke answered 500',
    500,
    "The bot answered 500: an unhandled error in the bot's turn.",
    "Check the bot's logs for the exception thrown while handling the invoke.",
    'The bot failed while handling the token exchange (500)',
    'An unhandled exception in the bot turns into HTTP 500.',
  ),
  {
    id: 'bf.invoke-failed',
    area: 'Bot Framework SSO',
    severity: 'error',
    name: 'Invoke failed otherwise',
    meaning: 'The invoke failed with another status, without a response, or with an error from postActivity.',
    fix: 'Look at the status and response; 403 means the Direct Line token expired.',
    doc: DOCS.directLineSend,
    run: perInvoke((inv) => {
      const s = invokeStatus(inv);
      if (
        s === undefined ||
        s === 'retry' ||
        (typeof s === 'number' && ((s >= 200 && s < 300) || [400, 412, 500, 501, 502].includes(s)))
      )
        return null;
      return {
        severity: 'error',
        title: `Token exchange invoke failed (${s === null ? 'no response' : `HTTP ${s}`})`,
        explanation: inv.verdict,
      };
    }),
  },
  {
    id: 'bf.duplicate-invokes',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: 'Several invokes for one card',
    meaning: 'More than one signin/tokenExchange invoke was sent for the same OAuthCard.',
    fix:
      'Send one exchange per card: guard the middleware against handling the same activity twice ' +
      '(QUEUE_INCOMING_ACTIVITY and INCOMING_ACTIVITY, re-renders, several Web Chat instances).',
    doc: DOCS.webChatSso,
    run: (m) =>
      m.cards
        .filter((c) => c.invokes.length > 1)
        .map((c) => ({
          severity: 'warning' as const,
          title: `${c.invokes.length} token exchange invokes for one OAuthCard`,
          explanation:
            `Statuses: ${c.invokes.map((i) => safeText(invokeStatus(i) ?? 'unknown')).join(', ')}. ` +
            'The bot may accept the first and answer the others differently.',
          evidence: [firstSighting(c.record), ...c.invokes.flatMap(invokeEvidence)],
          attemptId: cardAttemptId(c),
        })),
  },
  {
    id: 'bf.card-shown-despite-success',
    area: 'Bot Framework SSO',
    severity: 'warning',
    name: 'Card shown although the exchange succeeded',
    meaning: 'The token exchange was accepted (2xx / an id), yet the page passed the OAuthCard on to Web Chat.',
    fix:
      'Release the card (next(action)) only when the exchange fails: ' +
      "on an id keep it hidden; treat only 'retry' and errors as failures.",
    doc: DOCS.webChatSso,
    run: (m) =>
      m.cards
        .filter((c) => c.outcome === 'shown' && c.basis === 'store' && c.invokes.some((i) => i.succeeded === true))
        .map((c) => ({
          severity: 'warning' as const,
          title: 'OAuthCard shown although the token exchange succeeded',
          explanation:
            'The invoke was accepted, so the user is signed in, ' +
            'but the card was rendered anyway and may invite a second sign-in.',
          evidence: [
            firstSighting(c.record),
            ...c.invokes.flatMap(invokeEvidence),
            ...(c.passedOn ? [c.passedOn.seq] : []),
          ],
          attemptId: cardAttemptId(c),
        })),
  },
  {
    id: 'bf.sso-succeeded',
    area: 'Bot Framework SSO',
    severity: 'info',
    name: 'SSO succeeded',
    meaning: 'The token exchange was accepted and the card was hidden.',
    fix: 'Nothing to fix.',
    doc: DOCS.webChatSso,
    run: (m) =>
      m.cards
        .filter((c) => c.outcome === 'hidden' && c.invokes.some((i) => i.succeeded === true))
        .map((c) => {
          const ok = c.invokes.find((i) => i.succeeded === true)!;
          const ms = ok.http?.event.elapsedMs ?? ok.post?.event.elapsedMs;
          return {
            severity: 'info' as const,
            title: `SSO succeeded: token exchanged${ms !== undefined ? ` in ${formatDuration(ms)}` : ''}, card hidden`,
            explanation: `connectionName ${c.oauth.connectionName ?? ''}; ${ok.verdict}.`,
            evidence: [firstSighting(c.record), ...invokeEvidence(ok)],
            attemptId: cardAttemptId(c),
          };
        }),
  },
];
