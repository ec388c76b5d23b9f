// Builds the unpacked extension into dist/ (one folder that loads in Chromium and Firefox).
//   node scripts/build.mjs          one build
//   node scripts/build.mjs --watch  rebuild on change
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRealcode } from '../demo/realcode/build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const watch = process.argv.includes('--watch');

/** Static files copied as they are. */
function copyStatic() {
  mkdirSync(out, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
  manifest.version = pkg.version; // one version, from package.json
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2));
  cpSync(join(root, 'assets/icons'), join(out, 'icons'), { recursive: true });
  for (const f of ['devtools.html', 'panel.html', 'viewer.html', 'panel.css']) cpSync(join(root, 'panel', f), join(out, f));
}

const options = {
  absWorkingDir: root,
  entryPoints: {
    relay: 'src/content/relay.ts',
    background: 'src/background/index.ts',
    devtools: 'panel/devtools.ts',
    panel: 'panel/main.tsx',
    viewer: 'panel/viewer.tsx',
  },
  outdir: out,
  bundle: true,
  format: 'iife',
  target: ['chrome111', 'firefox128'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'info',
  metafile: true,
};

/** The page hook is injected into every page: minified, and nothing but our own code. */
const hookOptions = { ...options, entryPoints: { hook: 'src/page/hook.ts' }, minify: true };

/** The real-code demo bench (demo/realcode/dist), skipped when up to date; a missing install only warns. */
async function realcodeBench() {
  try {
    await buildRealcode();
  } catch (e) {
    console.warn(`warning: real-code bench not built: ${e.message}`);
  }
}

rmSync(out, { recursive: true, force: true });
copyStatic();
if (watch) {
  await realcodeBench();
  const plugins = [{ name: 'static', setup: (b) => b.onEnd(() => copyStatic()) }];
  for (const o of [options, hookOptions]) await (await esbuild.context({ ...o, plugins })).watch();
  console.log('watching for changes… (Ctrl+C to stop)');
} else {
  await esbuild.build(options);
  const result = await esbuild.build(hookOptions);
  const hookBytes = Object.entries(result.metafile.outputs).find(([f]) => f.endsWith('hook.js'))?.[1].bytes;
  console.log(`dist/ ready (page hook: ${(hookBytes / 1024).toFixed(1)} KiB minified)`);
  await realcodeBench();
}
