/**
 * The 10-second rule for auth token providers: "To avoid timeout, the
 * authTokenProvider function in the setAuthTokenProvider method must respond
 * within 10 seconds."
 * (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat)
 *
 * Watches auth provider invocations and raises a flag the moment an invocation
 * has gone `limitMs` without calling back, not only when it finally returns.
 * After a service-worker restart, `restore` re-arms the timers from the stored
 * log (deadlines are in epoch ms, so they survive) and flags at once what
 * became overdue while the worker was stopped. Pure logic: clock and timers are injected.
 */
import type { LogEntry } from '../shared/events';

export interface BudgetClock {
  /** ms since the Unix epoch. */
  now(): number;
  /** Runs `fn` after `ms` milliseconds; returns a cancel function. */
  setTimer(fn: () => void, ms: number): () => void;
}

/** What to add to the log when an invocation goes over budget. */
export interface BudgetFlag {
  tabId: number;
  invocationId: string;
  /** The deadline on the invoking frame's page clock, ms. */
  t: number;
  /** When the flag was raised, ms since the Unix epoch. */
  at: number;
  limitMs: number;
}

interface Pending {
  deadlineAt: number;
  deadlineT: number;
  cancel: () => void;
}

export function createBudgetWatch(clock: BudgetClock, limitMs: number, onExceeded: (flag: BudgetFlag) => void) {
  const pending = new Map<string, Pending>(); // `${tabId}/${invocationId}`
  const flagged = new Set<string>();

  const flag = (tabId: number, invocationId: string, deadlineT: number) => {
    const key = `${tabId}/${invocationId}`;
    pending.get(key)?.cancel();
    pending.delete(key);
    if (flagged.has(key)) return;
    flagged.add(key);
    onExceeded({ tabId, invocationId, t: deadlineT, at: clock.now(), limitMs });
  };

  const observe = (tabId: number, entry: LogEntry) => {
    const e = entry.event;
    if (e.kind === 'provider.invoke' && e.role === 'auth') {
      const key = `${tabId}/${e.invocationId}`;
      if (pending.has(key) || flagged.has(key)) return;
      const deadlineAt = e.at + limitMs;
      const deadlineT = e.t + limitMs;
      const wait = deadlineAt - clock.now();
      if (wait <= 0) {
        flag(tabId, e.invocationId, deadlineT);
        return;
      }
      const cancel = clock.setTimer(() => flag(tabId, e.invocationId, deadlineT), wait);
      pending.set(key, { deadlineAt, deadlineT, cancel });
    } else if (e.kind === 'provider.callback' && e.role === 'auth') {
      const key = `${tabId}/${e.invocationId}`;
      const p = pending.get(key);
      if (e.elapsedMs > limitMs) {
        // Late: normally already flagged by the timer; flag now if the timer could not run.
        flag(tabId, e.invocationId, p?.deadlineT ?? e.t - e.elapsedMs + limitMs);
      } else {
        p?.cancel();
        pending.delete(key);
      }
    } else if (e.kind === 'budget.exceeded') {
      const key = `${tabId}/${e.invocationId}`;
      flagged.add(key);
      pending.get(key)?.cancel();
      pending.delete(key);
    }
  };

  return {
    /** Feeds one new log entry. */
    observe,
    /** Rebuilds state for a tab from its stored log (after a restart). */
    restore(tabId: number, entries: LogEntry[]) {
      // Flags first, so an invocation flagged before the restart is not flagged twice.
      for (const entry of entries) if (entry.event.kind === 'budget.exceeded') observe(tabId, entry);
      const calledBack = new Set(
        entries.flatMap((x) => (x.event.kind === 'provider.callback' ? [x.event.invocationId] : [])),
      );
      for (const entry of entries) {
        const e = entry.event;
        if (e.kind === 'provider.invoke' && !calledBack.has(e.invocationId)) observe(tabId, entry);
      }
    },
    /** Forgets a tab (closed or cleared). */
    forget(tabId: number) {
      for (const [key, p] of pending) {
        if (key.startsWith(`${tabId}/`)) {
          p.cancel();
          pending.delete(key);
        }
      }
      for (const key of flagged) if (key.startsWith(`${tabId}/`)) flagged.delete(key);
    },
    /** Invocations still waiting for their callback (for tests and diagnostics). */
    pendingCount: () => pending.size,
  };
}
