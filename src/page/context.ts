/**
 * The small set of services every page-hook module uses: the page clock, id
 * generation, the event emitter and error reporting.
 */
import type { HookEvent } from '../shared/events';
import type { Unstamped } from '../shared/unstamped';
import type { Natives } from './natives';
import { NO_FAULT_STATE, type FaultState } from './faults';
import { summarizeError } from '../shared/summarize';

export interface HookContext {
  natives: Natives;
  /** The injected faults (the panel's Reproduce menu) the wrap points apply; every fault off by default. */
  faults: FaultState;
  /** Stamps `t` (page ms) and `at` (epoch ms) and queues the event for the relay. Never throws. */
  emit(event: Unstamped<HookEvent>, t?: number): void;
  /** A new id, unique within the tab's log (document-random prefix + counter). */
  newId(prefix: string): string;
  /** Reports a failure inside hook code as a `hook.error` event. Never throws. */
  report(where: string, error: unknown): void;
  /** Runs `fn`, reporting (not throwing) any failure; returns its value or undefined. */
  guard<T>(where: string, fn: () => T): T | undefined;
}

/** Builds a context around a raw event sink (the emitter, or an array in unit tests) and the fault state. */
export function createContext(
  natives: Natives,
  sink: (event: HookEvent) => void,
  faults: FaultState = NO_FAULT_STATE,
): HookContext {
  const doc = Math.floor(natives.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  let counter = 0;
  let reporting = false;
  const ctx: HookContext = {
    natives,
    faults,
    emit(event, t = natives.now()) {
      try {
        sink({ ...event, t, at: natives.timeOrigin + t } as HookEvent);
      } catch (e) {
        ctx.report('emit', e);
      }
    },
    newId(prefix) {
      counter += 1;
      return `${prefix}${doc}-${counter}`;
    },
    report(where, error) {
      if (reporting) return; // a failing sink must not recurse
      reporting = true;
      try {
        const t = natives.now();
        sink({ kind: 'hook.error', where, message: summarizeError(error).message, t, at: natives.timeOrigin + t });
      } catch {
        // Nothing else can be done without risking the page.
      } finally {
        reporting = false;
      }
    },
    guard(where, fn) {
      try {
        return fn();
      } catch (e) {
        ctx.report(where, e);
        return undefined;
      }
    },
  };
  return ctx;
}
