/**
 * Page errors, so that "the chat never loaded" is visible and explained: uncaught errors (message,
 * script URL, line), unhandled promise rejections, and scripts or stylesheets that failed to load.
 * Listening changes nothing the page can see: the hook never calls preventDefault, and its
 * listeners run in capture phase on window, before the page's.
 */
import type { HookContext } from './context';
import { own } from '../shared/activity';
import { clip, summarizeError } from '../shared/summarize';
import type { PageWindow } from './natives';

/** Most page errors recorded per document; later ones are counted in one final note. */
const MAX_PAGE_ERRORS = 200;

export function installPageErrorCapture(ctx: HookContext, win: PageWindow): void {
  let count = 0;
  const allow = () => {
    count += 1;
    if (count === MAX_PAGE_ERRORS + 1)
      ctx.report('page errors', new Error(`more than ${MAX_PAGE_ERRORS} page errors: later ones are not recorded`));
    return count <= MAX_PAGE_ERRORS;
  };
  const int = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined);
  win.addEventListener(
    'error',
    (event) =>
      ctx.guard('page error', () => {
        const target = event.target;
        if (target && target !== win && (target as Element).nodeName) {
          // A resource that failed to load (error events on elements do not bubble, but capture sees them).
          const tag = (target as Element).nodeName;
          if (tag !== 'SCRIPT' && tag !== 'LINK') return;
          const url = tag === 'SCRIPT' ? (target as HTMLScriptElement).src : (target as HTMLLinkElement).href;
          if (!allow()) return;
          ctx.emit({
            kind: 'page.error',
            errorType: 'resource',
            message: `${tag.toLowerCase()} failed to load`,
            ...(url ? { source: clip(url, 2000) } : {}),
          });
          return;
        }
        if (!allow()) return;
        const e = event as ErrorEvent;
        const error = summarizeError(e.error);
        const line = int(e.lineno);
        const column = int(e.colno);
        ctx.emit({
          kind: 'page.error',
          errorType: 'error',
          ...(e.error !== undefined && e.error !== null ? { name: error.name } : {}),
          // The error's own message; the event's adds "Uncaught TypeError: " in Chromium.
          message: clip(e.error !== undefined && e.error !== null ? error.message : String(e.message ?? ''), 2000),
          ...(e.filename ? { source: clip(String(e.filename), 2000) } : {}),
          ...(line !== undefined ? { line } : {}),
          ...(column !== undefined ? { column } : {}),
        });
      }),
    true,
  );
  win.addEventListener('unhandledrejection', (event) =>
    ctx.guard('unhandled rejection', () => {
      if (!allow()) return;
      const reason = (event as PromiseRejectionEvent).reason;
      const error = summarizeError(reason);
      const stack = own(reason, 'stack');
      const source =
        typeof stack === 'string' ? /(https?:\/\/[^\s)]+?)(?::\d+){1,2}\)?(?:\n|$)/.exec(stack)?.[1] : undefined;
      ctx.emit({
        kind: 'page.error',
        errorType: 'unhandledrejection',
        name: error.name,
        message: clip(error.message, 2000),
        ...(source ? { source: clip(source, 2000) } : {}),
      });
    }),
  );
}
