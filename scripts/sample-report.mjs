// Writes the README's sample report (docs/sample-report.html and docs/sample-report.md) from a stored
// capture with the default redaction profile: `npm run docs:report`. A unit test fails when they are stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTs } from './lib/importTs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { SAMPLE_CAPTURE, SAMPLE_FILES, sampleReports } = await importTs(join(root, 'scripts/lib/sampleReport.ts'));
const fixture = readFileSync(join(root, `test/fixtures/captures/${SAMPLE_CAPTURE}.json`), 'utf8');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const reports = sampleReports(fixture, version);
for (const [kind, path] of Object.entries(SAMPLE_FILES)) {
  writeFileSync(join(root, path), reports[kind]);
  console.log(`${path} written (${reports[kind].length} characters)`);
}
