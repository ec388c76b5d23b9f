/**
 * The sequence diagram of each SSO attempt in headless Firefox (puppeteer-core over WebDriver BiDi, the
 * same extension build): the viewer draws every demo scenario's capture as the analysis tells it, the
 * keyboard reaches the arrows and Enter shows the event in the timeline, "Save PNG" makes a PNG from the
 * SVG under the extension page's CSP, and the live panel draws a live chat attempt with its ~2 s window.
 */
import type { Page } from 'puppeteer-core';
import { describe, expect, it } from 'vitest';
import { diagramOf, diagramSvg, layoutDiagram } from '../../src/analysis/diagram';
import { parseCaptureFile } from '../../src/analysis/formats/capture';
import { LogModel } from '../../src/analysis/logModel';
import { FIREFOX_EXTENSION_UUID, openFirefoxPanel, waitForPanelToShowLog } from '../../scripts/lib/firefox.mjs';
import { readFileSync } from 'node:fs';
import { readDiagramsInPage, type ShownAttempt } from '../helpers/diagramReader.mjs';
import { checkEveryFixture, checkShownDiagrams, fixtureCaptureFiles } from '../helpers/diagrams';
import { useDemoAndFirefox } from '../helpers/e2e';

const env = useDemoAndFirefox();
const files = fixtureCaptureFiles();
const file502 = files.find((f) => f.id === 'sso-failure-502')!;

let shared: Page | undefined;

/** The viewer page, opened once (a moz-extension navigation costs the driver's timeout). */
async function openViewer(): Promise<Page> {
  if (shared) return shared;
  const viewer = (shared = await env.browser.browser.newPage());
  await viewer.setViewport({ width: 1400, height: 900 });
  // Puppeteer reports a detached frame for moz-extension navigations; the page loads regardless.
  await viewer
    .goto(`moz-extension://${FIREFOX_EXTENSION_UUID}/viewer.html`, { waitUntil: 'domcontentloaded', timeout: 10_000 })
    .catch(() => undefined);
  await viewer.waitForSelector('[data-testid=view-diagnosis]', { timeout: 10_000 });
  return viewer;
}

/** Opens a capture file in the viewer's Diagnosis view and waits until its diagrams are drawn. */
async function open(viewer: Page, f: (typeof files)[number]): Promise<void> {
  await viewer.click('[data-testid=view-diagnosis]');
  const input = (await viewer.waitForSelector('[data-testid=file-input]'))! as unknown as {
    uploadFile(path: string): Promise<void>;
  };
  await input.uploadFile(f.path);
  await viewer.waitForFunction(
    (name: string, n: number) =>
      document.querySelector('[data-testid=status]')?.textContent === `capture: ${name}` &&
      document.querySelectorAll('[data-testid=attempt]').length === n &&
      document.querySelectorAll('[data-testid=sequence-diagram]').length === n,
    { timeout: 15_000, polling: 50 },
    f.name,
    f.expected.length,
  );
}

const activeIndex = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-index') ?? null);

/** Opens a fixture and reads its diagrams, and how many diagrams failed. */
async function openAndRead(viewer: Page, f: (typeof files)[number]) {
  await open(viewer, f);
  return {
    shown: (await viewer.evaluate(readDiagramsInPage)) as ShownAttempt[],
    failed: (await viewer.$$('[data-part=diagram]')).length,
  };
}

describe('the viewer, on the capture of every demo scenario', () => {
  it('draws each attempt as the analysis tells it, its arrows following its steps', async () => {
    const viewer = await openViewer();
    await checkEveryFixture(files, (f) => openAndRead(viewer, f));
  });
});

describe('keyboard and PNG (the 502 fallback)', () => {
  it('moves from arrow to arrow; Enter shows the event in the timeline', async () => {
    const viewer = await openViewer();
    await open(viewer, file502);
    await viewer.focus('[data-testid=save-png]');
    await viewer.keyboard.press('Tab');
    expect(await activeIndex(viewer)).toBe('0');
    for (let i = 0; i < 3; i++) await viewer.keyboard.press('ArrowDown');
    expect(await activeIndex(viewer)).toBe('3');
    expect(await viewer.evaluate(() => document.activeElement?.getAttribute('data-deciding'))).toBe('true');
    await viewer.keyboard.press('Enter');
    await viewer.waitForSelector(`.timeline .row.selected[data-seq="${file502.expected[0]!.messages[3]!.seq}"]`);
  });

  it('saves the SVG in the theme shown and makes a PNG of it', async () => {
    const viewer = await openViewer();
    await open(viewer, file502);
    // The file the panel offers: catch the download anchor's blob instead of leaving it to the download manager.
    await viewer.evaluate(() => {
      const w = window as unknown as { __saved: { name: string; href: string }[] };
      w.__saved = [];
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        if (this.download) w.__saved.push({ name: this.download, href: this.href });
      };
    });
    const saved = async (testid: string) => {
      await viewer.click(`[data-testid=${testid}]`);
      await viewer.waitForFunction(() => (window as unknown as { __saved: unknown[] }).__saved.length === 1, {
        timeout: 10_000,
      });
      return viewer.evaluate(async () => {
        const w = window as unknown as { __saved: { name: string; href: string }[] };
        const file = w.__saved.pop()!;
        const bytes = new Uint8Array(await (await fetch(file.href)).arrayBuffer());
        const view = new DataView(bytes.buffer);
        return {
          name: file.name,
          text: new TextDecoder().decode(bytes),
          head: [...bytes.subarray(0, 8)],
          width: view.getUint32(16),
          height: view.getUint32(20),
        };
      });
    };
    const svg = await saved('save-svg');
    const png = await saved('save-png');
    const model = LogModel.of(parseCaptureFile(readFileSync(file502.path, 'utf8')).entries);
    const d = diagramOf(model.diagnose(model.index.lastAt).attempts[0]!, model.index);
    const layout = layoutDiagram(d);
    expect(svg.name).toMatch(/^chat-sso-diagram-oauthcard_[\w-]+\.svg$/);
    expect(svg.text).toBe(diagramSvg(d));
    expect({ ...png, text: '' }).toEqual({
      text: '',
      name: expect.stringMatching(/^chat-sso-diagram-oauthcard_[\w-]+\.png$/),
      head: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      width: layout.width * 2,
      height: layout.height * 2,
    });
    expect(await viewer.$eval('[data-testid=diagram-notice]', (n) => n.textContent)).toBe('');
    await viewer.close();
    shared = undefined;
  });
});

describe('the live panel', () => {
  it("draws a live chat sign-in card shown after the widget's ~2 s window", async () => {
    const page = await env.browser.browser.newPage();
    const url = `${env.server.url}/omnichannel/?scenario=bot-late`;
    await page.goto(url);
    await page.waitForFunction(() => (window as any).__sim?.finished === true, { timeout: 30_000, polling: 100 });
    const { panel, tabId } = await openFirefoxPanel(env.browser.browser, url);
    await waitForPanelToShowLog(panel, tabId);
    await panel.click('[data-testid=view-diagnosis]');
    await panel.waitForSelector('[data-testid=sequence-diagram] .sd-msg', { timeout: 10_000 });
    const shown = (await panel.evaluate(readDiagramsInPage)) as ShownAttempt[];
    checkShownDiagrams(shown, 'live bot-late');
    expect(shown).toHaveLength(1);
    const d = shown[0]!.diagram!;
    expect(d).toMatchObject({ branch: 'fallback', spans: ['window'] });
    expect(d.lanes.map((l) => l.id)).toEqual(['page', 'widget', 'token']);
    expect(d.messages.filter((m) => m.deciding).map((m) => m.text)).toEqual(['callback({show: false})']);
    await panel.close();
    await page.close();
  });
});
