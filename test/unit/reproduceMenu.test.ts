// @vitest-environment happy-dom
/**
 * The Reproduce menu and the fault banner (panel/ReproduceMenu.tsx) inside the live Inspector, rendered with
 * Preact on a happy-dom document: every fault is off until the user switches it on, `set-faults` goes out only
 * on a user's change, and the banner shows while the background reports faults. A stand-in background echoes
 * each set back as LogState.faults, as the real one does (src/background/index.ts).
 */
import { h, render } from 'preact';
import { useState } from 'preact/hooks';
import { act } from 'preact/test-utils';
import { describe, expect, it } from 'vitest';
import { Inspector } from '../../panel/Inspector';
import {
  DEFAULT_AUTH_DELAY_S,
  DEFAULT_BOT_AUTH_DELAY_S,
  FAULT_IDS,
  NO_FAULTS,
  type FaultSet,
} from '../../src/shared/faults';
import type { LogState } from '../../src/shared/messages';
import { useRenderRoot } from '../helpers/domRoot';

const mounted = useRenderRoot();

const $ = (id: string) => mounted.el.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const mount = (vnode: preact.VNode<any>) => act(() => render(vnode, mounted.el));
const click = (el: HTMLElement | null) =>
  act(() => {
    el!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
/** The user ticks or unticks a checkbox. */
const toggle = (id: string) =>
  act(() => {
    const box = $(id) as HTMLInputElement;
    box.checked = !box.checked;
    box.dispatchEvent(new Event('change', { bubbles: true }));
  });
/** The user sets an input's or a select's value and commits it. */
const setValue = (id: string, value: string) =>
  act(() => {
    const el = $(id) as HTMLInputElement;
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });

/** The live Inspector with a background that applies every set it is sent (`sent` records them). */
function live(sent: FaultSet[], initial: FaultSet = NO_FAULTS, mode: 'live' | 'file' = 'live') {
  function Harness() {
    const [faults, setFaults] = useState(initial);
    const state: LogState = { dropped: 0, preserveLog: false, maxEntries: 10_000, faults };
    return h(Inspector, {
      entries: [],
      mode,
      status: 'tab 1: connected',
      logState: state,
      extensionVersion: 't',
      empty: h('p', null, 'empty'),
      ...(mode === 'live'
        ? {
            onSetFaults: (set: FaultSet) => {
              sent.push(structuredClone(set));
              setFaults(set.faults.length ? set : NO_FAULTS); // the background keeps no empty set
            },
          }
        : {}),
    });
  }
  return mount(h(Harness, {}));
}

describe('Reproduce menu', () => {
  it('starts with every fault off at its default setting, and sends nothing until the user changes something', async () => {
    const sent: FaultSet[] = [];
    await live(sent);
    expect($('fault-banner')).toBeNull();
    expect($('reproduce-menu')).toBeNull();
    const button = $('reproduce')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    await click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect($('reproduce-menu')!.getAttribute('aria-label')).toBe('Fault injection for this tab');
    for (const id of FAULT_IDS) expect(($(`fault-${id}`) as HTMLInputElement).checked).toBe(false);
    expect(($('fault-keep') as HTMLInputElement).checked).toBe(false);
    expect(($('fault-auth-delay-seconds') as HTMLInputElement).value).toBe(String(DEFAULT_AUTH_DELAY_S));
    expect(($('fault-bot-auth-delay-seconds') as HTMLInputElement).value).toBe(String(DEFAULT_BOT_AUTH_DELAY_S));
    expect(($('faults-off') as HTMLButtonElement).disabled).toBe(true);
    // Settings of faults that are off, and the keep box while all are off, are only remembered.
    await setValue('fault-auth-delay-seconds', '12');
    await setValue('fault-post-token-status-status', '404');
    await toggle('fault-keep');
    expect(sent).toEqual([]);
  });

  it('switching a fault on or off, or changing the setting of one that is on, sends the whole set', async () => {
    const sent: FaultSet[] = [];
    await live(sent);
    await click($('reproduce'));
    await setValue('fault-auth-delay-seconds', '12');
    await toggle('fault-auth-delay');
    await toggle('fault-exchange-502');
    await setValue('fault-auth-fail-mode', 'expired');
    await toggle('fault-auth-fail');
    await setValue('fault-auth-fail-mode', 'malformed');
    await toggle('fault-keep');
    await toggle('fault-exchange-502');
    expect(sent).toEqual([
      { faults: [{ id: 'auth-delay', seconds: 12 }], keepAcrossReload: false },
      { faults: [{ id: 'auth-delay', seconds: 12 }, { id: 'exchange-502' }], keepAcrossReload: false },
      {
        faults: [{ id: 'auth-delay', seconds: 12 }, { id: 'auth-fail', mode: 'expired' }, { id: 'exchange-502' }],
        keepAcrossReload: false,
      },
      {
        faults: [{ id: 'auth-delay', seconds: 12 }, { id: 'auth-fail', mode: 'malformed' }, { id: 'exchange-502' }],
        keepAcrossReload: false,
      },
      {
        faults: [{ id: 'auth-delay', seconds: 12 }, { id: 'auth-fail', mode: 'malformed' }, { id: 'exchange-502' }],
        keepAcrossReload: true,
      },
      {
        faults: [
          { id: 'auth-delay', seconds: 12 },
          { id: 'auth-fail', mode: 'malformed' },
        ],
        keepAcrossReload: true,
      },
    ]);
    expect(($('fault-auth-delay') as HTMLInputElement).checked).toBe(true);
    expect($('reproduce')!.textContent).toContain('2 on');
  });

  it('an out-of-range delay is refused with a message, and nothing is sent', async () => {
    const sent: FaultSet[] = [];
    await live(sent);
    await click($('reproduce'));
    await setValue('fault-bot-auth-delay-seconds', '9999');
    await toggle('fault-bot-auth-delay');
    expect(sent).toEqual([]);
    expect(mounted.el.querySelector('[role=alert]')!.textContent).toContain('Enter seconds between 0 and 120.');
    expect($('fault-bot-auth-delay-seconds')!.getAttribute('aria-invalid')).toBe('true');
    await setValue('fault-bot-auth-delay-seconds', '3');
    await toggle('fault-bot-auth-delay');
    expect(sent).toEqual([{ faults: [{ id: 'bot-auth-delay', seconds: 3 }], keepAcrossReload: false }]);
    expect(mounted.el.querySelector('[role=alert]')).toBeNull();
  });

  it('Escape closes the menu and gives the focus back to its button; a press outside closes it', async () => {
    await live([]);
    await click($('reproduce'));
    await act(() => {
      $('fault-exchange-502')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect($('reproduce-menu')).toBeNull();
    expect(document.activeElement).toBe($('reproduce'));
    // A press inside keeps it open; one outside closes it.
    await click($('reproduce'));
    const press = (el: Element) =>
      act(() => {
        el.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
      });
    await press($('fault-keep')!);
    expect($('reproduce-menu')).not.toBeNull();
    await press(mounted.el.querySelector('.counts')!);
    expect($('reproduce-menu')).toBeNull();
  });

  it('is not offered on files (the viewer)', async () => {
    await live([], { faults: [{ id: 'exchange-502' }], keepAcrossReload: false }, 'file');
    expect($('reproduce')).toBeNull();
    expect($('fault-banner')).toBeNull();
  });
});

describe('fault banner', () => {
  it('shows while a fault is active, says which, and turns them all off', async () => {
    const sent: FaultSet[] = [];
    await live(sent, {
      faults: [{ id: 'post-token-status', status: 500 }, { id: 'strip-exchange-resource' }],
      keepAcrossReload: true,
    });
    const banner = $('fault-banner')!;
    expect(banner.getAttribute('role')).toBe('status');
    expect(banner.textContent).toBe(
      'Fault injection active on this tab: POST to botTokenUrl answered 500 by the inspector; tokenExchangeResource stripped from incoming OAuthCards (kept across reloads) Turn all off',
    );
    // The banner sits above the toolbar, at the top of the panel.
    expect(mounted.el.querySelector('.app')!.firstElementChild).toBe(banner);
    await click($('fault-banner-off'));
    expect(sent).toEqual([NO_FAULTS]);
    expect($('fault-banner')).toBeNull();
  });

  it("the menu's Turn all off does the same", async () => {
    const sent: FaultSet[] = [];
    await live(sent, { faults: [{ id: 'exchange-502' }], keepAcrossReload: false });
    await click($('reproduce'));
    expect(($('fault-exchange-502') as HTMLInputElement).checked).toBe(true);
    await click($('faults-off'));
    expect(sent).toEqual([NO_FAULTS]);
    expect(($('fault-exchange-502') as HTMLInputElement).checked).toBe(false);
  });
});

describe('Reproduce menu, while the live panel re-renders', () => {
  it('keeps the seconds the user is typing when new events re-render the panel, and sends them on commit', async () => {
    const sent: FaultSet[] = [];
    const props = (status: string) => ({
      entries: [],
      mode: 'live' as const,
      status,
      logState: { dropped: 0, preserveLog: false, maxEntries: 10_000, faults: NO_FAULTS },
      extensionVersion: 't',
      empty: h('p', null, 'empty'),
      onSetFaults: (set: FaultSet) => sent.push(structuredClone(set)),
    });
    await mount(h(Inspector, props('tab 1: connected')));
    await click($('reproduce'));
    const field = $('fault-bot-auth-delay-seconds') as HTMLInputElement;
    // Typed, not yet committed (no change event: the field still has focus).
    await act(() => {
      field.value = '6';
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await mount(h(Inspector, props('tab 1: connected, 12 events')));
    expect(($('fault-bot-auth-delay-seconds') as HTMLInputElement).value).toBe('6');
    expect(sent).toEqual([]);
    await toggle('fault-bot-auth-delay');
    expect(sent).toEqual([{ faults: [{ id: 'bot-auth-delay', seconds: 6 }], keepAcrossReload: false }]);
  });
});
