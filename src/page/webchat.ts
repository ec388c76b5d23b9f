/**
 * Bot Framework Web Chat hooks (https://github.com/microsoft/BotFramework-WebChat): `window.WebChat`,
 * once the page has assigned it (bundles assign `window.WebChat = { ...window.WebChat, … }`, sometimes
 * twice), is looked at at every discovery moment (discovery.ts): its functions are wrapped in place,
 * values only, with the store middlewares (webchatStore.ts) and the Direct Line tap (directLineTap.ts).
 */
import { own } from '../shared/activity';
import { ownKeys } from '../shared/builtins';
import { clip } from '../shared/summarize';
import type { HookContext } from './context';
import { createDirectLineTap } from './directLineTap';
import { readDataPath, WEBCHAT_PATH } from './namespace';
import { createStoreWrappers } from './webchatStore';
import { replaceValue } from './wrap';

/** Installs the Web Chat hooks; returns the look-up run at each discovery moment. */
export function installWebChatHooks(ctx: HookContext, win: Window & typeof globalThis): { look(): void } {
  const { natives } = ctx;
  const tap = createDirectLineTap(ctx);
  const wrappers: Record<string, <T>(fn: T) => T> = {
    ...createStoreWrappers(ctx, tap.instrumentDirectLine),
    createDirectLine: tap.wrapCreateDirectLine,
    createDirectLineAppServiceExtension: tap.wrapCreateDirectLine,
  };

  const detectedObjects = new WeakSet<object>();
  let lastVersion: unknown;
  let detected = false;
  return {
    look() {
      const webChat = readDataPath(win, WEBCHAT_PATH);
      if (!webChat || typeof webChat !== 'object') return;
      for (const key of ownKeys(wrappers)) replaceValue(webChat, key, wrappers[key]!, natives);
      if (detectedObjects.has(webChat)) return;
      detectedObjects.add(webChat);
      // Bundles assign window.WebChat more than once (minimal, then full): report the first, and a new version.
      const version = own(own(webChat, 'buildInfo'), 'version');
      if (detected && version === lastVersion) return;
      detected = true;
      lastVersion = version;
      ctx.emit({
        kind: 'webchat.detected',
        members: natives
          .keys(webChat)
          .slice(0, 200)
          .map((k) => clip(k, 100)),
        ...(typeof version === 'string' ? { version: clip(version, 50) } : {}),
      });
    },
  };
}
