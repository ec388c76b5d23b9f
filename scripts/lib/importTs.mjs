// Loads a TypeScript module of this repository from a plain Node script: bundles it with the project's
// esbuild into a temporary folder, imports it, and removes the folder.

import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The exports of the TypeScript module at `entry` (an absolute path), bundled for Node.
 * @param {string} entry
 * @returns {Promise<Record<string, any>>}
 */
export async function importTs(entry) {
  const dir = mkdtempSync(join(tmpdir(), 'import-ts-'));
  try {
    const outfile = join(dir, 'module.mjs');
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile,
      logLevel: 'silent',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
