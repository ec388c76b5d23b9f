/**
 * Reads page namespaces such as `window.Microsoft.Omnichannel.LiveChatWidget.SDK` without touching them.
 *
 * The hook never creates a property the page did not create: an accessor on `window.Microsoft` read
 * `undefined` and broke `@microsoft/ocsdk`'s `if (!("Microsoft" in window)) …; "CRM" in window.Microsoft`.
 * So namespaces are not trapped; they are read at moments the page cannot tell apart from normal
 * running (discovery.ts), through property descriptors only, so no page getter ever runs.
 */
import { getOwnDescriptor } from '../shared/builtins';

/** The namespace path of the LCW SDK, from `window`. */
export const SDK_PATH = ['Microsoft', 'Omnichannel', 'LiveChatWidget', 'SDK'] as const;

/** The global Bot Framework Web Chat bundles assign (https://github.com/microsoft/BotFramework-WebChat). */
export const WEBCHAT_PATH = ['WebChat'] as const;

/**
 * Follows `path` below `root` through own data properties only (no getters, no proxies' `get`
 * traps beyond `getOwnPropertyDescriptor`). Returns the value at the end, or undefined when a level
 * is missing, an accessor or not an object. Never throws.
 */
export function readDataPath(root: unknown, path: readonly string[]): unknown {
  let value: unknown = root;
  try {
    for (const key of path) {
      if (!value || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
      const d = getOwnDescriptor(value, key);
      if (!d || !('value' in d)) return undefined;
      value = d.value;
    }
    return value;
  } catch {
    return undefined;
  }
}

/** Splits a dotted page path (`auth.getAuthenticationToken`, `window.auth.get`) into keys; null when it is not one. */
export function parseDottedPath(name: string): string[] | null {
  const keys = name
    .trim()
    .replace(/^window\./, '')
    .split('.');
  return keys.length > 0 && keys.length <= 8 && keys.every((k) => /^[A-Za-z_$][\w$]*$/.test(k)) ? keys : null;
}
