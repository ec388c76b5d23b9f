/**
 * The Web Chat / Direct Line model: activities seen by several layers merged into one record
 * each, and every OAuthCard with its token exchange attempts and final outcome (hidden or shown).
 * Pure; used by the panel, the headless printer and tests.
 * Wire shapes: https://learn.microsoft.com/azure/bot-service/bot-builder-webchat-sso and
 * https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-send-activity
 */
import type { ActivitySummary, EventOf, LogEntry } from '../../shared/events';
import { isTokenExchangeInvoke } from '../../shared/activity';
import { decodeJwtView } from './jwt';

/** Where an activity was seen. */
export type Layer = 'store' | 'directline-object' | 'xhr' | 'fetch' | 'websocket';

export interface Sighting {
  layer: Layer;
  entry: LogEntry;
}

/** One activity, however many layers saw it. */
export interface ActivityRecord {
  key: string;
  direction: 'in' | 'out';
  /** The most complete copy seen (the first one, completed with later ids). */
  activity: ActivitySummary;
  sightings: Sighting[];
}

type OAuth = NonNullable<NonNullable<ActivitySummary['attachments']>[number]['oauth']>;

/** A signin/tokenExchange invoke and everything known about how it went. */
export interface TokenExchangeInvoke {
  record: ActivityRecord;
  /** The HTTP POST of the invoke, when seen on the wire. */
  http?: LogEntry & { event: EventOf<'directline.http'> };
  /** The DirectLine object's postActivity() result, when seen. */
  post?: LogEntry & { event: EventOf<'directline.post'> };
  /** Web Chat's POST_ACTIVITY_FULFILLED / _REJECTED / _IMPEDED for it (store path). */
  storeResult?: LogEntry & { event: EventOf<'webchat.action'> };
  /** true: the exchange succeeded; false: it failed; undefined: not known. */
  succeeded?: boolean;
  /** One sentence on how the invoke went. */
  verdict: string;
  /** The token's `aud` claim, when the token decodes. */
  tokenAud?: string;
}

/** An OAuthCard from the bot, with its SSO attempts and what became of the card. */
export interface OAuthCardOutcome {
  record: ActivityRecord;
  oauth: OAuth;
  invokes: TokenExchangeInvoke[];
  /** The page's middleware passed the card on to be rendered (store layer), when seen. */
  passedOn?: LogEntry;
  /** Whether the store layer saw the card arrive (so its silence means "swallowed"). */
  storeSawCard: boolean;
  outcome: 'hidden' | 'shown';
  /** 'store': observed in Web Chat's store; 'inferred': from the invoke result (network capture only). */
  basis: 'store' | 'inferred';
  reason: string;
}

const ACTIVITY_ACTIONS = new Set([
  'DIRECT_LINE/INCOMING_ACTIVITY',
  'DIRECT_LINE/QUEUE_INCOMING_ACTIVITY',
  'DIRECT_LINE/POST_ACTIVITY',
  'DIRECT_LINE/POST_ACTIVITY_PENDING',
]);
const RESULT_ACTIONS = new Set([
  'DIRECT_LINE/POST_ACTIVITY_FULFILLED',
  'DIRECT_LINE/POST_ACTIVITY_REJECTED',
  'DIRECT_LINE/POST_ACTIVITY_IMPEDED',
]);

/** True for a signin/tokenExchange invoke (the rule's one home: src/shared/activity.ts isTokenExchangeInvoke). */
export const isTokenExchange = (a: ActivitySummary) => isTokenExchangeInvoke(a.type, a.name);
/** The OAuthCard content of an activity, if it carries one. */
export const oauthOf = (a: ActivitySummary): OAuth | undefined => a.attachments?.find((x) => x.oauth)?.oauth;

/** The activity sightings an entry contributes: [layer, activity, direction hint]. */
export function sightingsOf(entry: LogEntry): { layer: Layer; activity: ActivitySummary; hint: 'in' | 'out' }[] {
  const e = entry.event;
  switch (e.kind) {
    case 'webchat.action':
      if (e.stage !== 'dispatched' || !e.activity || !ACTIVITY_ACTIONS.has(e.actionType)) return [];
      return [{ layer: 'store', activity: e.activity, hint: e.actionType.includes('INCOMING') ? 'in' : 'out' }];
    case 'directline.post':
      return [
        {
          layer: 'directline-object',
          activity: e.id ? { ...e.activity, id: e.activity.id ?? e.id } : e.activity,
          hint: 'out',
        },
      ];
    case 'directline.http':
      return e.activity
        ? [
            {
              layer: e.api,
              activity: e.responseId ? { ...e.activity, id: e.activity.id ?? e.responseId } : e.activity,
              hint: 'out',
            },
          ]
        : [];
    case 'directline.activities':
      return e.activities.map((activity) => ({ layer: e.via, activity, hint: 'in' as const }));
    default:
      return [];
  }
}

/**
 * Where exactly a sighting came from: one store action type, or one event kind (a second sighting from the same source
 * is another activity).
 */
const sourceKey = (entry: LogEntry) =>
  entry.event.kind === 'webchat.action' ? entry.event.actionType : entry.event.kind;

/** A fingerprint for outgoing activities that carry neither id nor clientActivityID (a failed direct postActivity). */
const fingerprint = (a: ActivitySummary) =>
  `${a.type}|${a.name ?? ''}|${a.tokenExchange?.id ?? ''}|${a.tokenExchange?.token?.slice(-16) ?? ''}|${a.text ?? ''}`;

const NO_RECORDS: readonly ActivityRecord[] = [];

/**
 * Merges activity sightings into records entry by entry, deduplicating by activity `id` and
 * `channelData.clientActivityID` (and, for outgoing activities with neither, by content). `add`
 * costs the entry's own sightings, so a live log grows its records with each batch.
 */
export class ActivityFold {
  /** In order of first sighting. */
  readonly records: ActivityRecord[] = [];
  /** Each record's place in `records`. */
  readonly order = new Map<ActivityRecord, number>();
  private readonly byId = new Map<string, ActivityRecord>();
  private readonly byCid = new Map<string, ActivityRecord>();
  private readonly byPrint = new Map<string, ActivityRecord>();

  /** Adds one entry's sightings; returns the records it created or completed (each once). */
  add(entry: LogEntry): readonly ActivityRecord[] {
    const sightings = sightingsOf(entry);
    if (sightings.length === 0) return NO_RECORDS;
    const touched = new Set<ActivityRecord>();
    for (const { layer, activity, hint } of sightings) {
      const role = activity.from?.role;
      const direction = role === 'bot' ? 'in' : role === 'user' ? 'out' : hint;
      const anonymousOut = direction === 'out' && !activity.id && !activity.clientActivityID;
      // Content match only for outgoing activities that the record could be another copy of:
      // not when ids differ, and not when this layer already saw that record (a real duplicate post).
      const printed = direction === 'out' ? this.byPrint.get(fingerprint(activity)) : undefined;
      const printMatch =
        printed &&
        !(activity.id && printed.activity.id && activity.id !== printed.activity.id) &&
        !printed.sightings.some((x) => x.layer === layer && sourceKey(x.entry) === sourceKey(entry))
          ? printed
          : undefined;
      let record =
        (activity.id && this.byId.get(activity.id)) ||
        (activity.clientActivityID && this.byCid.get(activity.clientActivityID)) ||
        printMatch;
      if (!record) {
        const key = activity.id ?? activity.clientActivityID ?? `${fingerprint(activity)}#${entry.seq}`;
        record = { key, direction, activity, sightings: [] };
        this.order.set(record, this.records.length);
        this.records.push(record);
      } else {
        // Complete the record with ids learned later (the service assigns `id` after the POST).
        const known = record.activity;
        const id = known.id ?? activity.id;
        const clientActivityID = known.clientActivityID ?? activity.clientActivityID;
        record.activity = { ...activity, ...known, id, clientActivityID };
      }
      record.sightings.push({ layer, entry });
      if (record.activity.id) this.byId.set(record.activity.id, record);
      if (record.activity.clientActivityID) this.byCid.set(record.activity.clientActivityID, record);
      if (direction === 'out' && (anonymousOut || isTokenExchange(activity)))
        this.byPrint.set(fingerprint(activity), record);
      touched.add(record);
    }
    return [...touched];
  }
}

/**
 * Merges activity sightings into records (see ActivityFold). Returns records in order of first sighting.
 */
export function collectActivities(entries: readonly LogEntry[]): ActivityRecord[] {
  const fold = new ActivityFold();
  for (const entry of entries) fold.add(entry);
  return fold.records;
}

const ok = (status: number | null | undefined) => typeof status === 'number' && status >= 200 && status < 300;

function describeInvoke(
  inv: Omit<TokenExchangeInvoke, 'succeeded' | 'verdict'>,
): Pick<TokenExchangeInvoke, 'succeeded' | 'verdict'> {
  const status = inv.http?.event.status;
  const post = inv.post?.event;
  const store = inv.storeResult?.event;
  if (inv.http) {
    if (ok(status)) return { succeeded: true, verdict: `the bot accepted the exchange (HTTP ${status})` };
    if (status === 502) {
      const retryText = post?.outcome === 'retry' ? "; DirectLineJS turned it into 'retry'" : '';
      const sentText = store?.actionType.endsWith('FULFILLED') ? ', and Web Chat still marked the invoke as sent' : '';
      return {
        succeeded: false,
        verdict:
          'Direct Line answered 502: the bot answered non-2xx (most likely 412, ' +
          `the exchange failed)${retryText}${sentText}`,
      };
    }
    if (status === 412)
      return {
        succeeded: false,
        verdict: 'the bot answered 412: the token exchange failed (e.g. consent required or wrong audience)',
      };
    if (status === 400)
      return {
        succeeded: false,
        verdict: 'the bot answered 400: malformed invoke (missing token or connectionName mismatch)',
      };
    if (status === 501)
      return {
        succeeded: false,
        verdict: 'the bot answered 501: it does not route the invoke to its dialog (onSignInInvoke not overridden)',
      };
    if (status === null)
      return {
        succeeded: false,
        verdict: `the POST failed without a response (${inv.http.event.error ?? 'network error'})`,
      };
    return {
      succeeded: false,
      verdict: `the POST was answered ${status}${inv.http.event.error ? ` (${inv.http.event.error})` : ''}`,
    };
  }
  if (post) {
    if (post.outcome === 'id') return { succeeded: true, verdict: `postActivity returned an id (${post.id})` };
    if (post.outcome === 'retry')
      return {
        succeeded: false,
        verdict:
          "postActivity returned 'retry': Direct Line answered 5xx (on Azure, " +
          '502 when the bot answered non-2xx, most likely 412)',
      };
    return {
      succeeded: false,
      verdict: `postActivity failed${post.status ? ` with HTTP ${post.status}` : ''}: ${post.error ?? 'error'}`,
    };
  }
  if (store) {
    if (store.actionType.endsWith('REJECTED'))
      return { succeeded: false, verdict: `Web Chat rejected the post: ${store.error ?? 'error'}` };
    // FULFILLED only means "sent": Web Chat marks a 502'd invoke as sent too.
    return { succeeded: undefined, verdict: 'Web Chat marked the invoke as sent; its HTTP status was not seen' };
  }
  return { succeeded: undefined, verdict: 'the invoke was seen, but not its result' };
}

/** The Web Chat store's result actions for a posted activity. */
export const isStoreResult = (x: LogEntry): x is StoreAction =>
  x.event.kind === 'webchat.action' && RESULT_ACTIONS.has(x.event.actionType);
/** The page's activity middleware passing an activity on to be rendered. */
export const isPassedOn = (x: LogEntry): x is StoreAction =>
  x.event.kind === 'webchat.action' && x.event.stage === 'passed';
/** A record of an OAuthCard from the bot. */
export const isCardRecord = (r: ActivityRecord) => r.direction === 'in' && !!oauthOf(r.activity);
/** A record of a signin/tokenExchange invoke from the client. */
export const isInvokeRecord = (r: ActivityRecord) => r.direction === 'out' && isTokenExchange(r.activity);

type StoreAction = LogEntry & { event: EventOf<'webchat.action'> };

/**
 * What card attempts are made of: card and invoke records (in record order), and look-ups of the
 * first (in log order) store result for a clientActivityID and passed-on action for an id or clientActivityID.
 */
export interface CardInputs {
  cards: readonly ActivityRecord[];
  invokes: readonly ActivityRecord[];
  storeResultFor(clientActivityID: string): StoreAction | undefined;
  passedOnFor(ids: ReadonlySet<string>): StoreAction | undefined;
}

/** Groups OAuthCards with their invokes and decides, for each, whether it was shown or hidden, and why. */
export function collectCardAttempts(
  entries: readonly LogEntry[],
  records = collectActivities(entries),
): OAuthCardOutcome[] {
  const storeResults = entries.filter(isStoreResult);
  const passed = entries.filter(isPassedOn);
  return cardAttemptsOf({
    cards: records.filter(isCardRecord),
    invokes: records.filter(isInvokeRecord),
    storeResultFor: (cid) =>
      storeResults.find((r) => r.event.clientActivityID === cid || r.event.activity?.clientActivityID === cid),
    passedOnFor: (ids) =>
      passed.find(
        (p) => p.event.activity && (ids.has(p.event.activity.id!) || ids.has(p.event.activity.clientActivityID!)),
      ),
  });
}

/** `collectCardAttempts` from its inputs, gathered once (ActivityFold) or as a live log grows (LogIndex). */
export function cardAttemptsOf({ cards, invokes, storeResultFor, passedOnFor }: CardInputs): OAuthCardOutcome[] {
  // Pair each invoke with its card: by tokenExchangeResource.id, else the latest earlier card with the
  // same connectionName, else the latest earlier card (so a wrong id or connectionName is still diagnosed).
  const firstSeq = (r: ActivityRecord) => r.sightings[0]!.entry.seq;
  const cardOfInvoke = new Map<ActivityRecord, ActivityRecord>();
  for (const inv of invokes) {
    const v = inv.activity.tokenExchange;
    const earlier = cards.filter((c) => firstSeq(c) < firstSeq(inv));
    const match =
      cards.find((c) => !!v?.id && oauthOf(c.activity)!.tokenExchangeResource?.id === v.id) ??
      earlier.filter((c) => oauthOf(c.activity)!.connectionName === v?.connectionName).at(-1) ??
      earlier.at(-1);
    if (match) cardOfInvoke.set(inv, match);
  }
  return cards.map((card) => {
    const oauth = oauthOf(card.activity)!;
    const mine = invokes.filter((inv) => cardOfInvoke.get(inv) === card);
    const attempts: TokenExchangeInvoke[] = mine.map((record) => {
      const http = record.sightings.find((s) => s.entry.event.kind === 'directline.http')
        ?.entry as TokenExchangeInvoke['http'];
      const post = record.sightings.find((s) => s.entry.event.kind === 'directline.post')
        ?.entry as TokenExchangeInvoke['post'];
      const cid = record.activity.clientActivityID;
      const storeResult = cid ? storeResultFor(cid) : undefined;
      const token = record.activity.tokenExchange?.token;
      const view = token ? decodeJwtView(token, record.sightings[0]!.entry.event.at) : undefined;
      const aud = view?.ok ? view.payload.aud : undefined;
      const base = {
        record,
        ...(http ? { http } : {}),
        ...(post ? { post } : {}),
        ...(storeResult ? { storeResult } : {}),
        ...(typeof aud === 'string' ? { tokenAud: aud } : {}),
      };
      return { ...base, ...describeInvoke(base) };
    });
    const ids = new Set([card.activity.id, card.activity.clientActivityID].filter((x): x is string => !!x));
    const passedOn = passedOnFor(ids);
    const storeSawCard = card.sightings.some((s) => s.layer === 'store');
    const last = attempts.at(-1);
    const invokeText = last
      ? `the token exchange invoke: ${last.verdict}`
      : 'no signin/tokenExchange invoke was sent for it';
    let outcome: OAuthCardOutcome['outcome'];
    let basis: OAuthCardOutcome['basis'];
    let reason: string;
    if (!oauth.tokenExchangeResource) {
      outcome = passedOn || !storeSawCard ? 'shown' : 'hidden';
      basis = storeSawCard ? 'store' : 'inferred';
      reason =
        'the card has no tokenExchangeResource, so SSO is not possible for it (the OAuth ' +
        `connection has no Token Exchange URL)${attempts.length ? `; ${invokeText}` : ''}`;
    } else if (storeSawCard) {
      basis = 'store';
      outcome = passedOn ? 'shown' : 'hidden';
      reason = passedOn
        ? `the page's middleware passed the card on to Web Chat after ${invokeText}`
        : `the page's middleware kept the card from Web Chat; ${invokeText}`;
    } else {
      basis = 'inferred';
      outcome = last?.succeeded ? 'hidden' : 'shown';
      reason = `inferred from the network (Web Chat's store was not visible): ${invokeText}`;
    }
    return {
      record: card,
      oauth,
      invokes: attempts,
      ...(passedOn ? { passedOn } : {}),
      storeSawCard,
      outcome,
      basis,
      reason,
    };
  });
}

/** Each OAuthCard and invoke record's attempt, and the attempt each invoke's HTTP, post and store result belong to. */
export class CardLinks {
  readonly cardOf = new Map<ActivityRecord, OAuthCardOutcome>();
  readonly invokeOf = new Map<ActivityRecord, { attempt: TokenExchangeInvoke; card: OAuthCardOutcome }>();
  readonly attemptBySeq = new Map<number, TokenExchangeInvoke>();
  /** Seqs of the entries whose rows read these links. */
  readonly seqs = new Set<number>();

  constructor(cards: readonly OAuthCardOutcome[]) {
    for (const card of cards) {
      this.cardOf.set(card.record, card);
      this.seqs.add(card.record.sightings[0]!.entry.seq);
      for (const attempt of card.invokes) {
        this.invokeOf.set(attempt.record, { attempt, card });
        this.seqs.add(attempt.record.sightings[0]!.entry.seq);
        for (const e of [attempt.http, attempt.post, attempt.storeResult]) {
          if (!e) continue;
          this.attemptBySeq.set(e.seq, attempt);
          this.seqs.add(e.seq);
        }
      }
    }
  }
}
