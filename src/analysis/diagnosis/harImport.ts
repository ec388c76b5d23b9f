/**
 * Checks on the file itself when the log was imported from a HAR (src/analysis/formats/har.ts): what a
 * sanitized HAR (Chrome's default "Export HAR (sanitized)…", which drops the Authorization, Cookie and
 * Set-Cookie headers) cannot tell, so that the findings are read knowing it; and what a token POST in a
 * HAR means without the page code that sent it. What a HAR cannot show in general: docs/har.md.
 */
import { isHarImportState, requestCount, sanitizingOfMarker } from '../formats/har';
import { formatDuration } from '../model/format';
import { tokenPostMeaning, tokenPostSignedIn } from '../model/invocations';
import { DOCS } from './docs';
import type { Model } from './model';
import type { Check } from './types';

/**
 * Per request header a sanitizing exporter may remove (as `sanitizingOf` in formats/har.ts tells it):
 * what was in it, and the checks of the catalog that read it (none could run without it). Chrome's
 * sanitizing keeps AuthenticatedUserToken, which lcw.connector-401 reads.
 */
const NEEDED_BY: Record<string, { held: string; checks: readonly string[] }> = {
  Authorization: {
    held:
      'the Direct Line secret or token (Bearer) of each call (which user and conversation it was ' +
      'minted for, and when it expires)',
    checks: [],
  },
};

/** The start markers of imported pages whose HAR was sanitized, with what it removed. */
const sanitizedPages = (m: Model) =>
  m.entries.flatMap((e) => {
    const s = e.event.kind === 'hook.installed' ? sanitizingOfMarker(e.event.readyState) : undefined;
    return s ? [{ seq: e.seq, url: e.event.kind === 'hook.installed' ? e.event.url : '', s }] : [];
  });

/** Whether the log was imported from a HAR (its start markers say so), not captured live. */
const fromHar = (m: Model) =>
  m.entries.some((e) => e.event.kind === 'hook.installed' && isHarImportState(e.event.readyState));

/** What the documented bot auth token provider does for a token POST status, in words. */
const TOKEN_POST_WORDS = {
  'signed-in': 'signed in: the card should be hidden',
  'already-signed-in': 'already signed in: the card should be hidden',
  'not-signed-in': 'not a success: the card should be shown',
  'no-response': 'no answer: the card should be shown',
} as const;

/** The checks on logs imported from a HAR (area 'Imported HAR files'); silent on live captures. */
export const HAR_IMPORT_CHECKS: Check[] = [
  {
    id: 'har.sanitized',
    area: 'Imported HAR files',
    severity: 'info',
    name: 'The HAR was saved sanitized',
    meaning:
      'The log comes from a HAR whose requests lack a header they must have carried (Direct Line calls ' +
      'the service accepted with no Authorization): the exporter removed it, as Chrome\u2019s default ' +
      '"Export HAR (sanitized)…" does. Says what was in it and which checks could not run without it, ' +
      'instead of reading the absence as the page\u2019s doing.',
    fix:
      'Nothing to fix on the page. To see the removed values themselves (the token\u2019s user and expiry), ' +
      'ask for a live capture with the extension (its exports are redacted by default) rather than a HAR ' +
      'saved with "Export HAR (with sensitive data)…".',
    doc: DOCS.directLineAuth,
    // A note on the file, never the cause of anything: among info findings it comes after every cause,
    // so it is the headline only when there is nothing else to say.
    symptom: true,
    run: (m) =>
      sanitizedPages(m).map(({ seq, url, s }) => {
        const lost = s.removed.map((h) => {
          const need = NEEDED_BY[h];
          const checks = need?.checks.length
            ? `These checks could not run without it: ${need.checks.join(', ')}.`
            : 'No check of the catalog reads it, so every other finding stands.';
          return `The removed ${h} header held ${need?.held ?? 'a credential'}; that cannot be shown here. ${checks}`;
        });
        return {
          severity: 'info' as const,
          title: `Sanitized HAR: ${s.removed.join(', ')} removed from ${requestCount(s)}`,
          explanation:
            `The HAR of ${url || 'this page'} was saved sanitized: ${requestCount(s)} ` +
            `that must carry ${s.removed.join(' and ')} (the service accepted them) have none. ` +
            `${lost.join(' ')} Cookies were most likely removed too; no check reads them.`,
          evidence: [seq],
        };
      }),
  },
  {
    id: 'har.token-post',
    area: 'Imported HAR files',
    severity: 'info',
    name: 'Token POST in a HAR, without its provider',
    meaning:
      'A HAR shows the POST of the token to botTokenUrl (…/api/sas/postToken, the OAuthCard\u2019s ' +
      'tokenPostResource) but not the bot auth token provider that sent it nor its callback({show}): says what ' +
      'the status means for the card under the documented pattern (200 signed in; 202 and 404 already signed ' +
      'in; anything else: show the card), and that the decision itself needs a live capture. Live captures ' +
      'get botauth.token-post-status instead.',
    fix:
      'For the provider\u2019s own decision and its timing (the widget\u2019s ~2 s window), reproduce with the ' +
      'extension. If the status is not 200/202/404, check that the token is the one the bot\u2019s OAuth ' +
      'connection expects and that the SAS URL has not expired.',
    doc: DOCS.setBotAuthTokenProvider,
    run: (m) =>
      fromHar(m)
        ? m.entries.flatMap((e) => {
            // The HAR import writes net.request only for token POSTs, never with an invocationId.
            if (e.event.kind !== 'net.request' || e.event.invocationId !== undefined) return [];
            const s = e.event.status;
            const answer = s ?? `no response (${e.event.error ?? 'network error'})`;
            return [
              {
                severity: tokenPostSignedIn(s) ? ('info' as const) : ('warning' as const),
                title: `Token POST to botTokenUrl answered ${s ?? 'nothing'}: ${TOKEN_POST_WORDS[tokenPostMeaning(s)]}`,
                explanation:
                  `${e.event.method} …/api/sas/postToken → ${answer} after ${formatDuration(e.event.elapsedMs)}. ` +
                  'The HAR holds this request only: not the bot auth ' +
                  'token provider that sent it, nor what it called back. A provider that follows the documented ' +
                  `pattern calls back {show: ${!tokenPostSignedIn(s)}}; whether it did, and in time, only a live ` +
                  'capture shows.',
                evidence: [e.seq],
              },
            ];
          })
        : [],
  },
];
