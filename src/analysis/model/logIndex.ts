/**
 * One log, indexed as it grows: its provider invocations, activity records, OAuthCard attempts, the
 * widget's sign-in cards and their invocations, and its entries by kind. The timeline (rows/timeline.ts)
 * and the diagnosis (diagnosis/model.ts) read it; the live panel keeps one per tab.
 *
 * Cost: `append` is amortised O(batch): each entry goes through the resumable folds once. What is
 * derived from the whole log is small and recomputed only when a batch touches it: card attempts
 * (OAuthCards × their invokes) and the widget cards' invocations (cards × bot invocations).
 * `update` of a counted entry (relay.rejected, log.dropped) is O(log n); any other update, and a trim
 * that leaves more than a quarter of the entries dropped, rebuilds the index (rare: amortised O(1) per entry).
 *
 * Each change records which entries' timeline rows may now read differently (`takeDirty`): those
 * appended since, and the seqs of older ones a later entry changed; the timeline recomputes only those rows.
 */
import { faultOfEvent, type EventOf, type LogEntry } from '../../shared/events';
import { InvocationFold, type Invocation } from './invocations';
import {
  ActivityFold,
  CardLinks,
  cardAttemptsOf,
  isCardRecord,
  isInvokeRecord,
  isPassedOn,
  isStoreResult,
  type ActivityRecord,
  type OAuthCardOutcome,
} from './webchat';
import { isWidgetCardEntry, linkCardInvocations, WidgetCardFold, type WidgetCard } from './widgetCards';

type Kind = LogEntry['event']['kind'];
/** A log entry of one event kind. */
export type Entry<K extends Kind> = LogEntry & { event: EventOf<K> };
type StoreAction = Entry<'webchat.action'>;

/** Entries whose event a background counter changes in place (same seq, same place); only their own row reads them. */
const COUNTED_KINDS: ReadonlySet<Kind> = new Set<Kind>(['relay.rejected', 'log.dropped']);

/** A trim rebuilds the index once the entries dropped but still indexed are more than this share of those kept. */
const DEAD_SHARE = 0.25;
/** …and more than this many (small logs keep their few dropped entries until they grow). */
const DEAD_MIN = 1_000;

/** Index of the first element of the seq-sorted `list` whose seq is ≥ `seq`. */
export function lowerBoundSeq(list: readonly { seq: number }[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class LogIndex {
  /** The entries, in seq order; those before `liveFrom` were dropped by the background and wait for a rebuild. */
  entries: LogEntry[] = [];
  /** Changes with every change of the log. */
  version = 0;
  /** Changes when the index is rebuilt from scratch (what is cached per entry must be rebuilt too). */
  generation = 0;
  /** Seq of the first entry the log still keeps. */
  liveFrom = 0;
  /** Seq of the first top-frame hook.installed: later ones mark navigations. */
  firstTopSeq: number | undefined;
  /** The latest event time, ms since the Unix epoch (0 for an empty log). */
  lastAt = 0;

  private invocationFold = new InvocationFold();
  private activityFold = new ActivityFold();
  private widgetFold = new WidgetCardFold();
  private byKind = new Map<Kind, LogEntry[]>();
  /** `sdk.call` entries by SDK method name: checks ask for one method, and a busy page makes thousands of calls. */
  private bySdkMethod = new Map<string, Entry<'sdk.call'>[]>();
  /** Entries an injected fault marked (`fault`), in log order: checks need them, and most logs have none. */
  private marked: LogEntry[] = [];
  private firstSeen = new Map<number, ActivityRecord[]>();
  /** Seqs of the provider.invoke entries of each invocationId, and of all its invoke, callback and end entries. */
  private invokeSeqs = new Map<string, number[]>();
  private providerSeqs = new Map<string, number[]>();
  /** Auth invocations without a callback: their rows change with the clock. */
  private waitingAuth = new Set<string>();
  private cardRecords = new Set<ActivityRecord>();
  private invokeRecords = new Set<ActivityRecord>();
  private storeResultByCid = new Map<string, StoreAction>();
  private passedById = new Map<string, StoreAction>();
  private attempts: OAuthCardOutcome[] = [];
  /** Card attempts and widget-card links to recompute before the next read. */
  private cardsStale = false;
  private linksStale = false;
  private links = new CardLinks([]);
  private widgetLinks = new Map<string, Invocation>();
  private widgetCardByInvocation = new Map<string, WidgetCard>();
  private dirty = new Set<number>();
  /** Entries from this index on were appended since the last `takeDirty`. */
  private untaken = 0;

  /** An index of `entries` (seq-sorted). */
  static of(entries: readonly LogEntry[]): LogIndex {
    const index = new LogIndex();
    index.append(entries);
    return index;
  }

  /** Adds entries newer than the last one (older or repeated seqs are ignored). */
  append(batch: readonly LogEntry[]): void {
    let added = false;
    for (const entry of batch) {
      const last = this.entries.at(-1);
      if (last && entry.seq <= last.seq) continue;
      this.entries.push(entry);
      this.add(entry);
      added = true;
    }
    if (added) this.changed();
  }

  /**
   * Replaces the entry with `entry`'s seq (a coalesced counter changed); unknown seqs are ignored.
   * Throws nothing; an update the index cannot apply in place rebuilds it.
   */
  update(entry: LogEntry): void {
    const i = lowerBoundSeq(this.entries, entry.seq);
    const old = this.entries[i];
    if (!old || old.seq !== entry.seq || old === entry) return;
    this.entries[i] = entry;
    if (COUNTED_KINDS.has(old.event.kind) && old.event.kind === entry.event.kind) {
      const list = this.byKind.get(old.event.kind)!;
      list[lowerBoundSeq(list, entry.seq)] = entry;
      // The latest time may have been this entry's own (rare: scan again).
      this.lastAt =
        old.event.at === this.lastAt
          ? this.entries.reduce((max, x) => Math.max(max, x.event.at), 0)
          : Math.max(this.lastAt, entry.event.at);
      this.dirty.add(entry.seq);
      this.changed();
    } else {
      this.rebuild(this.entries);
    }
  }

  /** Drops the entries before `firstSeq` (the background no longer keeps them). */
  trimTo(firstSeq: number): void {
    if (firstSeq <= this.liveFrom) return;
    this.liveFrom = firstSeq;
    const dead = lowerBoundSeq(this.entries, firstSeq);
    if (dead > DEAD_MIN && dead > (this.entries.length - dead) * DEAD_SHARE) this.rebuild(this.entries.slice(dead));
    else this.changed();
  }

  /** Empties the index. */
  clear(): void {
    this.liveFrom = 0;
    this.rebuild([]);
  }

  /** Whether some entries before `liveFrom` are still indexed. */
  get hasDropped(): boolean {
    return (this.entries[0]?.seq ?? Infinity) < this.liveFrom;
  }

  get invocations(): ReadonlyMap<string, Invocation> {
    return this.invocationFold.map;
  }

  /** Activity records, in order of first sighting. */
  get records(): readonly ActivityRecord[] {
    return this.activityFold.records;
  }

  /** OAuthCards with their token exchange attempts. */
  get cardAttempts(): readonly OAuthCardOutcome[] {
    this.settle();
    return this.attempts;
  }

  /** Each card and invoke record's attempt. */
  get cardLinks(): CardLinks {
    this.settle();
    return this.links;
  }

  /** The widget's sign-in cards as of `nowMs` (ms since the Unix epoch). */
  widgetCards(nowMs: number): WidgetCard[] {
    return this.widgetFold.cards(nowMs);
  }

  /** The bot auth token provider invocation made for each widget card, by card id. */
  get cardInvocations(): ReadonlyMap<string, Invocation> {
    this.settle();
    return this.widgetLinks;
  }

  /** The widget card a bot auth token provider invocation was made for. */
  widgetCardOf(invocationId: string): WidgetCard | undefined {
    this.settle();
    return this.widgetCardByInvocation.get(invocationId);
  }

  /** The `sdk.call` entries of one SDK method (e.g. `setAuthTokenProvider`), in log order. */
  sdkCallsOf(method: string): readonly Entry<'sdk.call'>[] {
    return this.bySdkMethod.get(method) ?? [];
  }

  /** Entries of one kind, in log order (the index's own list: read it, never change it). */
  ofKind<K extends Kind>(kind: K): readonly Entry<K>[] {
    return (this.byKind.get(kind) ?? []) as Entry<K>[];
  }

  /** The entries an injected fault marked (their `fault` field), in log order (read it, never change it). */
  get faultMarked(): readonly LogEntry[] {
    return this.marked;
  }

  /** The activity records first seen in the entry with this seq. */
  firstSeenAt(seq: number): readonly ActivityRecord[] | undefined {
    return this.firstSeen.get(seq);
  }

  /** The entry with this seq. */
  entryAt(seq: number): LogEntry | undefined {
    const entry = this.entries[lowerBoundSeq(this.entries, seq)];
    return entry?.seq === seq ? entry : undefined;
  }

  /**
   * What changed since the last call, for the caller to recompute: `from`, the index of the first
   * entry appended since (all after it are new too), and `seqs`, older entries whose rows may read
   * differently (it may also name new ones).
   */
  takeDirty(): { from: number; seqs: Set<number> } {
    this.settle();
    const taken = { from: this.untaken, seqs: this.dirty };
    this.dirty = new Set();
    this.untaken = this.entries.length;
    return taken;
  }

  /** Seqs of the entries whose rows depend on the clock: invokes of auth token providers still waiting. */
  clockSeqs(): number[] {
    return [...this.waitingAuth].flatMap((id) => this.invokeSeqs.get(id) ?? []);
  }

  private changed(): void {
    this.version++;
  }

  private rebuild(entries: readonly LogEntry[]): void {
    const { liveFrom, version, generation } = this;
    Object.assign(this, new LogIndex());
    this.generation = generation + 1;
    this.version = version;
    this.liveFrom = liveFrom;
    this.append(entries);
    this.changed();
  }

  private add(entry: LogEntry): void {
    const e = entry.event;
    const seq = entry.seq;
    this.lastAt = Math.max(this.lastAt, e.at);
    const list = this.byKind.get(e.kind);
    if (list) list.push(entry);
    else this.byKind.set(e.kind, [entry]);
    if (e.kind === 'sdk.call') {
      const calls = this.bySdkMethod.get(e.method);
      if (calls) calls.push(entry as Entry<'sdk.call'>);
      else this.bySdkMethod.set(e.method, [entry as Entry<'sdk.call'>]);
    }
    if (faultOfEvent(e)) this.marked.push(entry);
    if (e.kind === 'hook.installed' && e.top && entry.frameId === 0) this.firstTopSeq ??= seq;
    this.addInvocationEntry(entry);
    for (const record of this.activityFold.add(entry)) this.recordTouched(record, entry);
    if (isStoreResult(entry)) this.addStoreResult(entry);
    if (isPassedOn(entry)) this.addPassedOn(entry);
    if (isWidgetCardEntry(entry)) {
      this.widgetFold.add(entry);
      this.linksStale = true;
    }
  }

  private addInvocationEntry(entry: LogEntry): void {
    const e = entry.event;
    const id = this.invocationFold.add(entry);
    if (id === undefined) return;
    if (e.kind === 'provider.invoke' || e.kind === 'provider.callback' || e.kind === 'provider.end')
      pushTo(this.providerSeqs, id, entry.seq);
    if (e.kind === 'provider.invoke') {
      // A new invocation (or one that replaces its id's): every row of that id reads it.
      pushTo(this.invokeSeqs, id, entry.seq);
      for (const seq of this.providerSeqs.get(id) ?? []) this.dirty.add(seq);
      if (e.role === 'auth') this.waitingAuth.add(id);
      else {
        this.waitingAuth.delete(id);
        this.linksStale = true;
      }
      return;
    }
    const inv = this.invocationFold.map.get(id);
    if (!inv) return;
    // The invoke rows say how the invocation went (first callback, end, budget flag).
    for (const seq of this.invokeSeqs.get(id) ?? []) this.dirty.add(seq);
    if (inv.callbacks.length > 0) this.waitingAuth.delete(id);
  }

  private recordTouched(record: ActivityRecord, entry: LogEntry): void {
    const first = record.sightings[0]!.entry;
    this.dirty.add(first.seq);
    if (first === entry) pushTo(this.firstSeen, entry.seq, record);
    const card = isCardRecord(record);
    const invoke = isInvokeRecord(record);
    if (card || invoke || this.cardRecords.has(record) || this.invokeRecords.has(record)) this.cardsStale = true;
    toggle(this.cardRecords, record, card);
    toggle(this.invokeRecords, record, invoke);
  }

  private addStoreResult(entry: StoreAction): void {
    for (const cid of [entry.event.clientActivityID, entry.event.activity?.clientActivityID]) {
      if (!cid || this.storeResultByCid.has(cid)) continue;
      this.storeResultByCid.set(cid, entry);
      for (const record of this.invokeRecords) if (record.activity.clientActivityID === cid) this.cardsStale = true;
    }
  }

  private addPassedOn(entry: StoreAction): void {
    const activity = entry.event.activity;
    if (!activity) return;
    for (const id of [activity.id, activity.clientActivityID]) {
      if (!id || this.passedById.has(id)) continue;
      this.passedById.set(id, entry);
      for (const record of this.cardRecords)
        if (record.activity.id === id || record.activity.clientActivityID === id) this.cardsStale = true;
    }
  }

  /** Recomputes what a batch made stale, and marks the rows that read it. */
  private settle(): void {
    if (this.cardsStale) {
      this.cardsStale = false;
      const order = this.activityFold.order;
      const byOrder = (a: ActivityRecord, b: ActivityRecord) => order.get(a)! - order.get(b)!;
      this.attempts = cardAttemptsOf({
        cards: [...this.cardRecords].sort(byOrder),
        invokes: [...this.invokeRecords].sort(byOrder),
        storeResultFor: (cid) => this.storeResultByCid.get(cid),
        passedOnFor: (ids) => firstInLog([...ids].map((id) => this.passedById.get(id))),
      });
      const before = this.links;
      this.links = new CardLinks(this.attempts);
      for (const seq of before.seqs) this.dirty.add(seq);
      for (const seq of this.links.seqs) this.dirty.add(seq);
    }
    if (this.linksStale) {
      this.linksStale = false;
      const before = this.widgetCardByInvocation;
      this.widgetLinks = linkCardInvocations(this.widgetFold.list, [...this.invocationFold.map.values()]);
      const byId = new Map(this.widgetFold.list.map((card) => [card.id, card]));
      this.widgetCardByInvocation = new Map(
        [...this.widgetLinks].map(([cardId, inv]) => [inv.invocationId, byId.get(cardId)!]),
      );
      for (const id of new Set([...before.keys(), ...this.widgetCardByInvocation.keys()])) {
        for (const seq of this.providerSeqs.get(id) ?? []) this.dirty.add(seq);
      }
    }
  }
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function toggle<T>(set: Set<T>, value: T, on: boolean): void {
  if (on) set.add(value);
  else set.delete(value);
}

/** The entry that came first in the log, of those given. */
function firstInLog<T extends LogEntry>(candidates: (T | undefined)[]): T | undefined {
  let first: T | undefined;
  for (const c of candidates) if (c && (!first || c.seq < first.seq)) first = c;
  return first;
}
