// @vitest-environment happy-dom
/** The "⚡ injected" badge on timeline rows an injected fault changed (panel/Timeline.tsx), as text with a title. */
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { expect, it } from 'vitest';
import { Timeline } from '../../panel/Timeline';
import { buildTimeline } from '../../src/analysis/rows/timeline';
import { faultCapture } from '../helpers/faults';
import { useRenderRoot } from '../helpers/domRoot';

const mounted = useRenderRoot();

it('marks exactly the injected rows, naming the fault in the title', async () => {
  const entries = faultCapture('exchange-502');
  const rows = buildTimeline(entries, Math.max(...entries.map((e) => e.event.at)));
  await act(() =>
    render(
      h(Timeline, {
        rows,
        start: rows[0]!.at,
        timeMode: 'relative',
        selected: null,
        onSelect: () => {},
        onOpen: () => {},
        dropped: 0,
      }),
      mounted.el,
    ),
  );
  const badges = [...mounted.el.querySelectorAll('[data-testid=injected-badge]')];
  expect(badges).toHaveLength(rows.filter((r) => r.injected).length);
  expect(badges.length).toBeGreaterThanOrEqual(3);
  for (const b of badges) {
    expect(b.textContent).toBe('⚡ injected');
    expect(b.getAttribute('title')).toBe(
      'injected exchange-502: the signin/tokenExchange invoke was answered 502 by the inspector',
    );
    expect(b.closest('[role=row]')!.getAttribute('data-injected')).toBe('exchange-502');
  }
  const plain = [...mounted.el.querySelectorAll('[role=row][data-injected=""]')];
  expect(plain.length).toBe(rows.length - badges.length);
  for (const r of plain) expect(r.querySelector('[data-testid=injected-badge]')).toBeNull();
});
