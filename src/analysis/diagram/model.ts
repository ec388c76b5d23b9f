/**
 * The sequence diagram of one SSO attempt, as data: the participants (lanes) it involves, one arrow (or
 * note) per step of the attempt's chain, each tied to the log entry that proves it, the branch it took
 * (normal or fallback) with the step that decided it, and the time spans that rule it (the auth token
 * provider's 10 s budget, the live chat widget's ~2 s window). Pure: runs in the panel, the report and Node.
 *
 * The flows follow the SSO docs' time-sequence diagrams:
 * https://learn.microsoft.com/en-us/azure/bot-service/bot-builder-concept-sso (Bot Framework),
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/administer/configure-sso-v2 (live chat).
 */
import type { ActivitySummary, LogEntry } from '../../shared/events';
import { AUTH_PROVIDER_BUDGET_MS } from '../../shared/constants';
import type { FaultId } from '../../shared/faults';
import type { SsoAttempt, Step } from '../diagnosis/types';
import { cut, formatDuration, safeText } from '../model/format';
import { BUDGET_TEXT } from '../model/invocations';
import { lcwErrorCode } from '../model/lcwErrors';
import { WIDGET_BUS, WIDGET_DECISION_WINDOW_MS } from '../model/widgetCards';

/** The participants, in the order their lanes are drawn (left to right). */
export const LANE_ORDER = ['page', 'widget', 'transport', 'bot', 'token', 'connector'] as const;
export type LaneId = (typeof LANE_ORDER)[number];

export interface Lane {
  id: LaneId;
  /** The participant's name as the lane header shows it. */
  name: string;
}

/** One arrow (from ≠ to) or note (from = to) of the diagram. */
export interface DiagramMessage {
  from: LaneId;
  to: LaneId;
  /** Short text on the arrow or in the note (page strings included, not escaped). */
  label: string;
  /** The full text of the step it belongs to. */
  detail: string;
  /** ms from the attempt's start (its `startSeq` entry); negative for what happened just before. */
  offsetMs: number;
  /** The log entry it shows (a link to its timeline row); null when that entry is no longer in the log. */
  seq: number | null;
  /** Index of its step in `attempt.steps`. */
  step: number;
  status: Step['status'];
  /** An answer (the response to a request): drawn dashed. */
  reply: boolean;
  /** It belongs to the step that decided the branch. */
  deciding: boolean;
  /** An injected fault (Reproduce menu) changed its step: the label ends "(injected)" and it is drawn apart. */
  injected?: FaultId;
}

/** A time span that rules the attempt, drawn beside the lanes. */
export interface DiagramSpan {
  kind: 'budget' | 'window';
  label: string;
  /** ms from the attempt's start. */
  fromMs: number;
  toMs: number;
}

/**
 * Which way the attempt went: `normal` (SSO did its job: card hidden, chat authenticated), `fallback`
 * (the sign-in card was shown: the user signs in by hand), `failed` (authenticated chat failed, or the
 * card was dropped), `unknown` (undecided, or not told by the capture).
 */
export type Branch = 'normal' | 'fallback' | 'failed' | 'unknown';

export interface SequenceDiagram {
  attemptId: string;
  title: string;
  outcome: SsoAttempt['outcome'];
  branch: Branch;
  /** One line: "Fallback: the sign-in card was shown". */
  branchText: string;
  /** Only the participants this attempt involves, in LANE_ORDER. */
  lanes: Lane[];
  /** In time order (ties keep step order). */
  messages: DiagramMessage[];
  spans: DiagramSpan[];
  /** Index of the deciding step in `attempt.steps`, if one decided it. */
  decidingStep?: number;
  /** The attempt's start, ms since the Unix epoch (0 when its entry is gone). */
  startAt: number;
}

/** What the diagram reads of a log: its entries by seq (a LogIndex fits). */
export interface EntrySource {
  entryAt(seq: number): LogEntry | undefined;
}

/** One part of an entry: a request and its answer are two parts. `at`: ms since the Unix epoch. */
interface Part {
  from: LaneId;
  to: LaneId;
  label: string;
  at: number;
  reply?: boolean;
}

const BRANCH_TEXT: Record<Branch, string> = {
  normal: 'Normal path',
  fallback: 'Fallback: the sign-in card was shown',
  failed: 'Failed',
  unknown: 'Undecided',
};

/** The widget's decision window as text: "~2 s". */
export const WINDOW_TEXT = `~${WIDGET_DECISION_WINDOW_MS / 1000} s`;

/** Bounded label text of a page value. */
const text = (value: unknown, max = 48) => safeText(value, max);

/** A URL path's last segment that is not an id (the endpoint's name). */
function endpointName(endpoint: string): string {
  const names = endpoint.split('/').filter((x) => x && !/^[0-9a-f-]{16,}$/i.test(x));
  return names.at(-1) ?? endpoint;
}

function status(code: number | null, error?: string): string {
  return code === null ? (error ? `failed: ${text(error, 40)}` : 'no response') : String(code);
}

/** A finished request: its start (`at`) and its answer (`at + elapsedMs`). */
function request(from: LaneId, to: LaneId, label: string, at: number, elapsedMs: number, answer: string): Part[] {
  const end = at + (Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs) : 0);
  return [
    { from, to, label, at },
    { from: to, to: from, label: answer, at: end, reply: true },
  ];
}

/** The activity of a Direct Line entry worth naming: the OAuthCard first, else the first one. */
function mainActivity(activities: readonly ActivitySummary[]): ActivitySummary | undefined {
  return activities.find((a) => a.attachments?.some((x) => x.oauth)) ?? activities[0];
}

function activityName(a: { type: string; name?: string | undefined } | undefined): string {
  if (!a) return 'activity';
  return text(a.name ?? a.type, 40);
}

/**
 * The parts (arrows) an entry stands for, between the participants it names. A Direct Line stream
 * carries what the bot sent; the token POST goes from the page's provider to the token service; the
 * widget's bus traffic is between the widget and the page side (its scripting layer and the page's providers).
 */
function partsOf(entry: LogEntry): Part[] {
  const e = entry.event;
  const at = e.at;
  switch (e.kind) {
    case 'provider.invoke': {
      const label =
        e.role === 'bot'
          ? 'botAuthTokenProvider(sasUrl, callback)'
          : e.source === 'client-function'
            ? `${text(e.functionName ?? 'auth client function')}()`
            : 'authTokenProvider(callback)';
      return [{ from: 'widget', to: 'page', label, at }];
    }
    case 'provider.callback': {
      let value: string;
      if (e.role === 'bot') value = `{show: ${text(e.show, 20)}}`;
      else if (typeof e.token === 'string') value = e.token === '' ? 'empty string' : 'token';
      else value = text(e.valueType, 20);
      const how =
        e.via === 'promise' ? `resolves ${value}` : e.via === 'return' ? `returns ${value}` : `callback(${value})`;
      return [{ from: 'page', to: 'widget', label: how, at, reply: true }];
    }
    case 'provider.end': {
      const what =
        e.outcome === 'threw' || e.outcome === 'rejected'
          ? `${e.outcome} ${text(e.error?.name ?? 'error', 30)}`
          : `${e.outcome}${e.calledBack ? '' : ' (no callback)'}`;
      return [{ from: 'page', to: 'widget', label: what, at, reply: true }];
    }
    case 'budget.exceeded':
      return [{ from: 'page', to: 'page', label: `${BUDGET_TEXT} budget passed, no callback`, at }];
    case 'lcw.event': {
      const code = e.name === 'lcw:error' ? lcwErrorCode(e.detail) : undefined;
      return [{ from: 'widget', to: 'page', label: `${text(e.name, 40)}${code === undefined ? '' : ` ${code}`}`, at }];
    }
    case 'sdk.call':
      return [{ from: 'page', to: 'widget', label: `${text(e.method, 40)}()`, at }];
    case 'sdk.settled':
      return [{ from: 'widget', to: 'page', label: `${text(e.method, 40)}() ${e.outcome}`, at, reply: true }];
    case 'bus.message': {
      const name = text(e.eventName ?? 'bus message', 40);
      if (e.eventName === WIDGET_BUS.signInCardReceived || e.eventName === WIDGET_BUS.configRequest)
        return [{ from: 'widget', to: 'page', label: name, at }];
      if (e.eventName === WIDGET_BUS.configResponse) {
        const p = e.payload;
        const response =
          p && typeof p === 'object' && !Array.isArray(p) && Object.hasOwn(p, 'response') ? p.response : undefined;
        return [{ from: 'page', to: 'widget', label: `${name} {response: ${text(response, 20)}}`, at, reply: true }];
      }
      return [{ from: 'widget', to: 'widget', label: name, at }];
    }
    case 'adapter.activity':
      if (e.stage === 'held') return [{ from: 'bot', to: 'widget', label: 'sign-in card (held back)', at }];
      if (e.stage === 'passed') return [{ from: 'widget', to: 'widget', label: 'card passed on to Web Chat', at }];
      return [{ from: 'widget', to: 'widget', label: `activity stream failed`, at }];
    case 'net.request':
      if (e.purpose === 'gettesturl')
        return request(
          'widget',
          'token',
          `${text(e.method, 8)} gettesturl`,
          at,
          e.elapsedMs,
          status(e.status, e.error),
        );
      return request(
        'page',
        'token',
        `${text(e.method, 8)} token to sasUrl`,
        at,
        e.elapsedMs,
        status(e.status, e.error),
      );
    case 'omnichannel.http':
      return request(
        'widget',
        'connector',
        `${text(e.method, 8)} ${text(endpointName(e.endpoint), 30)}${e.authenticatedUserToken ? ' + token' : ''}`,
        at,
        e.elapsedMs,
        status(e.status, e.error),
      );
    case 'directline.http': {
      const what =
        e.op === 'post-activity' ? `POST activity (${activityName(e.activity)})` : `${text(e.method, 8)} ${e.op}`;
      return request('widget', 'transport', what, at, e.elapsedMs, status(e.status, e.error));
    }
    case 'directline.post': {
      const answer =
        e.outcome === 'id' ? 'id' : e.outcome === 'retry' ? "'retry'" : `error${e.status ? ` ${e.status}` : ''}`;
      return request('page', 'transport', `postActivity(${activityName(e.activity)})`, at, e.elapsedMs, answer);
    }
    case 'directline.activities': {
      const a = mainActivity(e.activities);
      const card = a?.attachments?.find((x) => x.oauth)?.oauth;
      if (card)
        return [
          { from: 'bot', to: 'widget', label: `OAuthCard (${text(card.connectionName ?? 'no connection', 30)})`, at },
        ];
      if (a?.from?.role === 'bot') return [{ from: 'bot', to: 'widget', label: activityName(a), at }];
      return [{ from: 'transport', to: 'widget', label: `${activityName(a)} (echo)`, at }];
    }
    case 'webchat.action': {
      const type = text(e.actionType, 40);
      if (e.stage === 'passed') return [{ from: 'page', to: 'widget', label: 'next(card): passed on', at }];
      if (/INCOMING_ACTIVITY|_FULFILLED$|_REJECTED$/.test(e.actionType))
        return [{ from: 'transport', to: 'widget', label: type, at }];
      return [{ from: 'page', to: 'widget', label: `dispatch ${type}`, at }];
    }
    case 'fault.applied': {
      // A note on the lane whose answer or callback the hook replaced.
      const lane = FAULT_LANE[e.fault];
      return [{ from: lane, to: lane, label: `⚡ ${text(e.action, 60)}`, at }];
    }
    default:
      return [{ from: 'page', to: 'page', label: text(e.kind, 40), at }];
  }
}

/** The lane where each fault acts. */
const FAULT_LANE: Record<FaultId, LaneId> = {
  'auth-delay': 'page',
  'auth-fail': 'page',
  'bot-auth-delay': 'page',
  'post-token-status': 'token',
  'exchange-502': 'transport',
  'strip-exchange-resource': 'transport',
};

/** What an injected step's label ends with. */
export const INJECTED_SUFFIX = ' (injected)';

/** The lane a step's note goes to when it has no entry of its own to draw. */
const HOME_LANE: Record<SsoAttempt['kind'], LaneId> = {
  'auth-provider': 'widget',
  'bot-signin': 'widget',
  oauthcard: 'widget',
};

/** Which branch an outcome is. */
export function branchOf(outcome: SsoAttempt['outcome']): Branch {
  switch (outcome) {
    case 'card hidden':
    case 'chat authenticated':
      return 'normal';
    case 'card shown':
      return 'fallback';
    case 'chat failed':
    case 'card dropped':
      return 'failed';
    default:
      return 'unknown';
  }
}

/** The participants' names for an attempt: the widget lane is Web Chat for an OAuthCard. */
function laneName(id: LaneId, kind: SsoAttempt['kind']): string {
  switch (id) {
    case 'page':
      return 'Host page code';
    case 'widget':
      return kind === 'oauthcard' ? 'Web Chat' : 'Live chat widget';
    case 'transport':
      return 'Direct Line';
    case 'bot':
      return 'Bot';
    case 'token':
      return 'Token service';
    case 'connector':
      return 'livechatconnector';
  }
}

/**
 * The step that decided the branch: on the normal path, the last successful step shown as an arrow
 * (the confirmation: the bot accepted the exchange, the widget got {show: false}, the chat was queued);
 * otherwise the first failed step (the cause the attempt's sentence names). None when nothing failed
 * and the attempt did not succeed.
 */
function decidingStepOf(attempt: SsoAttempt, branch: Branch, arrowSteps: ReadonlySet<number>): number | undefined {
  const steps = attempt.steps;
  if (branch === 'normal') {
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.status === 'ok' && arrowSteps.has(i)) return i;
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.status === 'ok') return i;
    return undefined;
  }
  const i = steps.findIndex((s) => s.status === 'fail');
  return i < 0 ? undefined : i;
}

/**
 * The sequence diagram of `attempt`, read from `log` (the entries its steps cite). Each step gives at
 * least one message: the arrows of the entries it cites first; a request whose answer a later step
 * tells leaves that answer to it; a step whose entries are already drawn gives a note. Never throws on
 * odd entries (labels are bounded page text); an entry the log no longer holds gives a note saying so.
 */
export function diagramOf(attempt: SsoAttempt, log: EntrySource): SequenceDiagram {
  const startEntry = log.entryAt(attempt.startSeq);
  const steps = attempt.steps;
  const consumed = new Map<number, number>();
  const partsCache = new Map<number, Part[]>();
  const parts = (entry: LogEntry) => {
    let p = partsCache.get(entry.seq);
    if (!p) partsCache.set(entry.seq, (p = partsOf(entry)));
    return p;
  };
  const drafts: (Omit<DiagramMessage, 'offsetMs' | 'deciding'> & { at: number | null })[] = [];
  const arrowSteps = new Set<number>();
  steps.forEach((step, i) => {
    const seqs = [...new Set(step.evidence)];
    const detail = safeText(step.text, 600);
    let drew = false;
    let anchor: { lane: LaneId; at: number; seq: number } | undefined;
    seqs.forEach((seq, j) => {
      const entry = log.entryAt(seq);
      if (!entry) return;
      const all = parts(entry);
      const used = consumed.get(seq) ?? 0;
      const last = all[Math.min(used, all.length) - 1] ?? all[0]!;
      anchor ??= { lane: last.to, at: last.at, seq };
      if (used >= all.length) return;
      const toldLater = steps.slice(i + 1).some((s) => s.evidence.includes(seq));
      const take = j === 0 && toldLater && all.length - used > 1 ? 1 : all.length - used;
      for (const p of all.slice(used, used + take)) {
        drafts.push({ ...p, reply: !!p.reply, detail, seq, step: i, status: step.status });
        if (p.from !== p.to) arrowSteps.add(i);
      }
      consumed.set(seq, used + take);
      drew = true;
    });
    if (drew) return;
    // Nothing of its own to draw: a note where its entry was drawn (or, gone from the log, where the chain is).
    drafts.push({
      from: anchor?.lane ?? HOME_LANE[attempt.kind],
      to: anchor?.lane ?? HOME_LANE[attempt.kind],
      label: anchor ? detail : `(event no longer in the log) ${detail}`,
      detail,
      at: anchor?.at ?? null,
      seq: anchor?.seq ?? null,
      step: i,
      status: step.status,
      reply: false,
    });
  });
  const known = drafts.filter((d) => d.at !== null).map((d) => d.at!);
  const startAt = startEntry?.event.at ?? (known.length ? Math.min(...known) : 0);
  // A note without a time goes after the message before it.
  let previous = startAt;
  const timed = drafts.map((d, order) => {
    const at = d.at ?? previous;
    previous = at;
    return { ...d, at, order };
  });
  timed.sort((a, b) => a.at - b.at || a.order - b.order);
  const branch = branchOf(attempt.outcome);
  const decidingStep = decidingStepOf(attempt, branch, arrowSteps);
  const messages: DiagramMessage[] = timed.map(({ at, order: _order, ...d }) => {
    const injected = steps[d.step]?.injected;
    const message: DiagramMessage = {
      ...d,
      label: injected ? `${cut(d.label, 120 - INJECTED_SUFFIX.length)}${INJECTED_SUFFIX}` : cut(d.label, 120),
      offsetMs: at - startAt,
      deciding: d.step === decidingStep,
    };
    if (injected) message.injected = injected;
    return message;
  });
  const used = new Set<LaneId>(messages.flatMap((m) => [m.from, m.to]));
  return {
    attemptId: attempt.id,
    title: safeText(attempt.title, 160),
    outcome: attempt.outcome,
    branch,
    branchText: BRANCH_TEXT[branch],
    lanes: LANE_ORDER.filter((id) => used.has(id)).map((id) => ({ id, name: laneName(id, attempt.kind) })),
    messages,
    spans: spansOf(attempt, log, startAt),
    ...(decidingStep === undefined ? {} : { decidingStep }),
    startAt,
  };
}

/**
 * The spans that rule an attempt: the auth token provider's budget from its invocation
 * (AUTH_PROVIDER_BUDGET_MS); for a bot sign-in card the widget asked about, its decision window
 * (WIDGET_DECISION_WINDOW_MS) from the card (LCW v2: the card held back), else from the provider's invocation.
 */
function spansOf(attempt: SsoAttempt, log: EntrySource, startAt: number): DiagramSpan[] {
  const cited = attempt.steps.flatMap((s) => s.evidence).map((seq) => log.entryAt(seq));
  const invoke = cited.find((x) => x?.event.kind === 'provider.invoke');
  if (attempt.kind === 'auth-provider' && invoke) {
    const from = invoke.event.at - startAt;
    return [{ kind: 'budget', label: `${BUDGET_TEXT} budget`, fromMs: from, toMs: from + AUTH_PROVIDER_BUDGET_MS }];
  }
  if (attempt.kind !== 'bot-signin') return [];
  const asked = cited.some((x) => x?.event.kind === 'bus.message' && x.event.eventName === WIDGET_BUS.configRequest);
  if (!invoke && !asked) return [];
  // LCW v2 counts from the card it holds back (the attempt's start); the page-side story from the invocation.
  const from = attempt.id.startsWith('widget:') || !invoke ? 0 : invoke.event.at - startAt;
  return [
    { kind: 'window', label: `${WINDOW_TEXT} widget window`, fromMs: from, toMs: from + WIDGET_DECISION_WINDOW_MS },
  ];
}

/** "+12.3 ms", "+2.64 s", "−0.4 ms": a message's offset from the attempt's start. */
export function offsetText(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${formatDuration(Math.abs(ms))}`;
}
