// Writes the README's sample report (docs/sample-report.html and docs/sample-report.md) from a stored
// capture with the default redaction profile: `npm run docs:report`. A unit test fails when they are stale.
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'sample-report-'));
try {
  const outfile = join(dir, 'sampleReport.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'scripts/lib/sampleReport.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'silent',
  });
  const { SAMPLE_CAPTURE, SAMPLE_FILES, sampleReports } = await import(pathToFileURL(outfile).href);
  const fixture = readFileSync(join(root, `test/fixtures/captures/${SAMPLE_CAPTURE}.json`), 'utf8');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const reports = sampleReports(fixture, version);
  for (const [kind, path] of Object.entries(SAMPLE_FILES)) {
    writeFileSync(join(root, path), reports[kind]);
    console.log(`${path} written (${reports[kind].length} characters)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
