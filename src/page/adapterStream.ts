/**
 * The live chat widget's activity stream. LCW v2's `ChatAdapterShim`
 * (`@microsoft/omnichannel-chat-widget`, livechatwidget/common/ChatAdapterShim.js) builds Web Chat's
 * `activity$` with `new window.Observable(observer => …)` and runs each incoming activity through its
 * subscribers. For a sign-in card, `BotAuthActivitySubscriber` first pushes `false` (the card is held
 * back while it decides), then either passes the card on (shown) or drops it (hidden, or a signInId
 * it has already seen). The ACS transport underneath is invisible to the page, so this stream is
 * where "a card arrived" and "the card reached Web Chat" can be seen.
 *
 * Once the page has set `window.Observable`, its value becomes a wrapper (a Proxy: statics,
 * `prototype`, `instanceof`, `toString()` unchanged; `Observable.prototype.constructor` follows). The
 * subscriber function of each stream built through it receives a Proxy of its observer whose `next`
 * and `error` are recorded: `next(false)` as `held`, `next(activity)` with a sign-in or OAuth card as
 * `passed`. Other values pass without a record.
 */
import type { HookContext } from './context';
import { own, summarizeActivity } from '../shared/activity';
import type { PageWindow } from './natives';
import { summarizeError } from '../shared/summarize';
import { createWrapper, fixConstructorLink, isWrapper, replaceValue, wrapOnce } from './wrap';
import { reportApplied, withoutExchangeResource } from './faults';
import { isArray, reflectGet } from '../shared/builtins';

const SIGN_IN_CARD_TYPES = new Set(['application/vnd.microsoft.card.signin', 'application/vnd.microsoft.card.oauth']);

/** True when the activity's first attachment is a sign-in or OAuth card (what BotAuthActivitySubscriber handles). */
function hasSignInCard(activity: unknown): boolean {
  const attachments = own(activity, 'attachments');
  return isArray(attachments) && SIGN_IN_CARD_TYPES.has(own(own(attachments, '0'), 'contentType') as string);
}

export function createAdapterStreamWatcher(ctx: HookContext, win: PageWindow): { look(): void } {
  const { natives } = ctx;
  // Streams built on streams (the widget shares its activity$) forward each value synchronously:
  // only the outermost `next` of such a chain is recorded, so one card is one event.
  let depth = 0;
  /**
   * A Proxy of the stream's observer whose next/error are recorded. Other members read through to the real observer.
   */
  const tapObserver = (observer: object, stream: string): object => {
    const forwarders = new Map<PropertyKey, { value: Function; forwarder: Function }>();
    const record = (key: PropertyKey, v: unknown, stripped: boolean) =>
      ctx.guard('activity stream', () => {
        if (key === 'error')
          ctx.emit({ kind: 'adapter.activity', stream, stage: 'failed', error: summarizeError(v).message });
        else if (v === false) ctx.emit({ kind: 'adapter.activity', stream, stage: 'held' });
        else if (hasSignInCard(v)) {
          const activity = summarizeActivity(v);
          ctx.emit({
            kind: 'adapter.activity',
            stream,
            stage: 'passed',
            ...(activity ? { activity } : {}),
            ...(stripped ? { fault: 'strip-exchange-resource' as const } : {}),
          });
        }
      });
    /**
     * `strip-exchange-resource`: the sign-in card the widget passes to Web Chat, as a copy without its
     * tokenExchangeResource (the page's activity is never changed). Null when the fault is off or there
     * is nothing to strip. The widget's BotAuthActivitySubscriber has already seen the card by then: the
     * stream before it is the ACS adapter's, which the page cannot reach.
     */
    const strip = (key: PropertyKey, v: unknown): object | null => {
      if (key !== 'next' || !ctx.faults.active('strip-exchange-resource') || !hasSignInCard(v)) return null;
      const copy = withoutExchangeResource(v, natives);
      if (copy)
        reportApplied(
          ctx,
          'strip-exchange-resource',
          'tokenExchangeResource removed from an OAuthCard the widget passed to Web Chat',
        );
      return copy;
    };
    const proxy: object = new natives.Proxy(observer, {
      get(target, key) {
        const value = reflectGet(target, key);
        if ((key !== 'next' && key !== 'error') || typeof value !== 'function') return value;
        const cached = forwarders.get(key);
        if (cached && cached.value === value) return cached.forwarder;
        const forwarder = wrapOnce(
          value,
          `Observable ${String(key)}`,
          (thisArg, args) => {
            const stripped = depth === 0 ? ctx.guard('activity stream fault', () => strip(key, args[0])) : null;
            if (depth === 0) record(key, stripped ?? args[0], !!stripped);
            depth += 1;
            const leave = () => {
              depth -= 1;
            };
            // Observers keep internal state keyed on themselves: a call on the proxy goes to the real one.
            return {
              ...(thisArg === proxy ? { thisArg: target } : {}),
              ...(stripped ? { args: [stripped, ...args.slice(1)] } : {}),
              returned: (v: unknown) => (leave(), v),
              threw: leave,
            };
          },
          natives,
          ctx.report,
        );
        forwarders.set(key, { value, forwarder });
        return forwarder;
      },
    });
    return proxy;
  };
  const wrapSubscriber = createWrapper(
    'Observable subscriber',
    () => (_thisArg, args) => {
      const observer = args[0];
      if (!observer || typeof observer !== 'object') return;
      const planArgs = args.slice();
      planArgs[0] = tapObserver(observer, ctx.newId('s'));
      return { args: planArgs };
    },
    natives,
    ctx.report,
  );
  const wrapObservable = createWrapper(
    'Observable',
    () => (_thisArg, args, isConstruct) => {
      if (!isConstruct || typeof args[0] !== 'function') return;
      const planArgs = args.slice();
      planArgs[0] = wrapSubscriber(args[0]);
      return { args: planArgs };
    },
    natives,
    ctx.report,
  );
  return {
    look() {
      const d = natives.getOwnPropertyDescriptor(win, 'Observable');
      if (!d || !('value' in d) || typeof d.value !== 'function' || isWrapper(d.value)) return;
      const original = d.value as Function;
      const wrapped = replaceValue(win, 'Observable', wrapObservable, natives);
      if (wrapped) fixConstructorLink(original, wrapped, natives);
    },
  };
}
