// `npm run fuzz`: the fuzzer (test/fuzz), bundled with the project's esbuild into a temporary
// folder and run there; its workers run the same bundle. Options: `npm run fuzz -- --help`.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
let code;
try {
  const outfile = join(dir, 'fuzz.mjs');
  await esbuild.build({
    entryPoints: [join(root, 'test/fuzz/cli.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  const { main } = await import(pathToFileURL(outfile).href);
  code = await main(process.argv.slice(2), { root, self: outfile });
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 2;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = code;
