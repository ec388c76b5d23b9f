/**
 * Shared set-up of the end-to-end tests: the demo server (127.0.0.1) and headless Chromium with
 * the built extension, started before the file's tests and closed after them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { launchWithExtension } from '../../scripts/lib/chromium.mjs';

export const root = join(import.meta.dirname, '../..');

export interface E2eEnv {
  server: Awaited<ReturnType<typeof startDemoServer>>;
  browser: Awaited<ReturnType<typeof launchWithExtension>>;
}

/** Registers beforeAll/afterAll hooks; the returned object is filled in before the first test runs. */
export function useDemoAndExtension(): E2eEnv {
  const env = {} as E2eEnv;
  beforeAll(async () => {
    env.server = await startDemoServer();
    env.browser = await launchWithExtension({ extensionDir: join(root, 'dist') });
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
