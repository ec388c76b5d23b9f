/**
 * The per-tab fault store (src/background/faults.ts) and the toolbar badge's choice (src/background/badge.ts):
 * pure logic over an in-memory storage.session.
 */
import { describe, expect, it, vi } from 'vitest';
import { badgeView, FAULT_BADGE_TEXT } from '../../src/background/badge';
import { faultsChangedEvent, FaultStore, isExtensionPageUrl } from '../../src/background/faults';
import { NO_FAULTS, type FaultSet } from '../../src/shared/faults';
import { memoryArea } from '../helpers/sessionArea';

// badge.ts also holds the wiring to browser.action; badgeView itself is pure.
vi.mock('webextension-polyfill', () => ({ default: {} }));

const on: FaultSet = { faults: [{ id: 'post-token-status', status: 500 }], keepAcrossReload: false };
const kept: FaultSet = { faults: [{ id: 'strip-exchange-resource' }], keepAcrossReload: true };

describe('FaultStore', () => {
  it('takes only checked sets, keeps only known fields, and reports whether anything changed', () => {
    const store = new FaultStore(memoryArea());
    expect(store.set(1, { faults: [{ id: 'post-token-status', status: 418 }], keepAcrossReload: false })).toBeNull();
    expect(store.set(1, 'all of them')).toBeNull();
    expect(store.get(1)).toEqual(NO_FAULTS);
    expect(
      store.set(1, { faults: [{ id: 'post-token-status', status: 500, extra: 'x' }], keepAcrossReload: false, x: 1 }),
    ).toEqual(on);
    expect(store.set(1, on)).toBe('unchanged');
    // Every fault off: nothing to keep across reloads either.
    expect(store.set(1, { faults: [], keepAcrossReload: true })).toEqual(NO_FAULTS);
    expect(store.set(1, NO_FAULTS)).toBe('unchanged');
  });

  it('is per tab; answers a top frame only with kept faults, a subframe with the current ones', () => {
    const store = new FaultStore(memoryArea());
    store.set(1, on);
    store.set(2, kept);
    expect(store.get(3)).toEqual(NO_FAULTS);
    expect(store.queryAnswer(1, 0)).toEqual(NO_FAULTS);
    expect(store.queryAnswer(1, 7)).toEqual(on);
    expect(store.queryAnswer(2, 0)).toEqual(kept);
    expect(store.tabIds().sort()).toEqual([1, 2]);
  });

  it('a top-frame navigation clears faults unless kept; a closed tab forgets them; the mirror follows', async () => {
    const area = memoryArea();
    const store = new FaultStore(area);
    store.set(1, on);
    store.set(2, kept);
    await Promise.resolve();
    expect(area.data.get('faults:1')).toEqual(on);
    expect(store.topNavigation(1)).toEqual(NO_FAULTS);
    expect(store.topNavigation(1)).toBeNull(); // nothing left to clear
    expect(store.topNavigation(2)).toBeNull();
    expect(store.get(2)).toEqual(kept);
    // Tab 1's pages may still hold a set (the back/forward cache): it stays one to tell; tab 3 never had any.
    expect([store.hadFaults(1), store.hadFaults(3)]).toEqual([true, false]);
    store.forget(2);
    expect(store.get(2)).toEqual(NO_FAULTS);
    expect(store.hadFaults(2)).toBe(false);
    await Promise.resolve();
    expect([...area.data.keys()].filter((k) => k.startsWith('faults:'))).toEqual([]);
  });

  it('restores mirrored sets after a worker restart and removes unreadable ones, leaving the log alone', async () => {
    const area = memoryArea();
    await area.set({
      'faults:4': on,
      'faults:5': { faults: [{ id: 'nope' }], keepAcrossReload: false },
      'log:4:meta': {},
    });
    const store = new FaultStore(area);
    await store.restore();
    expect(store.get(4)).toEqual(on);
    expect(store.get(5)).toEqual(NO_FAULTS);
    expect([...area.data.keys()].sort()).toEqual(['faults:4', 'log:4:meta']);
  });

  it('logs a change as a faults.changed entry without a page clock', () => {
    expect(faultsChangedEvent(kept, 1_800_000_000_000)).toEqual({
      kind: 'faults.changed',
      at: 1_800_000_000_000,
      t: 0,
      faults: kept.faults,
      keepAcrossReload: true,
    });
  });

  it('takes a set-faults only from an extension page', () => {
    const base = 'chrome-extension://abc/';
    expect(isExtensionPageUrl('chrome-extension://abc/panel.html?tabId=3', base)).toBe(true);
    expect(isExtensionPageUrl('https://evil.test/chrome-extension://abc/', base)).toBe(false);
    expect(isExtensionPageUrl('chrome-extension://other/panel.html', base)).toBe(false);
    expect(isExtensionPageUrl(undefined, base)).toBe(false);
    expect(isExtensionPageUrl('anything', '')).toBe(false);
  });
});

describe('badge', () => {
  it('an active fault takes precedence over the error count, with its own colour and the faults in the title', () => {
    const errors = badgeView(3, NO_FAULTS);
    expect(errors).toMatchObject({ text: '3', title: 'Chat SSO Inspector: 3 errors in this tab' });
    const fault = badgeView(3, on);
    expect(fault.text).toBe(FAULT_BADGE_TEXT);
    expect(fault.color).not.toBe(errors.color);
    expect(fault.title).toBe(
      'Chat SSO Inspector: fault injection active — POST to botTokenUrl answered 500 by the inspector',
    );
    expect(badgeView(0, kept).title).toMatch(/tokenExchangeResource stripped.*\(kept across reloads\)$/);
    expect(badgeView(0, NO_FAULTS)).toMatchObject({ text: '', title: 'Chat SSO Inspector' });
  });
});
