// @vitest-environment happy-dom
/**
 * The sequence diagrams in the Diagnosis view (panel/Findings.tsx, panel/SequenceDiagram.tsx), rendered
 * with Preact on a happy-dom document: page text stays text, a click or Enter shows the arrow's event,
 * the arrow keys move the one tab stop, a diagram that fails costs only itself, and a long session
 * draws a bounded number of diagrams and says so. (Real browsers: test/e2e/diagram.*.test.ts.)
 */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIAGRAMS_DRAWN, Findings } from '../../panel/Findings';
import type { Diagnosis } from '../../src/analysis/diagnosis';
import { LogModel } from '../../src/analysis/logModel';
import type { LogEntry } from '../../src/shared/events';
import { capture, editEvents } from '../helpers/captures';

const fail = vi.hoisted(() => ({ diagram: false }));
vi.mock('../../src/analysis/diagram', async (original) => {
  const mod = await original<typeof import('../../src/analysis/diagram')>();
  return {
    ...mod,
    diagramOf: (...args: Parameters<typeof mod.diagramOf>) => {
      if (fail.diagram) throw new TypeError('diagram exploded');
      return mod.diagramOf(...args);
    },
  };
});

const EVIL = '<img src=x onerror="window.__pwned=1">';

let root: HTMLElement;
beforeEach(() => {
  root = document.createElement('div');
  document.body.append(root);
  fail.diagram = false;
});
afterEach(() => {
  render(null, root);
  root.remove();
  vi.restoreAllMocks();
});

const $ = (selector: string) => root.querySelector<Element>(selector);
const $$ = (selector: string) => [...root.querySelectorAll<Element>(selector)];

function diagnosed(entries: LogEntry[]) {
  const model = LogModel.of(entries);
  return { model, diagnosis: model.diagnose(model.index.lastAt) };
}

async function mount(diagnosis: Diagnosis, model: LogModel | null, onShow = vi.fn()) {
  await act(() =>
    render(h(Findings, { diagnosis, onShowEvidence: onShow, ...(model ? { log: model.index } : {}) }), root),
  );
  return onShow;
}

const hostile502 = () =>
  editEvents(capture('sso-failure-502'), 'directline.activities', (e) => {
    for (const a of e.activities) for (const x of a.attachments ?? []) if (x.oauth) x.oauth.connectionName = EVIL;
  });

describe('a diagram per attempt', () => {
  it('draws the lanes and arrows; page text stays text', async () => {
    const { model, diagnosis } = diagnosed(hostile502());
    await mount(diagnosis, model);
    expect($$('[data-testid=sequence-diagram]')).toHaveLength(1);
    expect($$('.sd-lane').map((l) => l.getAttribute('data-lane'))).toEqual(['page', 'widget', 'transport', 'bot']);
    const labels = $$('.sd-msg .sd-label').map((l) => l.textContent);
    expect(labels[0]).toBe(`OAuthCard (${EVIL.slice(0, 29)}…)`);
    expect($('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect($('[data-testid=sequence-diagram]')!.getAttribute('data-branch')).toBe('fallback');
  });

  it('a click or Enter shows the event; the arrow keys move the tab stop', async () => {
    const { model, diagnosis } = diagnosed(capture('sso-failure-502'));
    const onShow = await mount(diagnosis, model);
    const msgs = () => $$('.sd-msg');
    const seqOf = (el: Element) => Number(el.getAttribute('data-seq'));
    expect(msgs().map((m) => m.getAttribute('tabindex'))).toEqual(['0', '-1', '-1', '-1', '-1', '-1']);
    await act(() => {
      msgs()[2]!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(onShow).toHaveBeenLastCalledWith(seqOf(msgs()[2]!));
    const key = (el: Element, k: string) =>
      act(() => {
        el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
      });
    await key(msgs()[0]!, 'ArrowDown');
    expect(msgs().map((m) => m.getAttribute('tabindex'))).toEqual(['-1', '0', '-1', '-1', '-1', '-1']);
    await key(msgs()[1]!, 'End');
    expect(msgs().at(-1)!.getAttribute('tabindex')).toBe('0');
    await key(msgs()[3]!, 'Enter');
    expect(onShow).toHaveBeenLastCalledWith(seqOf(msgs()[3]!));
    await key(msgs()[4]!, ' ');
    expect(onShow).toHaveBeenLastCalledWith(seqOf(msgs()[4]!));
    expect(onShow).toHaveBeenCalledTimes(3);
  });

  it('a diagram that cannot be drawn says so in its place; the steps and findings stay', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fail.diagram = true;
    const { model, diagnosis } = diagnosed(capture('rc-auth-ok'));
    await mount(diagnosis, model);
    expect($$('[data-testid=part-failed][data-part=diagram]')).toHaveLength(2);
    expect($('[data-part=diagram]')!.textContent).toContain('could not be shown: diagram exploded.');
    expect($$('[data-testid=attempt] .steps li').length).toBeGreaterThan(4);
    expect($$('[data-testid=finding]').length).toBe(diagnosis.findings.length);
  });

  it('without the log, the view lists the attempts without diagrams', async () => {
    const { diagnosis } = diagnosed(capture('fast'));
    await mount(diagnosis, null);
    expect($$('[data-testid=attempt]')).toHaveLength(1);
    expect($('[data-testid=sequence-diagram]')).toBeNull();
  });
});

describe('a long session', () => {
  it(`draws the first ${DIAGRAMS_DRAWN} diagrams, says so, and draws another on request`, async () => {
    const { model, diagnosis } = diagnosed(capture('fast'));
    const many = Array.from({ length: DIAGRAMS_DRAWN + 5 }, (_, i) => ({ ...diagnosis.attempts[0]!, id: `a${i}` }));
    await mount({ ...diagnosis, attempts: many }, model);
    expect($$('[data-testid=sequence-diagram]')).toHaveLength(DIAGRAMS_DRAWN);
    expect($$('[data-testid=draw-diagram]')).toHaveLength(5);
    expect($('[data-testid=diagrams-left]')!.textContent).toBe(
      `Sequence diagrams are drawn for the first ${DIAGRAMS_DRAWN} attempts; the other 5 have a button that draws theirs.`,
    );
    await act(() => ($('[data-testid=draw-diagram]') as HTMLButtonElement).click());
    expect($$('[data-testid=sequence-diagram]')).toHaveLength(DIAGRAMS_DRAWN + 1);
    expect($$('[data-testid=draw-diagram]')).toHaveLength(4);
  });
});
