/**
 * Groups a tab's log into provider invocations (auth token provider and bot auth
 * token provider), each with its callbacks, end, budget flag and the POSTs it made.
 * Pure: used by the panel, the headless printer and tests.
 */
import { AUTH_PROVIDER_BUDGET_MS } from '../../shared/constants';
import type { EventOf, LogEntry } from '../../shared/events';

export interface Invocation {
  invocationId: string;
  role: 'auth' | 'bot';
  invoke: LogEntry & { event: EventOf<'provider.invoke'> };
  callbacks: (LogEntry & { event: EventOf<'provider.callback'> })[];
  end?: LogEntry & { event: EventOf<'provider.end'> };
  /** The background's 10 s flag, when raised. */
  budgetFlag?: LogEntry & { event: EventOf<'budget.exceeded'> };
  /** POSTs to this invocation's botTokenUrl. */
  requests: (LogEntry & { event: EventOf<'net.request'> })[];
}

/** Where an invocation stands against the budget. */
export type BudgetStatus =
  | { state: 'within'; elapsedMs: number }
  | { state: 'waiting'; elapsedMs: number }
  | { state: 'over'; elapsedMs: number; calledBack: true }
  | { state: 'over'; elapsedMs: number; calledBack: false };

/**
 * Collects invocations entry by entry (in log order): `add` costs O(1), so a live log grows its
 * invocations with each batch. Entries of unknown invocations are ignored.
 */
export class InvocationFold {
  /** By invocationId, in order of first invoke. */
  readonly map = new Map<string, Invocation>();

  /** Adds one entry; returns the invocationId it names (linked or not), if any. */
  add(entry: LogEntry): string | undefined {
    const e = entry.event;
    if (e.kind === 'provider.invoke') {
      const invoke = entry as Invocation['invoke'];
      this.map.set(e.invocationId, { invocationId: e.invocationId, role: e.role, invoke, callbacks: [], requests: [] });
      return e.invocationId;
    }
    const id = 'invocationId' in e ? e.invocationId : undefined;
    const inv = id ? this.map.get(id) : undefined;
    if (!inv) return id;
    if (e.kind === 'provider.callback') inv.callbacks.push(entry as Invocation['callbacks'][number]);
    else if (e.kind === 'provider.end') inv.end = entry as Invocation['end'];
    else if (e.kind === 'budget.exceeded') inv.budgetFlag = entry as Invocation['budgetFlag'];
    else if (e.kind === 'net.request') inv.requests.push(entry as Invocation['requests'][number]);
    return id;
  }
}

/** Collects invocations from log entries (in log order). Entries of unknown invocations are ignored. */
export function collectInvocations(entries: readonly LogEntry[]): Map<string, Invocation> {
  const fold = new InvocationFold();
  for (const entry of entries) fold.add(entry);
  return fold.map;
}

/** The budget as sentences say it: "10 s" (AUTH_PROVIDER_BUDGET_MS). */
export const BUDGET_TEXT = `${AUTH_PROVIDER_BUDGET_MS / 1000} s`;

/** Whether an auth callback after `elapsedMs` (ms since the invocation) came over the budget. */
export const isOverBudget = (elapsedMs: number, limitMs = AUTH_PROVIDER_BUDGET_MS): boolean => elapsedMs > limitMs;

/**
 * The budget status of an auth invocation at `nowMs` (ms since the Unix epoch). An invocation
 * without a callback is "over" once `limitMs` have passed, even if no flag was logged yet (the
 * panel ticks while something is waiting, so the mark appears on time even if the worker sleeps).
 */
export function budgetStatus(inv: Invocation, nowMs: number, limitMs = AUTH_PROVIDER_BUDGET_MS): BudgetStatus {
  const first = inv.callbacks[0];
  if (first) {
    const elapsedMs = first.event.elapsedMs;
    return isOverBudget(elapsedMs, limitMs) || inv.budgetFlag
      ? { state: 'over', elapsedMs, calledBack: true }
      : { state: 'within', elapsedMs };
  }
  const elapsedMs = nowMs - inv.invoke.event.at;
  return elapsedMs >= limitMs || inv.budgetFlag
    ? { state: 'over', elapsedMs, calledBack: false }
    : { state: 'waiting', elapsedMs };
}

/**
 * What the page function behind an invocation is called in sentences: "auth token provider",
 * "bot auth token provider", or "auth client function auth.getAuthenticationToken" (the function the
 * widget's configuration names, `msdyn_javascriptclientfunction`).
 */
export function providerLabel(inv: Pick<Invocation, 'role' | 'invoke'>): string {
  const e = inv.invoke.event;
  if (e.source === 'client-function') return `auth client function ${e.functionName ?? ''}`.trim();
  return inv.role === 'auth' ? 'auth token provider' : 'bot auth token provider';
}

/** `providerLabel` with a capital first letter, to start a sentence. */
export function ProviderLabel(inv: Pick<Invocation, 'role' | 'invoke'>): string {
  const label = providerLabel(inv);
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/**
 * What the token service's answer to the POST of the token to botTokenUrl (the card's sasUrl) means:
 * 200 signed in, 202 and 404 already signed in (the card should be hidden); any other status, or no
 * response (null), the card should be shown.
 * https://github.com/microsoft/omnichannel-chat-sdk/blob/main/docs/scenarios/SINGLE_SIGN_ON_FOR_BOTS.md
 */
export type TokenPostMeaning = 'signed-in' | 'already-signed-in' | 'not-signed-in' | 'no-response';

/** The meaning of a token POST's HTTP status (null or undefined: no response). */
export function tokenPostMeaning(status: number | null | undefined): TokenPostMeaning {
  if (status === 200) return 'signed-in';
  if (status === 202 || status === 404) return 'already-signed-in';
  return status === null || status === undefined ? 'no-response' : 'not-signed-in';
}

/** Whether a token POST's status means the user is signed in (200, 202, 404): the card should be hidden. */
export function tokenPostSignedIn(status: number | null | undefined): boolean {
  const meaning = tokenPostMeaning(status);
  return meaning === 'signed-in' || meaning === 'already-signed-in';
}

/** " (signed in)", " (already signed in)" or nothing: the note after a token POST's status in sentences. */
export function tokenPostNote(status: number | null | undefined): string {
  const meaning = tokenPostMeaning(status);
  return meaning === 'signed-in' ? ' (signed in)' : meaning === 'already-signed-in' ? ' (already signed in)' : '';
}
