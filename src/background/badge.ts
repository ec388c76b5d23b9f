/**
 * The toolbar icon's badge: the tab's count of error findings (src/analysis/diagnosis), so a
 * problem is visible before DevTools is opened. Recomputed at most once a second per tab, since
 * the diagnosis reads the whole log.
 */
import browser from 'webextension-polyfill';
import { diagnose } from '../analysis/diagnosis';
import type { TabLogStore } from './tabLog';

const INTERVAL_MS = 1000;

export function createBadge(store: TabLogStore) {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const last = new Map<number, number>();

  const render = async (tabId: number) => {
    timers.delete(tabId);
    last.set(tabId, Date.now());
    const errors = diagnose(store.entries(tabId)).findings.filter((f) => f.severity === 'error').length;
    try {
      await browser.action.setBadgeBackgroundColor({ tabId, color: '#b3261e' });
      await browser.action.setBadgeText({ tabId, text: errors > 0 ? String(errors) : '' });
      await browser.action.setTitle({
        tabId,
        title:
          errors > 0 ? `Chat SSO Inspector: ${errors} error${errors > 1 ? 's' : ''} in this tab` : 'Chat SSO Inspector',
      });
    } catch {
      // The tab is gone, or the browser has no action API: nothing to show.
    }
  };

  return {
    /** Schedules a badge refresh for the tab (throttled). */
    update(tabId: number) {
      if (timers.has(tabId)) return;
      const wait = Math.max(0, INTERVAL_MS - (Date.now() - (last.get(tabId) ?? 0)));
      timers.set(
        tabId,
        setTimeout(() => void render(tabId), wait),
      );
    },
    forget(tabId: number) {
      clearTimeout(timers.get(tabId));
      timers.delete(tabId);
      last.delete(tabId);
    },
  };
}
