/**
 * Installs every page-side observer once per window. Exported for unit tests,
 * which call it on a fake window; `hook.ts` calls it on the real one.
 */
import { createContext, type HookContext } from './context';
import type { HookEvent } from '../shared/events';
import { installLcwEventCapture } from './lcwEvents';
import { captureNatives } from './natives';
import { readPath, SDK_PATH, trapPath } from './namespace';
import { createNetworkWatcher } from './network';
import { createSdkInstrumenter } from './sdk';
import { installWebChatHooks } from './webchat';
import { installWebSocketCapture } from './websocket';

/** Marker on the window that makes a second install a no-op. */
export const INSTALLED = Symbol.for('chat-sso-inspector.hook');

export interface InstalledHook {
  ctx: HookContext;
  /** Looks for the SDK along SDK_PATH and instruments it if found (fallback for replaced accessors). */
  scan(): void;
}

/**
 * Installs the hook on `win` and sends events to `sink`. Idempotent: a second call on the same window
 * returns the first installation. Never throws into the caller.
 */
export function installHook(win: Window & typeof globalThis, sink: (event: HookEvent) => void): InstalledHook {
  const existing = (win as unknown as Record<symbol, InstalledHook | undefined>)[INSTALLED];
  if (existing) return existing;
  const natives = captureNatives(win);
  const ctx = createContext(natives, sink);
  const network = ctx.guard('network', () => createNetworkWatcher(ctx, win)) ?? { expect() {}, classify: () => null };
  const sdk = createSdkInstrumenter(ctx, network);
  const scan = () =>
    ctx.guard('scan', () => {
      const found = readPath(win, SDK_PATH);
      if (found && typeof found === 'object') sdk.instrument(found, 'scan');
      sdk.rescan();
    });
  const installed: InstalledHook = { ctx, scan };
  natives.defineProperty(win, INSTALLED, { value: installed, configurable: false, enumerable: false, writable: false });

  ctx.emit({ kind: 'hook.installed', url: String(win.location?.href ?? ''), top: win === win.top, readyState: String(win.document?.readyState ?? '') });
  trapPath(ctx, win, SDK_PATH, (leaf) => sdk.instrument(leaf, 'assignment'));
  ctx.guard('lcw events', () => installLcwEventCapture(ctx, win, scan));
  ctx.guard('web chat', () => installWebChatHooks(ctx, win));
  ctx.guard('websocket', () => installWebSocketCapture(ctx, win));
  ctx.guard('load scans', () => {
    win.addEventListener('DOMContentLoaded', scan, { once: true });
    win.addEventListener('load', scan, { once: true });
  });
  return installed;
}
