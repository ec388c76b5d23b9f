/**
 * A hook event before its clock fields are stamped: what the page hook's modules build (the context
 * stamps `t` and `at` when it emits) and what the HAR import drafts (it stamps them from the HAR's times).
 * Type only, in src/shared so that src/analysis never imports the page hook.
 */
import type { HookEvent } from './events';

/** `E` without `t` (page ms) and `at` (ms since the Unix epoch); distributes over the union. */
export type Unstamped<E> = E extends HookEvent ? Omit<E, 't' | 'at'> : never;
