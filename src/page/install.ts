/**
 * Installs every page-side observer once per window. Exported for unit tests,
 * which call it on a fake window; `hook.ts` calls it on the real one.
 */
import { createContext, type HookContext } from './context';
import type { HookEvent } from '../shared/events';
import { createAdapterStreamWatcher } from './adapterStream';
import { createAuthFunctionWatcher } from './authFunction';
import { installBroadcastCapture } from './broadcast';
import { installDiscovery } from './discovery';
import { installToStringDisguise } from './disguise';
import { installLcwEventCapture } from './lcwEvents';
import { captureNatives, type Natives } from './natives';
import type { FaultState } from './faults';
import { readDataPath, SDK_PATH } from './namespace';
import { createNetworkWatcher } from './network';
import { installPageErrorCapture } from './pageErrors';
import { createProviderWrappers } from './providers';
import { createSdkInstrumenter } from './sdk';
import { installWebChatHooks } from './webchat';
import { installWebSocketCapture } from './websocket';
import { clip } from '../shared/summarize';

export interface InstalledHook {
  ctx: HookContext;
  /** Looks for the page objects the hook instruments, now (what every discovery moment does). */
  look(): void;
}

// Per window, in this copy of the hook. Nothing is written on the window itself: the page must not see
// a property it did not create. A second copy injected into the same document is stopped by hook.ts.
const installations = new WeakMap<object, InstalledHook>();

/**
 * Installs the hook on `win` and sends events to `sink`; `faults` is the injected fault state (every
 * fault off unless given). Idempotent: a second call on the same window returns the first installation.
 * Never throws into the caller.
 */
export function installHook(
  win: Window & typeof globalThis,
  sink: (event: HookEvent) => void,
  faults?: (natives: Natives) => FaultState,
): InstalledHook {
  const existing = installations.get(win);
  if (existing) return existing;
  const natives = captureNatives(win);
  const ctx = createContext(natives, sink, faults?.(natives));
  const discovery = installDiscovery(ctx, win);
  const installed: InstalledHook = { ctx, look: () => discovery.now() };
  installations.set(win, installed);

  ctx.emit({
    kind: 'hook.installed',
    url: clip(String(win.location?.href ?? '')),
    top: win === win.top,
    readyState: clip(String(win.document?.readyState ?? ''), 50),
  });
  ctx.guard('toString', () => installToStringDisguise(ctx, win));
  let authFunction: ReturnType<typeof createAuthFunctionWatcher> | undefined = undefined;
  const network = ctx.guard('network', () =>
    createNetworkWatcher(
      ctx,
      win,
      (name) => authFunction?.configured(name),
      () => discovery.soon(),
    ),
  ) ?? { expect() {}, classify: () => null };
  const providers = createProviderWrappers(ctx, network);
  authFunction = createAuthFunctionWatcher(ctx, win, providers.clientFunctionWrapper);
  const sdk = createSdkInstrumenter(ctx, providers);
  const webChat = ctx.guard('web chat', () => installWebChatHooks(ctx, win));
  const adapterStream = createAdapterStreamWatcher(ctx, win);

  discovery.onLook(() => {
    // instrument() wraps members assigned since the last look (SDK calls rescan on their own).
    const found = readDataPath(win, SDK_PATH);
    if (found && typeof found === 'object') sdk.instrument(found);
  });
  if (webChat) discovery.onLook(webChat.look);
  discovery.onLook(authFunction.look);
  discovery.onLook(adapterStream.look);

  ctx.guard('lcw events', () => installLcwEventCapture(ctx, win, () => discovery.now()));
  ctx.guard('websocket', () => installWebSocketCapture(ctx, win));
  ctx.guard('broadcast channel', () => installBroadcastCapture(ctx, win, () => discovery.soon()));
  ctx.guard('page errors', () => installPageErrorCapture(ctx, win));
  discovery.now(); // a page object already there (the hook injected late, or a test)
  return installed;
}
