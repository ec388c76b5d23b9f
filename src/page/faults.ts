/**
 * The hook's side of fault injection (the panel's Reproduce menu, src/shared/faults.ts): the set of
 * faults the relay last passed on the private channel node (FAULTS_EVENT_NAME, `detail` a JSON string of
 * a FaultSet), applied for FAULT_LEASE_MS after receipt on the hook's own clock. The relay renews it
 * every FAULT_RENEW_MS while its extension lives, so faults end by themselves when the extension goes.
 *
 * Only the relay holds the node (src/shared/channel.ts): a page script can neither dispatch there nor
 * read the set, and nothing is kept on the window. The same event name dispatched on `document` is
 * never listened to. `detail` is read with the getter captured at start, so a page that replaces
 * `CustomEvent.prototype.detail` cannot substitute a set either.
 *
 * Every wrap point asks `active(id)`: with no set (every tab, unless the user switched a fault on) that
 * is one comparison, so a hook with every fault off behaves and costs as before.
 */
import { FAULTS_EVENT_NAME } from '../shared/constants';
import { FAULT_LEASE_MS, faultOf, readFaultSet, type FaultId, type FaultOf, type FaultSet } from '../shared/faults';
import { isArray, parseJson } from '../shared/builtins';
import { own } from '../shared/activity';
import type { Natives } from './natives';
import type { HookContext } from './context';
import type { EventOf } from '../shared/events';

export interface FaultState {
  /** The active fault with this id, or undefined when it is off (no set, an empty set, or its lease ran out). */
  active<I extends FaultId>(id: I): FaultOf<I> | undefined;
}

/** Every fault off, always: a hook without a relay channel (unit tests, or no node). */
export const NO_FAULT_STATE: FaultState = { active: () => undefined };

/**
 * Listens on the channel node for fault sets from the relay. A set that does not parse or fails
 * readFaultSet is ignored (the previous one keeps its lease); an empty set switches every fault off at once.
 */
export function listenForFaults(channel: EventTarget, natives: Natives): FaultState {
  let set: FaultSet | null = null;
  let until = 0; // page ms
  channel.addEventListener(FAULTS_EVENT_NAME, (event) => {
    const detail = natives.eventDetail(event);
    if (typeof detail !== 'string' || detail.length > 10_000) return;
    let parsed: unknown;
    try {
      parsed = parseJson(detail);
    } catch {
      return;
    }
    const next = readFaultSet(parsed);
    if (!next) return;
    set = next.faults.length > 0 ? next : null;
    until = natives.now() + FAULT_LEASE_MS;
  });
  return {
    active(id) {
      if (set === null) return undefined;
      if (natives.now() > until) {
        set = null; // the lease ran out: the extension stopped renewing it
        return undefined;
      }
      return faultOf(set, id);
    },
  };
}

/** The extra fields of a `fault.applied` event: what it acted on. */
export type AppliedOn = Partial<Pick<EventOf<'fault.applied'>, 'invocationId' | 'requestId' | 'url' | 'status'>>;

/** Emits `fault.applied`: `fault` acted at a wrap point; `action` says what it did, in words. */
export function reportApplied(ctx: HookContext, fault: FaultId, action: string, on: AppliedOn = {}): void {
  ctx.emit({ kind: 'fault.applied', fault, action, ...on });
}

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const objectCreate = Object.create; // captured when the hook's bundle is evaluated

/**
 * A shallow copy of a page object with `key` set to `value` (or removed, when `value` is undefined): the
 * same prototype and own property descriptors, no getter run; made configurable and (data properties)
 * writable, so a page object the page froze still gives a copy that can change. Throws only what
 * defineProperty throws (a proxy's traps).
 */
export function copyWith(obj: object, key: string, value: unknown, natives: Natives): object {
  const copy = objectCreate(natives.getPrototypeOf(obj)) as Record<string, unknown>;
  const set = { value, writable: true, enumerable: true, configurable: true };
  let placed = value === undefined;
  for (const k of natives.ownKeys(obj)) {
    const d = natives.getOwnPropertyDescriptor(obj, k);
    if (k === key) {
      // In place, so the copy keeps the page's key order.
      if (!placed) natives.defineProperty(copy, k, set);
      placed = true;
    } else if (d) {
      natives.defineProperty(copy, k, { ...d, configurable: true, ...('value' in d ? { writable: true } : {}) });
    }
  }
  if (!placed) natives.defineProperty(copy, key, set);
  return copy;
}

/**
 * For `strip-exchange-resource`: a copy of `activity` whose OAuthCard attachments have no
 * `tokenExchangeResource`, or null when it has none to strip. The page's own objects are never changed:
 * the activity, its attachments array, the card and its content are copied (own properties only, no
 * getter run); everything else is shared. Reads own data properties only. Never throws.
 */
export function withoutExchangeResource(activity: unknown, natives: Natives): object | null {
  try {
    const attachments = own(activity, 'attachments');
    if (!isArray(attachments)) return null;
    let changed = false;
    const out: unknown[] = [];
    for (let i = 0; i < attachments.length && i < 100; i++) {
      const attachment = own(attachments, String(i));
      const content = own(attachment, 'content');
      if (
        own(attachment, 'contentType') !== OAUTH_CARD ||
        !content ||
        typeof content !== 'object' ||
        !natives.getOwnPropertyDescriptor(content, 'tokenExchangeResource')
      ) {
        out.push(attachment);
        continue;
      }
      out.push(
        copyWith(
          attachment as object,
          'content',
          copyWith(content, 'tokenExchangeResource', undefined, natives),
          natives,
        ),
      );
      changed = true;
    }
    if (!changed || attachments.length > 100) return null; // more than a bot sends: left as it is
    return copyWith(activity as object, 'attachments', out, natives);
  } catch {
    return null;
  }
}
