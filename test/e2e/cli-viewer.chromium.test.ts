/**
 * The command-line analyzer says what the panel says: for captures and HARs, the bundled bin's JSON
 * (`analyze --format json`) has the same headline, attempts and findings as the built extension's
 * viewer shows for the same file (read from the rendered panel, scripts/lib/panelReader.mjs).
 * Run after `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDiagnosis } from '../../scripts/lib/panelReader.mjs';
import { CLI_BIN } from '../../scripts/build-cli.mjs';
import { buildCaptureFile } from '../../src/analysis/formats/capture';
import { harToEntries } from '../../src/analysis/formats/har';
import { capture } from '../helpers/captures';
import { root, useDemoAndExtension } from '../helpers/e2e';

const env = useDemoAndExtension();
/** Captures of the main outcomes (errors, warnings only, info only, a chat that failed) and every HAR fixture. */
const CAPTURES = ['sso-failure-502', 'rc-auth-slow', 'bot-500', 'sso-success', 'throws', 'rc-bot-shown-500'];
const HARS = ['sso-failure-502', 'omnichannel', 'directline-websocket', 'directline-rest'];
let dir: string;
/** File path, kind as the viewer's status names it, and the last seq the viewer must have taken in. */
const files: { path: string; kind: 'capture' | 'HAR'; lastSeq: number }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chat-sso-cli-viewer-'));
  for (const id of CAPTURES) {
    const entries = capture(id);
    const path = join(dir, `${id}.json`);
    const file = buildCaptureFile(entries, { exportedAt: Date.now(), extensionVersion: '0.1.0', redaction: 'none' });
    writeFileSync(path, JSON.stringify(file));
    files.push({ path, kind: 'capture', lastSeq: entries.at(-1)!.seq });
  }
  for (const id of HARS) {
    const path = join(root, `test/fixtures/har/${id}.har`);
    const { entries } = harToEntries(JSON.parse(readFileSync(path, 'utf8')));
    files.push({ path, kind: 'HAR', lastSeq: entries.at(-1)!.seq });
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CLI and viewer', () => {
  it('give the same headline, attempts and findings for captures and HARs', async () => {
    const viewer = await env.browser.context.newPage();
    await viewer.goto(`chrome-extension://${env.browser.extensionId}/viewer.html`);
    let withHeadline = 0;
    for (const { path, kind, lastSeq } of files) {
      const name = basename(path);
      await viewer.setInputFiles('[data-testid=file-input]', path);
      await viewer.waitForFunction(
        ([status, seq]) =>
          document.querySelector('[data-testid=status]')?.textContent === status &&
          document.querySelector('.app')?.getAttribute('data-last-seq') === String(seq),
        [`${kind}: ${name}`, lastSeq] as const,
      );
      const shown = await readDiagnosis(viewer);
      const run = spawnSync(process.execPath, [CLI_BIN, 'analyze', path, '--format', 'json', '--redaction', 'none'], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(run.status, `${name}: ${run.stderr}`).toBeLessThan(2);
      const cli = JSON.parse(run.stdout);
      expect(cli.source).toMatchObject({ kind, name });
      expect(cli.headline?.id ?? null, name).toBe(shown.headline?.id ?? null);
      if (cli.headline) {
        withHeadline++;
        expect(shown.headline!.text, name).toContain(cli.headline.title);
      }
      expect(
        cli.attempts.map((a: any) => ({ kind: a.kind, outcome: a.outcome, sentence: a.sentence })),
        name,
      ).toEqual(shown.attempts);
      expect(
        cli.findings.map((f: any) => ({ id: f.id, severity: f.severity, title: f.title })),
        name,
      ).toEqual(shown.findings);
    }
    expect(withHeadline).toBeGreaterThanOrEqual(CAPTURES.length);
    await viewer.close();
  });
});
