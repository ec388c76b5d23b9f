/**
 * Observes Direct Line WebSocket streams (`wss://…/v3/directline/conversations/{id}/stream?t=…`):
 * each text frame is a JSON activity set; empty frames are keep-alives.
 * DirectLineJS captures the global `WebSocket` when the DirectLine object is constructed, so this
 * runs at document_start. The constructor's wrapper is a Proxy (wrap.ts): `new`, statics
 * (`WebSocket.OPEN`), `prototype`, `instanceof`, `name`, `length` and `toString()` behave as before,
 * `WebSocket.prototype.constructor === WebSocket` still holds, and the socket object is the real one.
 */
import type { HookContext } from './context';
import { classifyDirectLine, parseActivitySet, parseJson } from '../shared/directLine';
import type { PageWindow } from './natives';
import { createWrapper, fixConstructorLink, replaceValue } from './wrap';
import { URLCtor } from '../shared/builtins';

export function installWebSocketCapture(ctx: HookContext, win: PageWindow): void {
  const Original = win.WebSocket;
  if (typeof Original !== 'function') return;
  const observe = (socket: WebSocket, conversationId: string | undefined) => {
    socket.addEventListener('message', (event) =>
      ctx.guard('websocket frame', () => {
        const data = (event as MessageEvent).data;
        if (typeof data !== 'string' || data.trim() === '') return; // keep-alive
        const set = parseActivitySet(parseJson(data));
        if (!set || set.activities.length === 0) return;
        ctx.emit({
          kind: 'directline.activities',
          via: 'websocket',
          ...(conversationId ? { conversationId } : {}),
          ...set,
        });
      }),
    );
  };
  const wrap = createWrapper(
    'WebSocket',
    () => (_thisArg, args) => {
      // Only string URLs: converting an object would run its toString (page code) a second time.
      const url = typeof args[0] === 'string' ? args[0] : args[0] instanceof URLCtor ? args[0].href : null;
      if (url === null) return;
      return {
        returned(socket) {
          ctx.guard('websocket', () => {
            const dl = classifyDirectLine('GET', new URLCtor(url, String(win.location?.href)));
            if (dl && /\/stream$/i.test(new URLCtor(url, String(win.location?.href)).pathname))
              observe(socket as WebSocket, dl.conversationId);
          });
          return socket;
        },
      };
    },
    ctx.natives,
    ctx.report,
  );
  const wrapped = replaceValue(win, 'WebSocket', wrap, ctx.natives);
  if (wrapped) fixConstructorLink(Original, wrapped, ctx.natives);
}
