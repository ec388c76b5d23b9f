/**
 * Timeline rows for Web Chat and Direct Line events. Activities seen by several layers
 * (Web Chat's store, the DirectLine object, XHR/fetch, the WebSocket stream) get one row, at
 * their first sighting; OAuthCards and signin/tokenExchange invokes carry their SSO outcome.
 */
import type { ActivitySummary, CapturedEvent, EventOf, LogEntry } from '../../shared/events';
import { formatDuration } from '../model/format';
import type { RowBody, RowSource, Severity, TimelineRow } from './types';
import {
  isTokenExchange,
  type ActivityRecord,
  type OAuthCardOutcome,
  type CardLinks,
  type TokenExchangeInvoke,
  type Layer,
} from '../model/webchat';

const WEB_CHAT_KINDS = new Set<CapturedEvent['kind']>([
  'webchat.detected',
  'webchat.action',
  'directline.post',
  'directline.http',
  'directline.activities',
]);

/** True for the event kinds this module turns into rows. */
export function isWebChatEvent(e: CapturedEvent): boolean {
  return WEB_CHAT_KINDS.has(e.kind);
}

const LAYER_SOURCE: Record<Layer, RowSource> = {
  store: 'Web Chat',
  'directline-object': 'Web Chat',
  xhr: 'Direct Line',
  fetch: 'Direct Line',
  websocket: 'Direct Line',
};
/** Human names of the layers, for "seen by". */
export const LAYER_NAME: Record<Layer, string> = {
  store: "Web Chat's store",
  'directline-object': 'the DirectLine object',
  xhr: 'XMLHttpRequest',
  fetch: 'fetch',
  websocket: 'the WebSocket stream',
};

function clipText(s: string | undefined, max = 80): string {
  if (!s) return '';
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** "bot →" / "user →" from the activity's role. */
function who(record: ActivityRecord): string {
  const role = record.activity.from?.role ?? (record.direction === 'in' ? 'bot' : 'user');
  return `${role} →`;
}

/** Whether the invoke's token audience matches the card's tokenExchangeResource.uri. */
export function audienceText(inv: TokenExchangeInvoke, card: OAuthCardOutcome): string {
  const uri = card.oauth.tokenExchangeResource?.uri;
  if (!inv.record.activity.tokenExchange?.token) return 'no token';
  if (!inv.tokenAud) return 'token has no aud';
  return inv.tokenAud === uri ? `token aud = card uri` : `token aud ${inv.tokenAud} ≠ card uri ${uri ?? '(none)'}`;
}

function activityRow(
  record: ActivityRecord,
  card: OAuthCardOutcome | undefined,
  invoke: { attempt: TokenExchangeInvoke; card: OAuthCardOutcome } | undefined,
): RowBody {
  const a: ActivitySummary = record.activity;
  const source = LAYER_SOURCE[record.sightings[0]!.layer];
  if (card) {
    const ter = card.oauth.tokenExchangeResource;
    const resource = ter
      ? `tokenExchangeResource ${ter.id ?? '(no id)'} uri ${ter.uri ?? '(none)'}`
      : 'no tokenExchangeResource';
    return {
      source,
      kind: 'OAuthCard',
      tag: 'oauthcard',
      outcome: card.outcome,
      activityKey: record.key,
      summary:
        `${who(record)} OAuthCard, connectionName ${card.oauth.connectionName ?? '(none)'}, ` +
        `${resource}: card ${card.outcome.toUpperCase()}: ${card.reason}`,
      severity: card.outcome === 'shown' ? 'warning' : 'info',
    };
  }
  if (isTokenExchange(a)) {
    const v = a.tokenExchange;
    const severity: Severity =
      invoke?.attempt.succeeded === false ? 'error' : invoke?.attempt.succeeded === true ? 'info' : 'warning';
    const details = invoke
      ? `${audienceText(invoke.attempt, invoke.card)}: ${invoke.attempt.verdict}`
      : 'no OAuthCard with this tokenExchangeResource id was seen';
    return {
      source,
      kind: 'invoke',
      tag: 'invoke',
      activityKey: record.key,
      summary:
        `${who(record)} invoke signin/tokenExchange (id ${v?.id ?? '(none)'}, ` +
        `connectionName ${v?.connectionName ?? '(none)'}): ${details}`,
      severity,
    };
  }
  const text = a.text ? ` "${clipText(a.text)}"` : '';
  const name = a.name ? ` ${a.name}` : '';
  const attachments = a.attachments?.length ? ` [${a.attachments.map((x) => x.contentType).join(', ')}]` : '';
  return {
    source,
    kind: a.type,
    tag: 'activity',
    activityKey: record.key,
    summary: `${who(record)} ${a.type}${name}${text}${attachments}`,
    severity: 'info',
  };
}

const isInvokeSummary = (a: ActivitySummary | undefined) => !!a && isTokenExchange(a);

/**
 * Store actions worth a timeline row: connection life cycle, post results and what the user sent.
 * The rest (SET_LANGUAGE, SET_SUGGESTED_ACTIONS, notifications…) stays in the log, without a row.
 */
const ACTION_ROWS =
  /^(DIRECT_LINE\/(CONNECT(_FULFILLED|_REJECTED|_STILL_PENDING)?|DISCONNECT.*|RECONNECT.*|POST_ACTIVITY_(FULFILLED|REJECTED|IMPEDED))|WEB_CHAT\/(SEND_.*|SUBMIT_SEND_BOX|SAGA_ERROR))$/;

const OP_TEXT: Record<string, string> = {
  'post-activity': '…/activities',
  'get-activities': '…/activities',
  reconnect: 'reconnect',
  upload: 'upload',
  'generate-token': 'tokens/generate',
  'refresh-token': 'tokens/refresh',
  session: 'session/getsessionid',
  other: '',
};

/** What Web Chat rows read besides their entry. */
export interface WebChatRowContext {
  /** The activity records first seen in the entry with this seq, in order. */
  firstSeenAt(seq: number): readonly ActivityRecord[] | undefined;
  links: CardLinks;
}

/**
 * The rows of a Web Chat or Direct Line entry (isWebChatEvent): its own row, then one per activity first seen in it.
 */
export function webChatRows(entry: LogEntry, context: WebChatRowContext): TimelineRow[] {
  const e = entry.event;
  const { links } = context;
  const make = (i: number, r: RowBody): TimelineRow => ({
    id: i === 0 ? String(entry.seq) : `${entry.seq}.${i}`,
    seq: entry.seq,
    at: e.at,
    entry,
    ...r,
  });
  const rows: TimelineRow[] = [];
  switch (e.kind) {
    case 'webchat.detected': {
      const creators = e.members.filter((m) => /^create/.test(m)).join(', ') || e.members.slice(0, 8).join(', ');
      const version = e.version ? ` (Web Chat ${e.version})` : '';
      rows.push(
        make(0, {
          source: 'Web Chat',
          kind: 'Web Chat found',
          summary: `window.WebChat assigned${version}: ${creators}`,
          severity: 'info',
        }),
      );
      break;
    }
    case 'webchat.action':
      if (e.stage === 'dispatched' && ACTION_ROWS.test(e.actionType)) {
        rows.push(make(0, actionRow(e, links.attemptBySeq.get(entry.seq))));
      }
      break;
    case 'directline.post': {
      const attempt = links.attemptBySeq.get(entry.seq);
      const what = isInvokeSummary(e.activity) ? 'invoke signin/tokenExchange' : e.activity.type;
      const result =
        e.outcome === 'id'
          ? `id ${e.id}`
          : e.outcome === 'retry'
            ? "'retry'"
            : `error${e.status ? ` (HTTP ${e.status})` : ''}: ${e.error ?? ''}`;
      const severity: Severity =
        e.outcome === 'id' ? 'info' : attempt || isInvokeSummary(e.activity) ? 'error' : 'warning';
      const summary = `directLine.postActivity(${what}) → ${result} after ${formatDuration(e.elapsedMs)}`;
      rows.push(make(0, { source: 'Web Chat', kind: 'postActivity', summary, severity }));
      break;
    }
    case 'directline.http': {
      const ok = e.status !== null && e.status >= 200 && e.status < 300;
      const what = e.activity
        ? ` (${isInvokeSummary(e.activity) ? 'invoke signin/tokenExchange' : e.activity.type})`
        : '';
      const status = e.status === null ? 'failed' : String(e.status);
      const err = e.error ? `: ${e.error}` : '';
      const op =
        e.op === 'start-conversation'
          ? `conversations (conversation ${e.conversationId ?? '?'} started)`
          : (OP_TEXT[e.op] ?? e.op) || e.url;
      const severity: Severity = ok
        ? 'info'
        : isInvokeSummary(e.activity) || e.op === 'start-conversation'
          ? 'error'
          : 'warning';
      const api = e.api === 'xhr' ? 'XMLHttpRequest' : 'fetch';
      const summary = `${e.method} ${op}${what} → ${status} after ${formatDuration(e.elapsedMs)} via ${api}${err}`;
      rows.push(make(0, { source: 'Direct Line', kind: `HTTP ${e.method}`, summary, severity }));
      break;
    }
    default:
      break;
  }
  for (const record of context.firstSeenAt(entry.seq) ?? []) {
    rows.push(make(rows.length, activityRow(record, links.cardOf.get(record), links.invokeOf.get(record))));
  }
  return rows;
}

function actionRow(e: EventOf<'webchat.action'>, attempt: TokenExchangeInvoke | undefined): RowBody {
  const short = e.actionType.replace(/^(DIRECT_LINE|WEB_CHAT)\//, '');
  const cid = e.clientActivityID ?? e.activity?.clientActivityID;
  let severity: Severity = /REJECTED|IMPEDED|SAGA_ERROR/.test(e.actionType) ? 'error' : 'info';
  let note = '';
  if (attempt && e.actionType.endsWith('POST_ACTIVITY_FULFILLED') && attempt.succeeded === false) {
    severity = 'warning';
    note = ': Web Chat marked the invoke as sent, but the exchange failed';
  }
  const what = e.activity
    ? ` (${isInvokeSummary(e.activity) ? 'invoke signin/tokenExchange' : e.activity.type}${cid ? ` ${cid}` : ''})`
    : cid
      ? ` (${cid})`
      : '';
  return {
    source: 'Web Chat',
    kind: short,
    summary: `${e.actionType}${what}${e.error ? `: ${e.error}` : ''}${note}`,
    severity,
  };
}
