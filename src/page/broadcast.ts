/**
 * Records the messages on every `BroadcastChannel` the page opens: the live chat widget (LCW v2)
 * runs its event bus, `BroadcastService` from `@microsoft/omnichannel-chat-components`, over the npm
 * `broadcast-channel` package, which uses the native `BroadcastChannel` and opens two channels of the
 * same name (one to post, one to listen), so the page receives its own messages. On the wire:
 * `{ time, type: 'message', data: { eventName, payload, eventId } }`. The widget's sign-in decisions
 * (`SignInCardReceived`, `BotAuthConfigRequest`/`Response`, telemetry such as
 * `SetBotAuthProviderHideCard`) travel here.
 *
 * `postMessage` is wrapped on the prototype (sent messages) and the constructor is wrapped to listen
 * on each channel (received ones, including other windows' such as a popped-out chat). A message seen
 * twice (posted here and echoed to the second channel, or re-sent) has one `eventId`: it is recorded once.
 */
import type { HookContext } from './context';
import { own } from '../shared/activity';
import { clip, summarize } from '../shared/summarize';
import { createWrapper, fixConstructorLink, replaceValue } from './wrap';
import type { PageWindow } from './natives';
import { getOwnDescriptor } from '../shared/builtins';

/** How many recent (channel, eventId) pairs are remembered to fold duplicates. */
const SEEN_LIMIT = 2_000;

export function installBroadcastCapture(ctx: HookContext, win: PageWindow, afterMessage: () => void): void {
  const Original = win.BroadcastChannel;
  if (typeof Original !== 'function') return;
  const names = new WeakMap<object, string>();
  const seen = new Set<string>();
  // Captured now: the page could replace the prototype getter later.
  const nameGetter = getOwnDescriptor(Original.prototype, 'name')?.get;
  const channelName = (channel: object): string => {
    let name = names.get(channel);
    if (name === undefined) {
      try {
        name = nameGetter ? String(ctx.natives.apply(nameGetter, channel, [])) : '';
      } catch {
        name = '';
      }
      names.set(channel, name);
    }
    return name;
  };

  const record = (channel: object, direction: 'sent' | 'received', message: unknown) => {
    const name = channelName(channel);
    // broadcast-channel's envelope ({time, type, data}) around the widget's event ({eventName, payload, eventId}).
    const inner =
      own(message, 'type') === 'message' && own(message, 'data') && typeof own(message, 'data') === 'object'
        ? own(message, 'data')
        : message;
    const eventName = own(inner, 'eventName');
    const eventId = own(inner, 'eventId');
    if (typeof eventId === 'string') {
      const key = `${name}\n${eventId}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (seen.size > SEEN_LIMIT) seen.delete(seen.values().next().value!);
    }
    const payload = typeof eventName === 'string' ? own(inner, 'payload') : inner;
    ctx.emit({
      kind: 'bus.message',
      channel: clip(name, 200),
      direction,
      ...(typeof eventName === 'string' ? { eventName: clip(eventName, 200) } : {}),
      ...(typeof eventId === 'string' ? { eventId: clip(eventId, 100) } : {}),
      ...(payload === undefined ? {} : { payload: summarize(payload, 3) }),
    });
    afterMessage();
  };

  const wrapPost = createWrapper(
    'BroadcastChannel.postMessage',
    () => (thisArg, args) => ({
      returned(result) {
        // After the native accepted it: a message that cannot be cloned throws and was never sent.
        ctx.guard('bus sent', () => record(thisArg as object, 'sent', args[0]));
        return result;
      },
    }),
    ctx.natives,
    ctx.report,
  );
  replaceValue(Original.prototype, 'postMessage', wrapPost, ctx.natives);

  const wrapConstructor = createWrapper(
    'BroadcastChannel',
    () => () => ({
      returned(channel) {
        ctx.guard('bus listen', () =>
          (channel as BroadcastChannel).addEventListener('message', (event) =>
            ctx.guard('bus received', () => record(channel as object, 'received', (event as MessageEvent).data)),
          ),
        );
        return channel;
      },
    }),
    ctx.natives,
    ctx.report,
  );
  const wrapped = replaceValue(win, 'BroadcastChannel', wrapConstructor, ctx.natives);
  if (wrapped) fixConstructorLink(Original, wrapped, ctx.natives);
}
