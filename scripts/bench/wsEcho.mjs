// A local WebSocket echo for the bench pages (demo/bench): the demo server's only upgrade route is
// the Direct Line stream, so the benchmark runs its own echo on 127.0.0.1.
import { WebSocketServer } from 'ws';

/**
 * Starts an echo server on a free port of 127.0.0.1.
 * @returns {Promise<{ url: string, close(): Promise<void> }>}  url: ws://127.0.0.1:<port>
 */
export async function startWsEcho() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  return {
    url: `ws://127.0.0.1:${wss.address().port}`,
    close: () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
