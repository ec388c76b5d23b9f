/**
 * MAIN-world content script, run at document_start in every frame before any
 * page script. Keep it small: it is injected into every page.
 */
import { HOOK_PROBE_EVENT } from '../shared/constants';
import { createEmitter } from './emitter';
import { listenForFaults } from './faults';
import { installHook } from './install';
import { captureNatives } from './natives';

try {
  // A hook already running in this document (Firefox injects content scripts into open tabs when the
  // extension is reloaded) cancels the probe; this copy then stays out. No page script has run yet, so
  // only a hook can answer, and nothing is written on the window.
  const probe = new CustomEvent(HOOK_PROBE_EVENT, { cancelable: true });
  if (document.dispatchEvent(probe)) {
    const natives = captureNatives(window);
    const emitter = createEmitter(document, natives);
    installHook(
      window,
      (event) => emitter.send(event),
      (hookNatives) => listenForFaults(emitter.channel, hookNatives),
    );
    document.addEventListener(HOOK_PROBE_EVENT, (event) => event.preventDefault());
  }
} catch {
  // Never break the page: a hook that cannot start simply records nothing.
}
