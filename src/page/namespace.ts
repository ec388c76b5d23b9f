/**
 * Catches `window.Microsoft.Omnichannel.LiveChatWidget.SDK` however and whenever it appears.
 *
 * The LCW bootstrapper runs asynchronously, reuses existing namespace objects
 * (`Microsoft || (Microsoft = {})`) and assigns members one at a time; sites may
 * also assign `window.Microsoft` wholesale before or after it (Power Pages puts
 * `Microsoft.Dynamic365` there). Like Apollo Client Devtools, we put an accessor
 * on each level of the path: its setter stores the page's own object (identity
 * is kept, nothing is copied) and traps the next level on it.
 * See docs/architecture.md, "Catching the SDK".
 */
import type { HookContext } from './context';

/** The namespace path of the LCW SDK, from `window`. */
export const SDK_PATH = ['Microsoft', 'Omnichannel', 'LiveChatWidget', 'SDK'] as const;

const TRAP = Symbol('chat-sso-inspector.namespace');

/**
 * Traps `path` below `root`; calls `onLeaf(value)` every time the last level gets a value
 * (through any level's assignment). Idempotent per (object, key). Never throws.
 */
export function trapPath(ctx: HookContext, root: object, path: readonly string[], onLeaf: (leaf: unknown) => void): void {
  const { natives } = ctx;

  const onLevel = (value: unknown, depth: number) => {
    if (depth === path.length - 1) {
      ctx.guard('namespace leaf', () => onLeaf(value));
      return;
    }
    if (value && (typeof value === 'object' || typeof value === 'function')) trapKey(value as object, depth + 1);
  };

  const trapKey = (obj: object, depth: number): void => {
    const key = path[depth]!;
    ctx.guard(`trap ${path.slice(0, depth + 1).join('.')}`, () => {
      const d = natives.getOwnPropertyDescriptor(obj, key);
      if (d?.get && (d.get as { [TRAP]?: true })[TRAP]) {
        onLevel(d.get.call(obj), depth); // re-walk: a deeper level may have been replaced behind our back
        return;
      }
      if (d && (d.get || d.set || !d.configurable || !d.writable)) {
        // Cannot (or must not) take over this property: follow its current value; scans catch the rest.
        onLevel(d.get ? undefined : d.value, depth);
        return;
      }
      if (!d && !Object.isExtensible(obj)) return;
      let current: unknown = d?.value;
      let enumerable = d ? !!d.enumerable : false;
      const get = function () {
        return current;
      };
      const set = function (value: unknown) {
        current = value;
        if (!enumerable) {
          enumerable = true; // what a plain assignment would have created
          ctx.guard('namespace enumerable', () => natives.defineProperty(obj, key, { get, set, enumerable: true, configurable: true }));
        }
        onLevel(value, depth);
      };
      (get as { [TRAP]?: true })[TRAP] = true;
      natives.defineProperty(obj, key, { get, set, enumerable, configurable: true });
      if (current !== undefined) onLevel(current, depth);
    });
  };

  trapKey(root, 0);
}

/**
 * Reads `path` below `root` without trapping anything (a fallback for pages that
 * replaced our accessor with `Object.defineProperty`). Returns undefined on any failure.
 */
export function readPath(root: object, path: readonly string[]): unknown {
  try {
    let value: unknown = root;
    for (const key of path) {
      if (!value || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  } catch {
    return undefined;
  }
}
