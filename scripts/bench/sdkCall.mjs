// The page's main-thread cost of one wrapped SDK call, against one bare `postMessage`, in the
// Omnichannel simulator page (demo/omnichannel). See docs/performance.md, "sdkCallVsPostMessage".

/**
 * Runs in the page, once: the operations the bench times, and a loop that runs `n` of one of them,
 * each followed by a wait for the next task (a MessageChannel round trip), so the work an operation
 * leaves for later microtasks and tasks on this thread happens inside the loop: for an SDK call, the
 * hook's batch, the relay's queueing, its `runtime.sendMessage` and the acknowledgement; for `postMessage`,
 * the message event's dispatch to a listener.
 */
function installOps() {
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
  const deliveredAll = (n) =>
    delivered >= n ? undefined : new Promise((resolve) => (waiter = () => delivered >= n && resolve()));
  const ops = {
    empty: () => undefined,
    sdk: (i) => SDK.getContextProvider(`bench call ${i}`),
    postMessage: (i) => window.postMessage({ token, method: 'getContextProvider', args: [`bench call ${i}`] }, '*'),
  };
  const run = async (name, n) => {
    delivered = 0;
    const op = ops[name];
    for (let i = 0; i < n; i++) {
      op(i);
      await nextTask();
      if (name === 'postMessage') await deliveredAll(i + 1);
    }
  };
  /** µs per call in a tight loop (the synchronous part only, wall clock), then the deferred work drained. */
  const syncOnly = async (name, n) => {
    delivered = 0;
    const op = ops[name];
    const t0 = performance.now();
    for (let i = 0; i < n; i++) op(i);
    const us = ((performance.now() - t0) * 1000) / n;
    await nextTask();
    if (name === 'postMessage') await deliveredAll(n);
    return us;
  };
  Object.defineProperty(window, '__benchSdk', { value: { run, syncOnly } });
}

const NAMES = ['empty', 'sdk', 'postMessage'];

/**
 * Measures in `page` (the simulator, its chat flow done). The clock is the page's main-thread CPU
 * time (CDP Performance metrics, TaskDuration in thread ticks): on a busy 2-core machine, wall time
 * mostly measures the other processes. The three loops take turns in chunks of `chunk` calls, and the
 * empty loop's time is subtracted.
 * @param {import('playwright-core').BrowserContext} context
 * @param {import('playwright-core').Page} page
 * @param {{ calls: number, repeats: number, chunk: number }} opts  calls: per repeat and operation
 * @returns {Promise<{ sdk: number[], postMessage: number[], sdkSync: number[], postMessageSync: number[] }>}  µs per call, one per repeat
 */
export async function measureSdkCall(context, page, { calls, repeats, chunk }) {
  await page.evaluate(installOps);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const taskMs = async () =>
    ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
  const timed = async (name, n) => {
    const t0 = await taskMs();
    await page.evaluate(([op, count]) => window.__benchSdk.run(op, count), [name, n]);
    return (await taskMs()) - t0;
  };
  for (const name of NAMES) await timed(name, chunk); // warm-up: JIT and the first batch
  const out = { sdk: [], postMessage: [], sdkSync: [], postMessageSync: [] };
  const chunks = Math.ceil(calls / chunk);
  for (let r = 0; r < repeats; r++) {
    const ms = { empty: 0, sdk: 0, postMessage: 0 };
    for (let c = 0; c < chunks; c++) {
      // Rotate the order so no operation always runs right after another.
      for (let k = 0; k < NAMES.length; k++)
        ms[NAMES[(c + k) % NAMES.length]] += await timed(NAMES[(c + k) % NAMES.length], chunk);
    }
    const us = (x) => ((x - ms.empty) * 1000) / (chunks * chunk);
    out.sdk.push(us(ms.sdk));
    out.postMessage.push(us(ms.postMessage));
    for (const name of ['sdk', 'postMessage'])
      out[`${name}Sync`].push(await page.evaluate(([op, n]) => window.__benchSdk.syncOnly(op, n), [name, calls]));
  }
  await cdp.detach();
  return out;
}
