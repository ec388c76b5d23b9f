/**
 * MAIN-world content script, run at document_start in every frame before any
 * page script. Keep it small: it is injected into every page.
 */
import { createEmitter } from './emitter';
import { INSTALLED, installHook } from './install';
import { captureNatives } from './natives';

try {
  if (!(INSTALLED in window)) {
    const emitter = createEmitter(document, captureNatives(window));
    installHook(window, (event) => emitter.send(event));
  }
} catch {
  // Never break the page: a hook that cannot start simply records nothing.
}
