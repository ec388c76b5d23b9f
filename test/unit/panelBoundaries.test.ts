// @vitest-environment happy-dom
/**
 * The panel never goes blank: the error boundaries (panel/ErrorBoundary.tsx) and the Inspector's
 * guarded analyses, rendered with Preact on a happy-dom document. A part that fails says so in its
 * place ("This part could not be shown: …") and the rest of the panel keeps working; a hostile token
 * renders with its problems explained.
 */
import { h, render, type ComponentChildren } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '../../src/shared/events';
import { ErrorBoundary, partFailedText } from '../../panel/ErrorBoundary';
import { Inspector } from '../../panel/Inspector';
import { capture, editEvents } from '../helpers/captures';
import { jwt } from '../helpers/tokens';

/** Switches that make one analysis throw, to prove the boundaries (vi.mock is hoisted above the imports). */
const fail = vi.hoisted(() => ({ timeline: false, decode: false, diagnose: false }));
vi.mock('../../src/analysis/rows/timeline', async (original) => {
  const mod = await original<typeof import('../../src/analysis/rows/timeline')>();
  return {
    ...mod,
    buildTimeline: (...args: Parameters<typeof mod.buildTimeline>) =>
      fail.timeline ? boom('timeline exploded') : mod.buildTimeline(...args),
  };
});
vi.mock('../../src/analysis/model/jwt', async (original) => {
  const mod = await original<typeof import('../../src/analysis/model/jwt')>();
  return {
    ...mod,
    decodeJwtView: (...args: Parameters<typeof mod.decodeJwtView>) =>
      fail.decode ? boom('decoder exploded') : mod.decodeJwtView(...args),
  };
});
vi.mock('../../src/analysis/diagnosis', async (original) => {
  const mod = await original<typeof import('../../src/analysis/diagnosis')>();
  return {
    ...mod,
    diagnose: (...args: Parameters<typeof mod.diagnose>) =>
      fail.diagnose ? boom('diagnosis exploded') : mod.diagnose(...args),
  };
});
function boom(message: string): never {
  throw new TypeError(message);
}

const HOSTILE = jwt(
  { toString: 0, exp: { valueOf: 0 }, lwicontexts: { toString: 0 } },
  { alg: { toString: 0 }, typ: ['x'] },
);
const hostileCapture = (): LogEntry[] =>
  editEvents(capture('fast'), 'provider.callback', (e) => {
    e.token = HOSTILE;
  });

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  Object.assign(fail, { timeline: false, decode: false, diagnose: false });
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

const mount = (vnode: preact.VNode<any>) => act(() => render(vnode, root));
const $ = (selector: string) => root.querySelector<HTMLElement>(selector);
const $$ = (selector: string) => [...root.querySelectorAll<HTMLElement>(selector)];
const inspector = (entries: LogEntry[]) =>
  h(Inspector, {
    entries,
    mode: 'file',
    status: 'capture: test.json',
    extensionVersion: 't',
    empty: h('p', null, 'empty'),
  });
const click = (el: HTMLElement | null) =>
  act(() => {
    el!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });

function Throws({ message }: { message: string }): ComponentChildren {
  throw new Error(message);
}

describe('ErrorBoundary', () => {
  it('shows the failure in place of the part, as text, and the rest still renders', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await mount(
      h('div', null, [
        h(ErrorBoundary, { part: 'timeline' }, h(Throws, { message: 'claim <b>eyJhbGciOi.secret</b> broke it.' })),
        h('p', { id: 'sibling' }, 'still here'),
      ]),
    );
    const notice = $('[data-testid=part-failed]')!;
    expect(notice.dataset.part).toBe('timeline');
    expect(notice.getAttribute('role')).toBe('alert');
    expect(notice.textContent).toBe(
      '✖ This part could not be shown: claim <b>eyJhbGciOi.secret</b> broke it. The rest of the panel still works. Please export the capture and report it.',
    );
    expect(notice.querySelector('b')).toBeNull(); // text, never markup
    expect($('#sibling')!.textContent).toBe('still here');
    // Nothing of the message (which may quote page data) is logged: the part and the error class only.
    const lines = logged.mock.calls.map((c) => c.map(String).join(' ')).join('\n');
    expect(lines).toContain('Chat SSO Inspector: the timeline could not be rendered (Error).');
    expect(lines).not.toContain('eyJ');
  });

  it('tries again when its reset key changes', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await mount(h(ErrorBoundary, { part: 'details', resetKey: 1 }, h(Throws, { message: 'first' })));
    expect($('[data-testid=part-failed]')!.textContent).toContain('could not be shown: first.');
    await mount(h(ErrorBoundary, { part: 'details', resetKey: 1 }, h('p', { id: 'ok' }, 'fine')));
    expect($('#ok')).toBeNull(); // same key: still the notice
    await mount(h(ErrorBoundary, { part: 'details', resetKey: 2 }, h('p', { id: 'ok' }, 'fine')));
    expect($('#ok')!.textContent).toBe('fine');
    expect($('[data-testid=part-failed]')).toBeNull();
  });

  it('shows extra content (the viewer keeps its file picker)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await mount(
      h(
        ErrorBoundary,
        { part: 'viewer', extra: h('button', { id: 'pick' }, 'Open file…') },
        h(Throws, { message: 'x' }),
      ),
    );
    expect($('[data-testid=part-failed] #pick')).not.toBeNull();
  });

  it('words the message once, whatever the error ends with', () => {
    expect(partFailedText('boom.')).toBe(
      'This part could not be shown: boom. The rest of the panel still works. Please export the capture and report it.',
    );
    expect(partFailedText('boom')).toBe(partFailedText('boom.'));
  });
});

describe('Inspector on a hostile token', () => {
  it('shows the timeline, the token row explaining what it cannot display, the details and the diagnosis', async () => {
    await mount(inspector(hostileCapture()));
    expect($$('.timeline .row[data-seq]').length).toBeGreaterThan(5);
    const row = $('.row[data-kind="provider.callback"]')!;
    expect(row.dataset.severity).toBe('warning');
    expect(row.querySelector('.summary')!.textContent).toContain(
      'JWT with alg {"toString":0} (an object, not a string; RS256 required), exp is not a NumericDate ({"valueOf":0}), lwicontexts is an object, not a string',
    );
    expect($('[data-testid=headline]')!.dataset.checkId).toBe('auth.alg-not-rs256');

    await click(row);
    expect(JSON.parse($('[data-testid=jwt-header]')!.textContent!)).toEqual({ alg: { toString: 0 }, typ: ['x'] });
    expect(JSON.parse($('[data-testid=jwt-payload]')!.textContent!)).toEqual({
      toString: 0,
      exp: { valueOf: 0 },
      lwicontexts: { toString: 0 },
    });
    expect($$('[data-testid=jwt-note]').map((n) => n.textContent)).toEqual([
      `⚠ The header's alg is an object ({"toString":0}), not a string naming the algorithm (RS256).`,
      `⚠ The header's typ is an array (["x"]), not a string.`,
      `⚠ The payload's exp is an object ({"valueOf":0}), not a finite NumericDate (seconds since 1970-01-01).`,
    ]);
    expect($('[data-testid=jwt-times]')!.textContent).toContain('{"valueOf":0}invalidnot a number');
    expect($('[data-testid=lwicontexts]')!.textContent).toContain('lwicontexts is a JSON object; it must be a string');
    expect($('[data-testid=part-failed]')).toBeNull();

    await click($('[data-testid=view-diagnosis]'));
    expect($$('[data-testid=finding]').map((f) => f.dataset.checkId)).toEqual(
      expect.arrayContaining(['auth.alg-not-rs256', 'auth.lwicontexts-not-string']),
    );
    expect($('[data-testid=attempt]')!.textContent).toContain('Token: JWT with alg {"toString":0}');
  });
});

describe('Inspector when a part fails', () => {
  it('a failing timeline says so; the headline, filters and diagnosis still work', async () => {
    fail.timeline = true;
    await mount(inspector(hostileCapture()));
    const notice = $('[data-testid=part-failed][data-part=timeline]')!;
    expect(notice.textContent).toBe(
      '✖ This part could not be shown: timeline exploded. The rest of the panel still works. Please export the capture and report it.',
    );
    expect($('[data-testid=empty]')).toBeNull();
    expect($('[data-testid=headline]')!.dataset.checkId).toBe('auth.alg-not-rs256');
    expect($('[data-testid=export-capture]')).not.toBeNull();
    await click($('[data-testid=view-diagnosis]'));
    expect($$('[data-testid=finding]').length).toBeGreaterThan(0);
  });

  it('a failing diagnosis says so in the diagnosis view and above the timeline; the timeline still works', async () => {
    fail.diagnose = true;
    await mount(inspector(hostileCapture()));
    expect($('[data-testid=part-failed][data-part=diagnosis]')!.textContent).toContain(
      'could not be shown: diagnosis exploded.',
    );
    expect($$('.timeline .row[data-seq]').length).toBeGreaterThan(5);
    await click($('[data-testid=view-diagnosis]'));
    expect($('[data-testid=part-failed][data-part=diagnosis]')).not.toBeNull();
    await click($('[data-testid=view-timeline]'));
    expect($$('.timeline .row[data-seq]').length).toBeGreaterThan(5);
  });

  it('a token that cannot be rendered costs the token section only; the event is still shown', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await mount(inspector(hostileCapture()));
    fail.decode = true;
    await click($('.row[data-kind="provider.callback"]'));
    expect($('[data-testid=details]')).not.toBeNull();
    expect($('[data-testid=part-failed][data-part=token]')!.textContent).toContain(
      'could not be shown: decoder exploded.',
    );
    expect($('[data-testid=details] pre.json')!.textContent).toContain('"kind": "provider.callback"');
    // Another row renders normally.
    fail.decode = false;
    await click($('.row[data-kind="provider.invoke"]'));
    expect($('[data-testid=part-failed]')).toBeNull();
    expect($('[data-testid=jwt-header]')).not.toBeNull();
  });
});
