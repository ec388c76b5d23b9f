// Bundles the command-line analyzer (src/cli/main.ts) into one file with no runtime dependency:
// bin/chat-sso-inspector, the package's `bin`. Run by `npm run build`, `npm pack` (prepack) and
// after `npm ci` (scripts/postinstall.mjs).
//   node scripts/build-cli.mjs
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The bin's path, relative to the package root (package.json "bin" names the same file). No extension, as bins
 * usually have: Node runs it as an ES module because package.json says "type": "module", and the linters, which
 * pick files by extension, leave this generated bundle alone.
 */
export const CLI_BIN = 'bin/chat-sso-inspector';

/** Builds the bin; resolves to its size in bytes. */
export async function buildCli() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/cli/main.ts'],
    outfile: join(root, CLI_BIN),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    banner: { js: '#!/usr/bin/env node' },
    define: { __CLI_VERSION__: JSON.stringify(pkg.version) },
    logLevel: 'warning',
    metafile: true,
  });
  return result.metafile.outputs[CLI_BIN]?.bytes ?? 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = await buildCli();
  console.log(`${CLI_BIN} ready (${(bytes / 1024).toFixed(1)} KiB)`);
}
