/**
 * Shared set-up of the end-to-end tests: the demo server (127.0.0.1) and headless Chromium (or Firefox)
 * with the built extension, started before the file's tests and closed after them.
 */
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startDemoServer } from '../../demo/server.mjs';
import { launchWithExtension } from '../../scripts/lib/chromium.mjs';
import { launchFirefoxWithExtension } from '../../scripts/lib/firefox.mjs';

export const root = join(import.meta.dirname, '../..');

export interface E2eEnv {
  server: Awaited<ReturnType<typeof startDemoServer>>;
  browser: Awaited<ReturnType<typeof launchWithExtension>>;
}

/** The demo server and a browser `launch` starts, for one test file; filled in before its first test runs. */
function useDemoAnd<B extends { close(): Promise<unknown> }>(
  launch: () => Promise<B>,
): { server: Awaited<ReturnType<typeof startDemoServer>>; browser: B } {
  const env = {} as { server: Awaited<ReturnType<typeof startDemoServer>>; browser: B };
  beforeAll(async () => {
    env.server = await startDemoServer();
    env.browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Registers beforeAll/afterAll hooks; the returned object is filled in before the first test runs. `args`:
 * more Chromium flags.
 */
export function useDemoAndExtension({ args = [] }: { args?: string[] } = {}): E2eEnv {
  return useDemoAnd(() => launchWithExtension({ extensionDir: join(root, 'dist'), args }));
}

/** The same in headless Firefox (puppeteer-core over WebDriver BiDi, the extension as a temporary add-on). */
export function useDemoAndFirefox() {
  return useDemoAnd(() => launchFirefoxWithExtension({ extensionDir: join(root, 'dist') }));
}
