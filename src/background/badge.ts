/**
 * The toolbar icon's badge: while a fault is injected in the tab (the panel's Reproduce menu), "FI" in its
 * own colour, with the faults in the title, ahead of anything else; otherwise the tab's count of error
 * findings (src/analysis/diagnosis), so a problem is visible before DevTools is opened. Recomputed at most
 * once a second per tab, since the diagnosis reads the whole log.
 */
import browser from 'webextension-polyfill';
import { diagnose } from '../analysis/diagnosis';
import { describeFault, type FaultSet } from '../shared/faults';
import { faultsActive } from './faults';
import type { TabLogStore } from './tabLog';

const INTERVAL_MS = 1000;

/** What the toolbar icon shows for a tab: badge text, badge colour (CSS hex), icon title. */
export interface BadgeView {
  text: string;
  color: string;
  title: string;
}

/** Badge text while a fault is injected. */
export const FAULT_BADGE_TEXT = 'FI';
const FAULT_COLOR = '#7b1fa2';
const ERROR_COLOR = '#b3261e';

/**
 * The badge for a tab with `errors` error findings and the injected `faults`: an active fault takes
 * precedence over the error count (the errors may be the fault's doing).
 */
export function badgeView(errors: number, faults: FaultSet): BadgeView {
  if (faultsActive(faults))
    return {
      text: FAULT_BADGE_TEXT,
      color: FAULT_COLOR,
      title: `Chat SSO Inspector: fault injection active — ${faults.faults.map(describeFault).join('; ')}${
        faults.keepAcrossReload ? ' (kept across reloads)' : ''
      }`,
    };
  return {
    text: errors > 0 ? String(errors) : '',
    color: ERROR_COLOR,
    title:
      errors > 0 ? `Chat SSO Inspector: ${errors} error${errors > 1 ? 's' : ''} in this tab` : 'Chat SSO Inspector',
  };
}

/** `faultsOf(tabId)`: the tab's injected faults. */
export function createBadge(store: TabLogStore, faultsOf: (tabId: number) => FaultSet) {
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  const last = new Map<number, number>();

  const render = async (tabId: number) => {
    timers.delete(tabId);
    last.set(tabId, Date.now());
    const faults = faultsOf(tabId);
    // No diagnosis needed while the fault badge wins.
    const errors = faultsActive(faults)
      ? 0
      : diagnose(store.entries(tabId)).findings.filter((f) => f.severity === 'error').length;
    const view = badgeView(errors, faults);
    try {
      await browser.action.setBadgeBackgroundColor({ tabId, color: view.color });
      await browser.action.setBadgeText({ tabId, text: view.text });
      await browser.action.setTitle({ tabId, title: view.title });
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
