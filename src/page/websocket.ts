/**
 * Observes Direct Line WebSocket streams (`wss://…/v3/directline/conversations/{id}/stream?t=…`):
 * each text frame is a JSON activity set; empty frames are keep-alives.
 * DirectLineJS captures the global `WebSocket` when the DirectLine object is constructed, so this
 * runs at document_start. The constructor is replaced by a Proxy: `new`, statics (`WebSocket.OPEN`),
 * `prototype` and `instanceof` behave as before, and the socket object is the real one.
 */
import type { HookContext } from './context';
import { classifyDirectLine, parseActivitySet, parseJson } from './directLineNet';
import type { PageWindow } from './natives';

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
        ctx.emit({ kind: 'directline.activities', via: 'websocket', ...(conversationId ? { conversationId } : {}), ...set });
      }),
    );
  };
  const proxy = new Proxy(Original, {
    construct(target, args, newTarget) {
      const socket = Reflect.construct(target, args, newTarget === proxy ? target : newTarget) as WebSocket;
      ctx.guard('websocket', () => {
        const url = new URL(String(args[0]), String(win.location?.href));
        const dl = classifyDirectLine('GET', url);
        if (dl && /\/stream$/i.test(url.pathname)) observe(socket, dl.conversationId);
      });
      return socket;
    },
  });
  win.WebSocket = proxy;
}
