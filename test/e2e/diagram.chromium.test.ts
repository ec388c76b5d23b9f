/**
 * The sequence diagram of each SSO attempt in the built extension (Chromium): the viewer opens the capture
 * of every demo scenario and shows, per attempt, the diagram the analysis gives (lanes, arrows, deciding
 * step), whose arrows follow the attempt's steps; the keyboard moves from arrow to arrow and Enter shows
 * the event in the timeline; "Save SVG" and "Save PNG" write the diagram; the live panel shows it for
 * the 502 fallback of the real bot stack (the README's screenshot).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { diagramOf, diagramSvg, layoutDiagram } from '../../src/analysis/diagram';
import { parseCaptureFile } from '../../src/analysis/formats/capture';
import { LogModel } from '../../src/analysis/logModel';
import { webchatScenarioById } from '../../demo/webchat/scenarios.js';
import { entriesOf } from '../../scripts/lib/chromium.mjs';
import { runWebChatScenario } from '../../scripts/lib/scenarios.mjs';
import { readDiagramsInPage } from '../helpers/diagramReader.mjs';
import {
  checkEveryFixture,
  checkShownDiagrams,
  comparable,
  expectedDiagrams,
  fixtureCaptureFiles,
} from '../helpers/diagrams';
import { root, useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();
const files = fixtureCaptureFiles();
const file502 = files.find((f) => f.id === 'sso-failure-502')!;

async function openViewer(): Promise<Page> {
  const viewer = await env.browser.context.newPage();
  await viewer.setViewportSize({ width: 1400, height: 900 });
  await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
  await viewer.click('[data-testid=view-diagnosis]');
  return viewer;
}

/** Opens a capture file in the viewer (already on the Diagnosis view) and waits until its diagrams are drawn. */
async function open(viewer: Page, f: (typeof files)[number]): Promise<void> {
  await viewer.setInputFiles('[data-testid=file-input]', f.path);
  await viewer.waitForFunction(
    ([name, n]) =>
      document.querySelector('[data-testid=status]')?.textContent === `capture: ${name}` &&
      document.querySelectorAll('[data-testid=attempt]').length === n &&
      document.querySelectorAll('[data-testid=sequence-diagram]').length === n,
    [f.name, f.expected.length] as const,
  );
}

/** Opens a fixture and reads its diagrams, and how many diagrams failed. */
async function openAndRead(viewer: Page, f: (typeof files)[number]) {
  await open(viewer, f);
  return {
    shown: await viewer.evaluate(readDiagramsInPage),
    failed: await viewer.locator('[data-part=diagram]').count(),
  };
}

describe('the viewer, on the capture of every demo scenario', () => {
  it('draws each attempt as the analysis tells it, its arrows following its steps', async () => {
    const viewer = await openViewer();
    await checkEveryFixture(files, (f) => openAndRead(viewer, f));
    await viewer.close();
  });
});

describe('keyboard and saving (the 502 fallback)', () => {
  it('moves from arrow to arrow and shows the event of the deciding arrow in the timeline', async () => {
    const viewer = await openViewer();
    await open(viewer, file502);
    const fig = viewer.locator('[data-testid=sequence-diagram]');
    // Tab from the diagram's last button reaches its current arrow (one tab stop per diagram).
    await fig.locator('[data-testid=save-png]').focus();
    await viewer.keyboard.press('Tab');
    const active = () =>
      viewer.evaluate(() => {
        const el = document.activeElement!;
        return { index: el.getAttribute('data-index'), deciding: el.getAttribute('data-deciding') };
      });
    expect(await active()).toEqual({ index: '0', deciding: 'false' });
    for (let i = 0; i < 3; i++) await viewer.keyboard.press('ArrowDown');
    expect(await active()).toEqual({ index: '3', deciding: 'true' });
    await viewer.keyboard.press('End');
    expect((await active()).index).toBe(String(file502.expected[0]!.messages.length - 1));
    await viewer.keyboard.press('Home');
    await viewer.keyboard.press('ArrowDown');
    await viewer.keyboard.press('ArrowDown');
    await viewer.keyboard.press('ArrowDown');
    const seq = file502.expected[0]!.messages[3]!.seq;
    await viewer.keyboard.press('Enter');
    await viewer.waitForSelector(`.timeline .row.selected[data-seq="${seq}"]`);
    // A click does the same.
    await viewer.click('[data-testid=view-diagnosis]');
    await fig.locator('.sd-msg[data-index="0"]').click();
    await viewer.waitForSelector(`.timeline .row.selected[data-seq="${file502.expected[0]!.messages[0]!.seq}"]`);
    await viewer.close();
  });

  it('saves the SVG (the standalone drawing, in the theme shown) and a PNG of it', async () => {
    const viewer = await openViewer();
    await open(viewer, file502);
    const model = LogModel.of(parseCaptureFile(readFileSync(file502.path, 'utf8')).entries);
    const attempt = model.diagnose(model.index.lastAt).attempts[0]!;
    const d = diagramOf(attempt, model.index);
    const [svgDownload] = await Promise.all([viewer.waitForEvent('download'), viewer.click('[data-testid=save-svg]')]);
    expect(svgDownload.suggestedFilename()).toMatch(/^chat-sso-diagram-oauthcard_[\w-]+\.svg$/);
    const svg = readFileSync((await svgDownload.path())!, 'utf8');
    // The light theme's colours are the standalone drawing's defaults: the same document.
    expect(svg).toBe(diagramSvg(d));
    const [pngDownload] = await Promise.all([viewer.waitForEvent('download'), viewer.click('[data-testid=save-png]')]);
    expect(pngDownload.suggestedFilename()).toMatch(/\.png$/);
    const png = readFileSync((await pngDownload.path())!);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const layout = layoutDiagram(d);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([layout.width * 2, layout.height * 2]);
    expect(await viewer.textContent('[data-testid=diagram-notice]')).toBe('');
    await viewer.close();
  });
});

describe('the live panel', () => {
  it('draws the 502 fallback of the real bot stack as it happened', async () => {
    const r = await runWebChatScenario(env.browser, env.server.url, webchatScenarioById('sso-failure-502')!, {
      keepOpen: true,
    });
    const entries = await entriesOf(env.browser.worker, r.tabId);
    await r.panel.setViewportSize({ width: 1100, height: 900 });
    await r.panel.click('[data-testid=view-diagnosis]');
    await r.panel.waitForSelector('[data-testid=sequence-diagram] .sd-msg');
    const shown = await r.panel.evaluate(readDiagramsInPage);
    checkShownDiagrams(shown, 'live 502');
    expect(comparable(shown)).toEqual(expectedDiagrams(entries));
    const [diagram] = shown;
    expect(diagram!.diagram).toMatchObject({ branch: 'fallback', spans: [] });
    expect(diagram!.diagram!.lanes.map((l) => l.name)).toEqual(['Host page code', 'Web Chat', 'Direct Line', 'Bot']);
    expect(diagram!.diagram!.messages.filter((m) => m.deciding).map((m) => m.text)).toEqual([
      'postActivity(signin/tokenExchange)',
      '502',
      "'retry'",
    ]);
    await r.panel
      .locator('[data-testid=attempt]')
      .first()
      .screenshot({ path: join(root, 'docs/screenshots/diagram-502.png') });
    await r.panel.close();
    await r.page.close();
  });
});
