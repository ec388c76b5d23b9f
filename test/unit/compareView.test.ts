// @vitest-environment happy-dom
/**
 * The "What changed" view (panel/CompareView.tsx) in the Diagnosis view (panel/Findings.tsx), rendered with
 * Preact on a happy-dom document: the empty state below two attempts, the default pair (the attempt with an
 * injected fault against the one without), each step's difference, picking and swapping attempts, evidence
 * links, and page text rendered as text.
 */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { CompareView, COMPARE_EMPTY } from '../../panel/CompareView';
import { Findings } from '../../panel/Findings';
import type { SsoAttempt } from '../../src/analysis/diagnosis';
import { LogModel } from '../../src/analysis/logModel';
import { LogIndex } from '../../src/analysis/model/logIndex';
import type { LogEntry } from '../../src/shared/events';
import { capture } from '../helpers/captures';
import { twoRunsLog } from '../helpers/faults';
import { useRenderRoot } from '../helpers/domRoot';

const mounted = useRenderRoot();

const $ = (selector: string) => mounted.el.querySelector<HTMLElement>(selector);
const $$ = (selector: string) => [...mounted.el.querySelectorAll<HTMLElement>(selector)];

async function mountFindings(entries: LogEntry[], onShow = vi.fn()) {
  const model = LogModel.of(entries);
  const diagnosis = model.diagnose(model.index.lastAt);
  await act(() => render(h(Findings, { diagnosis, onShowEvidence: onShow, log: model.index }), mounted.el));
  return { diagnosis, onShow };
}

const select = (testId: string, value: string) =>
  act(() => {
    const el = $(`[data-testid=${testId}]`) as HTMLSelectElement;
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });

describe('What changed, in the Diagnosis view', () => {
  it('with one attempt, says how to get two', async () => {
    await mountFindings(capture('sso-failure-502'));
    expect($('[data-testid=compare-empty]')!.textContent).toBe(COMPARE_EMPTY);
    expect($('[data-testid=compare-open]')).toBeNull();
  });

  it('opens on the attempt with the injected fault against the one without, each step marked', async () => {
    const { diagnosis, onShow } = await mountFindings(twoRunsLog());
    expect(diagnosis.attempts).toHaveLength(2);
    const open = $('[data-testid=compare-open]')!;
    expect(open.getAttribute('aria-expanded')).toBe('false');
    await act(() => open.click());
    expect(open.getAttribute('aria-expanded')).toBe('true');
    const [clean, faulted] = diagnosis.attempts;
    expect(($('[data-testid=compare-pick-a]') as HTMLSelectElement).value).toBe(faulted!.id);
    expect(($('[data-testid=compare-pick-b]') as HTMLSelectElement).value).toBe(clean!.id);
    expect($('[data-testid=compare-summary]')!.textContent).toMatch(
      /^Outcome changed: A card shown, B card hidden\. \d+ step\(s\) differ\.$/,
    );
    expect($('[data-testid=compare-side-a]')!.textContent).toContain('⚡ injected: exchange-502');
    expect($('[data-testid=compare-side-b]')!.textContent).toContain('no injected fault');
    const rows = $$('[data-testid=compare-step]');
    const kinds = rows.map((r) => r.getAttribute('data-diff'));
    expect(kinds[0]).toBe('same');
    expect(kinds).toContain('changed');
    expect(kinds).toContain('only-a');
    const result = rows.find((r) => r.textContent!.includes('Direct Line answered 502'))!;
    expect(result.getAttribute('data-diff')).toBe('changed');
    expect(result.querySelector('[data-testid=compare-changes]')!.textContent).toContain('result');
    // An evidence link shows its event in the timeline.
    const link = rows[0]!.querySelector('button.link') as HTMLButtonElement;
    await act(() => link.click());
    expect(onShow).toHaveBeenCalledWith(Number(link.textContent!.slice(1)));
  });

  it('picks other attempts, swaps them, and says when both sides are the same attempt', async () => {
    const { diagnosis } = await mountFindings(twoRunsLog());
    await act(() => $('[data-testid=compare-open]')!.click());
    const [clean, faulted] = diagnosis.attempts;
    await act(() => $('[data-testid=compare-swap]')!.click());
    expect(($('[data-testid=compare-pick-a]') as HTMLSelectElement).value).toBe(clean!.id);
    expect($('[data-testid=compare-summary]')!.textContent).toMatch(/^Outcome changed: A card hidden, B card shown/);
    await select('compare-pick-b', clean!.id);
    expect($('[data-testid=compare-summary]')!.textContent).toBe(
      'A and B are the same attempt: pick another one to compare.',
    );
    expect($$('[data-testid=compare-step]').every((r) => r.getAttribute('data-diff') === 'same')).toBe(true);
    await select('compare-pick-a', faulted!.id);
    expect($('[data-testid=compare-summary]')!.textContent).toMatch(/^Outcome changed: A card shown, B card hidden/);
  });
});

describe('CompareView', () => {
  const EVIL = '<img src=x onerror="window.__pwned=1">';
  it('renders page text as text', async () => {
    const entries: LogEntry[] = [1, 2].map((seq) => ({
      seq,
      frameId: 0,
      event: { kind: 'lcw.event', name: 'lcw:x', t: seq, at: seq },
    }));
    const attempt = (id: string, text: string): SsoAttempt => ({
      id,
      kind: 'oauthcard',
      title: `${EVIL} ${id}`,
      outcome: 'card shown',
      sentence: EVIL,
      steps: [{ text, status: 'fail', evidence: [1] }],
      startSeq: 1,
    });
    await act(() =>
      render(
        h(CompareView, {
          attempts: [attempt('a', `${EVIL} 1`), attempt('b', `${EVIL} 2`)],
          log: LogIndex.of(entries),
          onShow: () => {},
        }),
        mounted.el,
      ),
    );
    expect($('img')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
    expect($$('[data-testid=compare-step]').map((r) => r.getAttribute('data-diff'))).toEqual(['changed']);
    expect($('[data-testid=compare-steps]')!.textContent).toContain(EVIL);
  });

  it('with fewer than two attempts, shows the empty state', async () => {
    await act(() => render(h(CompareView, { attempts: [], log: LogIndex.of([]), onShow: () => {} }), mounted.el));
    expect($('[data-testid=compare-empty]')!.textContent).toBe(COMPARE_EMPTY);
  });
});
