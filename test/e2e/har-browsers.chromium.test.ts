/**
 * The standalone viewer of the built extension (Chromium) on HARs saved by the browsers' own
 * exporters (test/fixtures/har/browsers, recorded by scripts/record-hars.mjs): it shows what the
 * diagnosis says about each, including why a sanitized HAR lacks its Authorization headers and why
 * Firefox's HAR of a WebSocket run has no activities. Run after `npm run build`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDiagnosis } from '../../scripts/lib/panelReader.mjs';
import { root, useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();
const fixture = (name: string) => join(root, 'test/fixtures/har/browsers', name);

/** Opens a HAR in the viewer and waits until its timeline shows the start marker. */
async function openInViewer(name: string) {
  const viewer = await env.browser.context.newPage();
  await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
  await viewer.setInputFiles('[data-testid=file-input]', fixture(name));
  await viewer.waitForSelector('.row[data-kind="hook.installed"]');
  expect(await viewer.textContent('[data-testid=status]')).toBe(`HAR: ${name}`);
  return viewer;
}

describe('the viewer on HARs from the browsers’ own exporters', () => {
  it("Chrome's sanitized export: same headline and attempt as the full one, and the sanitizing explained", async () => {
    const read = async (name: string) => {
      const viewer = await openInViewer(name);
      await viewer.waitForSelector('[data-testid=headline]');
      const d = await readDiagnosis(viewer);
      await viewer.close();
      return d;
    };
    const full = await read('chromium-full-webchat-sso-success.har');
    const sanitized = await read('chromium-sanitized-webchat-sso-success.har');
    expect(sanitized.headline?.id).toBe('bf.sso-succeeded');
    expect(sanitized.attempts).toEqual(full.attempts);
    expect(sanitized.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['card hidden']);
    const note = sanitized.findings.filter((f: { id: string }) => f.id === 'har.sanitized');
    expect(note).toEqual([
      {
        id: 'har.sanitized',
        severity: 'info',
        title: expect.stringMatching(/^Sanitized HAR: Authorization removed from \d+ requests$/),
      },
    ]);
    expect(sanitized.findings.filter((f: { id: string }) => f.id !== 'har.sanitized')).toEqual(full.findings);
    expect(full.findings.map((f: { id: string }) => f.id)).not.toContain('har.sanitized');
  });

  it("Chrome's export of the WebSocket run: the activities come from _webSocketMessages", async () => {
    const viewer = await openInViewer('chromium-sanitized-webchat-sso-websocket.har');
    await viewer.waitForSelector('.row[data-tag="oauthcard"]');
    expect(await viewer.getAttribute('.row[data-tag="oauthcard"]', 'data-outcome')).toBe('hidden');
    expect(await viewer.$('[data-testid=viewer-notice]')).toBeNull();
    await viewer.close();
  });

  it("Firefox's export of the WebSocket run: no frames, and the viewer says why", async () => {
    const viewer = await openInViewer('firefox-webchat-sso-websocket.har');
    await viewer.waitForSelector('[data-testid=viewer-notice]');
    expect(await viewer.textContent('[data-testid=viewer-notice]')).toContain(
      "Firefox's HAR export does not save WebSocket frames",
    );
    expect(await viewer.$('.row[data-tag="oauthcard"]')).toBeNull();
    await viewer.close();
  });

  it("Firefox's export of the 502 fallback: the same headline as live", async () => {
    const viewer = await openInViewer('firefox-webchat-sso-failure-502.har');
    await viewer.waitForSelector('.row[data-tag="oauthcard"]');
    expect(await viewer.getAttribute('[data-testid=headline]', 'data-check-id')).toBe('bf.invoke-502');
    expect(await viewer.getAttribute('.row[data-tag="oauthcard"]', 'data-outcome')).toBe('shown');
    await viewer.close();
  });
});
