/**
 * A fresh element to render Preact components into, for each test of a happy-dom test file: appended to the
 * body before each test, unmounted and removed after it. Register once at the top of the file; read `.el`
 * in the tests.
 */
import { render } from 'preact';
import { afterEach, beforeEach } from 'vitest';

export function useRenderRoot(): { el: HTMLElement } {
  const root = { el: undefined as unknown as HTMLElement };
  beforeEach(() => {
    root.el = document.createElement('div');
    document.body.append(root.el);
  });
  afterEach(() => {
    render(null, root.el);
    root.el.remove();
  });
  return root;
}
