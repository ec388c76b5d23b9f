/**
 * The rows of Omnichannel, page and extension entries (time, source, kind, one-line summary and
 * severity), and `entryRows`, the rows of any entry. Pure, so the panel and the headless printer show
 * the same words. What a row reads besides its entry comes in a RowContext (timeline.ts keeps one for
 * a growing log).
 */
import type { LogEntry, Summary } from '../../shared/events';
import { errorMessage, formatDuration, kindOf, listText, safeText, summaryText } from '../model/format';
import {
  budgetStatus,
  BUDGET_TEXT,
  isOverBudget,
  providerLabel,
  tokenPostSignedIn,
  type Invocation,
} from '../model/invocations';
import { WIDGET_BUS, WIDGET_DECISION_WINDOW_MS, type WidgetCard } from '../model/widgetCards';
import { decodeJwtView } from '../model/jwt';
import { redactionOf } from '../formats/redact';
import { describeLcwError } from '../model/lcwErrors';
import type { RowSource, Severity, TimelineRow } from './types';
import { isWebChatEvent, webChatRows, type WebChatRowContext } from './webchatRows';
import { faultOfEvent } from '../../shared/events';
import { faultAppliedText, faultsChangedText } from './faultRows';

/** What the rows of an entry read besides the entry. */
export interface RowContext extends WebChatRowContext {
  /** ms since the Unix epoch: "now" for an auth token provider still waiting. */
  nowMs: number;
  /** Seq of the log's first top-frame hook.installed (later ones mark navigations). */
  firstTopSeq: number | undefined;
  invocation(invocationId: string): Invocation | undefined;
  /** The widget's card a bot auth token provider invocation was made for. */
  widgetCardOf(invocationId: string): WidgetCard | undefined;
}

/** What the widget's decision means for a card, as a row says it. */
const DECISION_TEXT: Record<WidgetCard['decision'], string> = {
  hidden: 'the widget hid the card',
  shown: 'the widget showed the card (the answer was not {show: false})',
  'shown-no-answer': 'the widget showed the card: no answer within its ~2 s window',
  'shown-no-sas-url': 'the widget showed the card: no sasUrl',
  'shown-bad-sign-in-url': 'the widget showed the card: no signInId in the sign-in URL',
  'dropped-seen': 'the widget dropped the card (signInId already seen)',
  pending: 'the widget is still deciding',
};

/** Severity of a widget bus event: the decisions that show a card are problems. */
const BUS_SEVERITY: Record<string, Severity> = {
  [WIDGET_BUS.notFound]: 'error',
  [WIDGET_BUS.emptySasUrl]: 'error',
  [WIDGET_BUS.undefinedSignInId]: 'error',
  [WIDGET_BUS.displayCard]: 'warning',
};

/**
 * A short description of a token for one-line summaries: "JWT RS256, sub 1234…, exp in 1 h" or the
 * failure. The header and claims are the page's: a member of the wrong type is named and shown
 * (cut), never turned into text by its own methods.
 */
export function tokenOneLiner(token: string, captureAtMs: number): { text: string; severity: Severity } {
  const hidden = typeof token === 'string' ? redactionOf(token) : undefined;
  if (hidden === 'token') return { text: 'token removed by the export’s redaction', severity: 'info' };
  const view = decodeJwtView(token, captureAtMs);
  if (!view.ok)
    return {
      text:
        'not a JWT: ' +
        `${view.message}${hidden === 'value' ? ' (the export’s redaction masked parts of this token)' : ''}`,
      severity: 'error',
    };
  let severity: Severity = 'info';
  const alg = Object.hasOwn(view.header, 'alg') ? view.header.alg : undefined;
  const parts: string[] = [];
  if (alg === undefined || alg === null || typeof alg === 'string') {
    const name = typeof alg === 'string' ? safeText(alg, 40) : 'none';
    parts.push(`JWT ${name}${alg === 'RS256' ? '' : ' (RS256 required)'}`);
  } else {
    parts.push(`JWT with alg ${safeText(alg, 40)} (${kindOf(alg)}, not a string; RS256 required)`);
  }
  if (alg !== 'RS256') severity = 'warning';
  const sub = Object.hasOwn(view.payload, 'sub') ? view.payload.sub : undefined;
  if (typeof sub === 'string') parts.push(`sub ${sub.slice(0, 12)}${sub.length > 12 ? '…' : ''}`);
  else if (sub !== undefined) {
    parts.push(`sub is ${kindOf(sub)} (${safeText(sub, 30)}), not a string`);
    severity = 'warning';
  }
  const exp = view.times.find((c) => c.claim === 'exp');
  if (exp?.epochMs != null) {
    const expired = exp.epochMs <= captureAtMs;
    parts.push(`exp ${exp.relative}${expired ? ' (expired)' : ''}`);
    if (expired) severity = 'warning';
  }
  const invalid = view.times.filter((c) => c.unit === 'invalid');
  if (invalid.length) {
    parts.push(invalid.map((c) => `${c.claim} is not a NumericDate (${safeText(c.value, 30)})`).join(', '));
    severity = 'warning';
  }
  const lwi = view.lwicontexts;
  if (lwi.state === 'not-string' || lwi.state === 'invalid-json' || lwi.state === 'not-object') {
    const problemText =
      lwi.state === 'not-string'
        ? `is ${/^[aeiou]/.test(lwi.type) ? 'an' : 'a'} ${lwi.type}, not a string`
        : lwi.state === 'invalid-json'
          ? 'is not valid JSON'
          : 'is not a JSON object';
    parts.push(`lwicontexts ${problemText}`);
    severity = 'warning';
  } else if (lwi.state === 'ok' && lwi.rows.some((r) => r.problems.length > 0)) {
    parts.push(`lwicontexts: ${lwi.rows.filter((r) => r.problems.length > 0).length} variable(s) break the rules`);
    severity = 'warning';
  }
  return { text: parts.join(', '), severity };
}

function detailText(detail: Summary | undefined): string {
  return detail === undefined ? '' : ` ${summaryText(detail, 160)}`;
}

function invocationSummary(
  inv: Invocation,
  nowMs: number,
  card: WidgetCard | undefined,
): { text: string; severity: Severity } {
  const label = providerLabel(inv);
  if (inv.role === 'bot') {
    const e = inv.invoke.event;
    const signIn = e.signInId ? ` for signInId ${e.signInId}` : ' (botTokenUrl has no state/signInId)';
    const cb = inv.callbacks[0]?.event;
    const outcome = cb
      ? `callback({show: ${safeText(cb.show)}}) after ${formatDuration(cb.elapsedMs)}`
      : inv.end
        ? 'finished without calling the callback'
        : 'waiting for the callback';
    const decided = card?.decisionEntry ? `; ${DECISION_TEXT[card.decision]}` : '';
    return { text: `${label} invoked${signIn}: ${outcome}${decided}`, severity: !cb && inv.end ? 'warning' : 'info' };
  }
  const status = budgetStatus(inv, nowMs);
  switch (status.state) {
    case 'within':
      return { text: `${label} invoked: called back after ${formatDuration(status.elapsedMs)}`, severity: 'info' };
    case 'waiting':
      return {
        text: `${label} invoked: waiting for the callback (${formatDuration(status.elapsedMs)} so far)`,
        severity: 'info',
      };
    case 'over':
      return status.calledBack
        ? {
            text:
              `${label} invoked: over the ${BUDGET_TEXT} budget, ` +
              `called back after ${formatDuration(status.elapsedMs)}`,
            severity: 'error',
          }
        : inv.end?.event.outcome === 'threw'
          ? { text: `${label} invoked: threw and never called back`, severity: 'error' }
          : {
              text:
                `${label} invoked: over the ${BUDGET_TEXT} budget, ` +
                `never called back (${formatDuration(status.elapsedMs)} so far)`,
              severity: 'error',
            };
  }
}

/** The rows of one entry. One event that cannot be summarised costs its own row, never the timeline. */
export function entryRows(entry: LogEntry, context: RowContext): TimelineRow[] {
  try {
    const rows = isWebChatEvent(entry.event) ? webChatRows(entry, context) : [omnichannelRow(entry, context)];
    const fault = faultOfEvent(entry.event);
    if (fault) for (const row of rows) row.injected = fault;
    return rows;
  } catch (e) {
    return [unreadableRow(entry, e)];
  }
}

function omnichannelRow(entry: LogEntry, context: RowContext): TimelineRow {
  const { nowMs } = context;
  const e = entry.event;
  const row = (
    source: RowSource,
    kind: string,
    summary: string,
    severity: Severity = 'info',
    invocationId?: string,
  ): TimelineRow => {
    // Built field by field, not spread: a 50,000-entry log makes this many rows at once.
    const made: TimelineRow = {
      id: String(entry.seq),
      seq: entry.seq,
      at: e.at,
      source,
      kind,
      summary,
      severity,
      entry,
    };
    if (invocationId) made.invocationId = invocationId;
    return made;
  };
  switch (e.kind) {
    case 'hook.installed':
      // With "Preserve log", each later top-frame document marks a navigation.
      if (e.top && entry.frameId === 0 && entry.seq !== context.firstTopSeq)
        return row('extension', 'navigation', `Navigated to ${e.url}`);
      return row(
        'extension',
        'hook',
        `Hook installed in ${e.top ? 'top frame' : 'subframe'} (document ${e.readyState}): ${e.url}`,
      );
    case 'hook.error':
      return row('extension', 'hook problem', `${e.where}: ${e.message}`, 'warning');
    case 'relay.rejected': {
      // Page-sent messages are a page script imitating the hook; the others are malformed hook output.
      const pageSent = e.reasons.length === 1 && e.reasons[0] === 'page-sent';
      const text = pageSent
        ? `${e.count} message(s) a page script dispatched under the extension's event name were ignored (page-sent)`
        : `${e.count} malformed page message(s) dropped (${listText(e.reasons)})`;
      return row('extension', 'rejected', text, 'warning');
    }
    case 'log.dropped':
      return row(
        'extension',
        'dropped',
        `${e.count} event(s) not kept, over the tab's budgets (${listText(e.reasons)})`,
        'warning',
      );
    case 'sdk.detected':
      return row(
        'Omnichannel',
        'SDK found',
        `LiveChatWidget.SDK found (${e.via})${e.methods.length ? `: ${e.methods.join(', ')}` : ', no methods yet'}`,
      );
    case 'sdk.call': {
      const args = e.args.map((a) => summaryText(a, 60)).join(', ');
      const isUndefined =
        e.result && typeof e.result === 'object' && !Array.isArray(e.result) && e.result.$type === 'undefined';
      const outcome =
        e.outcome === 'threw'
          ? ` threw ${e.error?.name}: ${e.error?.message}`
          : e.returnedPromise
            ? ' returned a promise'
            : isUndefined
              ? ''
              : ` returned ${summaryText(e.result, 60)}`;
      return row(
        'Omnichannel',
        'SDK call',
        `SDK.${e.method}(${args})${outcome}`,
        e.outcome === 'threw' ? 'error' : 'info',
      );
    }
    case 'sdk.settled':
      return row(
        'Omnichannel',
        'SDK promise',
        `SDK.${e.method} promise ${e.outcome} after ` +
          `${formatDuration(e.durationMs)}${e.error ? `: ${e.error.name}: ${e.error.message}` : ''}`,
        e.outcome === 'rejected' ? 'error' : 'info',
      );
    case 'provider.invoke': {
      const inv = context.invocation(e.invocationId)!;
      const { text, severity } = invocationSummary(inv, nowMs, context.widgetCardOf(e.invocationId));
      return row(
        'Omnichannel',
        e.source === 'client-function' ? 'auth function' : e.role === 'auth' ? 'auth provider' : 'bot provider',
        text,
        severity,
        e.invocationId,
      );
    }
    case 'provider.callback': {
      const late = e.role === 'auth' && isOverBudget(e.elapsedMs);
      const syncText = e.sync ? ', synchronously' : '';
      const callText = e.callCount > 1 ? ` (call #${e.callCount})` : '';
      const when = `after ${formatDuration(e.elapsedMs)}${syncText}${callText}`;
      if (e.role === 'bot') {
        // What the page asked for is not what happened: the widget decides, and says so on its bus.
        const card = context.widgetCardOf(e.invocationId);
        const asks =
          e.show === false ? 'asks to hide the card' : e.show === true ? 'asks to show the card' : 'no {show} decision';
        const outcome = card?.decisionEntry
          ? `; ${DECISION_TEXT[card.decision]}`
          : e.show === false && e.elapsedMs > WIDGET_DECISION_WINDOW_MS
            ? ", after the widget's ~2 s window (the card is likely shown)"
            : '';
        const shownAnyway =
          e.show === false && (card ? card.decision.startsWith('shown') : e.elapsedMs > WIDGET_DECISION_WINDOW_MS);
        return row(
          'Omnichannel',
          'bot callback',
          `callback(${summaryText(e.value, 60)}) ${when}: ${asks}${outcome}`,
          e.show === null || shownAnyway ? 'warning' : 'info',
          e.invocationId,
        );
      }
      const inv = context.invocation(e.invocationId);
      const call = e.via === 'promise' ? 'resolved' : e.via === 'return' ? 'returned' : 'callback';
      if (e.token === undefined) {
        return row(
          'Omnichannel',
          'auth callback',
          `${call}(${e.valueType}) ${when}: no token`,
          'error',
          e.invocationId,
        );
      }
      const token = tokenOneLiner(e.token, e.at);
      const severity: Severity = late || token.severity === 'error' ? 'error' : token.severity;
      return row(
        'Omnichannel',
        inv?.invoke.event.source === 'client-function' ? 'auth function' : 'auth callback',
        `${call}(token) ${when}: ${token.text}`,
        severity,
        e.invocationId,
      );
    }
    case 'provider.end': {
      const inv = context.invocation(e.invocationId);
      const label = inv ? providerLabel(inv) : e.role === 'auth' ? 'auth token provider' : 'bot auth token provider';
      if (e.outcome === 'threw' || e.outcome === 'rejected') {
        return row(
          'Omnichannel',
          'provider end',
          `${label} ${e.outcome === 'threw' ? 'threw' : 'rejected'} after ` +
            `${formatDuration(e.elapsedMs)}: ${e.error?.name}: ${e.error?.message}`,
          'error',
          e.invocationId,
        );
      }
      // A provider may return first and call back later; only a settled promise without a callback is final.
      const cb = e.calledBack
        ? ''
        : e.outcome === 'returned'
          ? ', before calling the callback'
          : ', without calling the callback';
      return row(
        'Omnichannel',
        'provider end',
        `${label} ${e.outcome === 'returned' ? 'returned' : 'promise fulfilled'} ` +
          `after ${formatDuration(e.elapsedMs)}${cb}`,
        e.calledBack || e.role === 'auth' || e.outcome === 'returned' ? 'info' : 'warning',
        e.invocationId,
      );
    }
    case 'budget.exceeded':
      return row(
        'extension',
        'over budget',
        `auth token provider has not called back within ${formatDuration(e.limitMs)} (documented limit)`,
        'error',
        e.invocationId,
      );
    case 'lcw.event': {
      if (e.name === 'lcw:error') {
        const detail =
          e.detail && typeof e.detail === 'object' && !Array.isArray(e.detail)
            ? (e.detail as Record<string, Summary>)
            : undefined;
        const code = detail?.errorCode;
        const meaning = describeLcwError(code);
        const text =
          code !== undefined
            ? `lcw:error code ${summaryText(code)}: ${meaning ?? 'undocumented code'}`
            : `lcw:error${detailText(e.detail)}`;
        return row('Omnichannel', e.name, text, 'error');
      }
      return row('Omnichannel', e.name, `${e.name}${detailText(e.detail)}`);
    }
    case 'net.request': {
      const status = e.status === null ? `failed (${e.error ?? 'no response'})` : String(e.status);
      if (e.purpose === 'gettesturl') {
        return row(
          'network',
          'gettesturl',
          `${e.method} ${shortUrl(e.url)} → ${status} after ${formatDuration(e.elapsedMs)}: ` +
            'the widget asking for the sasUrl a sign-in card lacked',
          e.status === 200 ? 'info' : 'warning',
        );
      }
      const ok = tokenPostSignedIn(e.status);
      return row(
        'network',
        'POST token',
        `${e.method} ${shortUrl(e.url)} → ${status} after ${formatDuration(e.elapsedMs)} ` +
          `via ${e.api === 'xhr' ? 'XMLHttpRequest' : 'fetch'}`,
        e.status === null ? 'error' : ok ? 'info' : 'warning',
        e.invocationId,
      );
    }
    case 'omnichannel.http': {
      const status = e.status === null ? `failed (${e.error ?? 'no response'})` : String(e.status);
      const auth =
        e.authenticatedUserToken !== undefined
          ? `, AuthenticatedUserToken: ${tokenOneLiner(e.authenticatedUserToken, e.at).text}`
          : '';
      const bad = e.status === null || e.status >= 400;
      const fn =
        e.authClientFunction === undefined
          ? ''
          : e.authClientFunction === null
            ? ', names no auth client function'
            : `, names auth client function ${e.authClientFunction}`;
      return row(
        'network',
        'LCW connector',
        `${e.method} livechatconnector/${e.endpoint} → ${status} after ${formatDuration(e.elapsedMs)}${auth}${fn}`,
        bad ? (e.status === 401 ? 'error' : 'warning') : 'info',
      );
    }
    case 'lcw.authFunction': {
      const text = {
        function: 'found on the page; timed like an auth token provider',
        missing: 'does not exist on the page (the widget raises lcw:error 8)',
        'not-a-function': 'is not a function',
      }[e.state];
      return row(
        'Omnichannel',
        'auth function',
        `Configured auth client function ${e.name} ${text}`,
        e.state === 'function' ? 'info' : 'error',
      );
    }
    case 'bus.message': {
      const payload = e.payload === undefined ? '' : ` ${summaryText(e.payload, 160)}`;
      const telemetry =
        e.payload &&
        typeof e.payload === 'object' &&
        !Array.isArray(e.payload) &&
        (e.payload as Record<string, Summary>).Event === e.eventName;
      // The event name is the page's: look it up as an own key only ("constructor", "__proto__" are names too).
      const severity = e.eventName && Object.hasOwn(BUS_SEVERITY, e.eventName) ? BUS_SEVERITY[e.eventName]! : 'info';
      return row(
        'Omnichannel',
        telemetry ? 'widget telemetry' : 'widget bus',
        `${e.eventName ?? 'message'}${payload} (${e.direction} on ${e.channel})`,
        severity,
      );
    }
    case 'adapter.activity': {
      if (e.stage === 'held')
        return row(
          'Omnichannel',
          'activity stream',
          'The widget held a sign-in card back from Web Chat while it decides',
        );
      if (e.stage === 'failed')
        return row(
          'Omnichannel',
          'activity stream',
          `The widget's activity stream failed: ${e.error ?? 'error'}`,
          'error',
        );
      const oauth = e.activity?.attachments?.[0]?.oauth;
      const connectionText = oauth?.connectionName ? `, connectionName ${oauth.connectionName}` : '';
      const sasUrlText = oauth?.tokenPostResource?.sasUrl ? '' : ', no tokenPostResource.sasUrl';
      return row(
        'Omnichannel',
        'activity stream',
        `Sign-in card passed on to Web Chat (shown)${connectionText}${sasUrlText}`,
        'warning',
      );
    }
    case 'fault.applied':
      return row('extension', 'injected fault', faultAppliedText(e, shortUrl), 'info', e.invocationId);
    case 'faults.changed':
      return row('extension', 'faults', faultsChangedText(e), e.faults.length ? 'warning' : 'info');
    case 'page.error': {
      const where = e.source ? ` (${e.source}${e.line !== undefined ? `:${e.line}` : ''})` : '';
      if (e.errorType === 'resource')
        return row('page', 'load failed', `${e.message}: ${e.source ?? 'unknown URL'}`, 'error');
      return row(
        'page',
        e.errorType === 'unhandledrejection' ? 'unhandled rejection' : 'page error',
        `${e.name ? `${e.name}: ` : ''}${e.message}${where}`,
        'error',
      );
    }
    default:
      return row('extension', e.kind, e.kind);
  }
}

/** The row of an event whose summary failed: it says so, and the raw event stays in the details. */
function unreadableRow(entry: LogEntry, e: unknown): TimelineRow {
  const event = entry.event as { at?: unknown; kind?: unknown };
  return {
    id: String(entry.seq),
    seq: entry.seq,
    at: typeof event.at === 'number' ? event.at : 0,
    source: 'extension',
    kind: 'unreadable event',
    summary:
      `This ${safeText(event.kind, 40)} event could not be summarised ` +
      `(${errorMessage(e, 160)}); its raw data is in the details.`,
    severity: 'warning',
    entry,
  };
}

/** A URL without its query string (which carries the SAS hmac), for one-line display. */
export function shortUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : `${url.slice(0, q)}?…`;
}
