// The page's main-thread cost of one wrapped SDK call, against one bare `postMessage`, measured in the
// Omnichannel simulator page (demo/omnichannel). See docs/performance.md, "sdkCallVsPostMessage".

/**
 * Runs in the page. Per repeat, times `calls` iterations of each operation, every iteration followed by
 * a wait for the next task (a MessageChannel round trip), so the work an operation leaves for later
 * microtasks and tasks on this thread is counted: for an SDK call, the hook's batch, the relay's check
 * and its `runtime.sendMessage`; for `postMessage`, the message event's dispatch. The same loop with no
 * operation is subtracted. Returns µs per operation for each repeat, and the synchronous part alone.
 * @param {{ calls: number, repeats: number }} opts
 */
export async function sdkCallInPage({ calls, repeats }) {
  const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
  const channel = new MessageChannel();
  const nextTask = () =>
    new Promise((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
  const token = `bench-${Math.random()}`;
  let delivered = 0;
  let waiter = null;
  addEventListener('message', (e) => {
    if (e.data?.token !== token) return;
    delivered++;
    waiter?.();
  });
  const deliveredAll = (n) => (delivered >= n ? undefined : new Promise((resolve) => (waiter = () => delivered >= n && resolve())));
  const ops = {
    empty: () => undefined,
    sdk: (i) => SDK.getContextProvider(`bench call ${i}`),
    postMessage: (i) => window.postMessage({ token, method: 'getContextProvider', args: [`bench call ${i}`] }, '*'),
  };
  const loop = async (name) => {
    delivered = 0;
    const op = ops[name];
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      op(i);
      await nextTask();
      if (name === 'postMessage') await deliveredAll(i + 1);
    }
    return ((performance.now() - t0) * 1000) / calls;
  };
  const syncLoop = async (name) => {
    delivered = 0;
    const op = ops[name];
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) op(i);
    const us = ((performance.now() - t0) * 1000) / calls;
    await nextTask();
    if (name === 'postMessage') await deliveredAll(calls);
    return us;
  };
  const out = { sdk: [], postMessage: [], sdkSync: [], postMessageSync: [] };
  await loop('empty'); // warm-up: JIT and the hook's first batch
  await loop('sdk');
  await loop('postMessage');
  for (let r = 0; r < repeats; r++) {
    const empty = await loop('empty');
    // Alternate the order so a slow moment of the machine does not always hit the same side.
    const names = r % 2 ? ['postMessage', 'sdk'] : ['sdk', 'postMessage'];
    for (const name of names) out[name].push((await loop(name)) - empty);
    for (const name of names) out[`${name}Sync`].push(await syncLoop(name));
  }
  return out;
}
