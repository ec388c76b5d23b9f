/**
 * A Preact binding for @tanstack/virtual-core (https://tanstack.com/virtual): only the rows in
 * view (plus overscan) are rendered, so a 50,000-event timeline stays responsive.
 */
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { useEffect, useLayoutEffect, useReducer, useState } from 'preact/hooks';

/** `count` rows of `rowHeight` px inside the scroll element returned by `getScrollElement`. */
export function useVirtualizer(opts: {
  count: number;
  rowHeight: number;
  getScrollElement: () => HTMLElement | null;
  overscan?: number;
  enabled: boolean;
}) {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count: opts.count,
        getScrollElement: opts.getScrollElement,
        estimateSize: () => opts.rowHeight,
        overscan: opts.overscan ?? 20,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(0),
        enabled: opts.enabled,
      }),
  );
  virtualizer.setOptions({
    ...virtualizer.options,
    count: opts.count,
    getScrollElement: opts.getScrollElement,
    estimateSize: () => opts.rowHeight,
    overscan: opts.overscan ?? 20,
    enabled: opts.enabled,
    onChange: () => rerender(0),
  });
  useEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());
  return virtualizer;
}
