// Builds the unpacked extension into dist/ (one folder that loads in Chromium and Firefox).
//   node scripts/build.mjs          one build
//   node scripts/build.mjs --watch  rebuild on change
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRealcode } from '../demo/realcode/build.mjs';
import { buildCli, CLI_BIN } from './build-cli.mjs';

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
  for (const f of ['devtools.html', 'panel.html', 'viewer.html', 'panel.css'])
    cpSync(join(root, 'panel', f), join(out, f));
}

const options = {
  absWorkingDir: root,
  entryPoints: {
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

/** Members of the hook's internal objects (context, natives, installers, watchers), not of page objects. */
const HOOK_PRIVATE_PROPS = [
  'natives',
  'guard',
  'report',
  'emit',
  'newId',
  'promiseProto',
  'promiseThen',
  'PromiseCtor',
  'onLook',
  'soon',
  'instrumentDirectLine',
  'wrapCreateDirectLine',
  'wrapAuthProvider',
  'wrapBotProvider',
  'clientFunctionWrapper',
  'configured',
  'afterResponse',
  'onConfig',
  'userToken',
  'rescan',
  'instrument',
  'returned',
  'threw',
  'look',
  'classify',
  'expect',
  'record',
  'tapped',
  'promise',
  'watch',
  'req',
  'ctx',
  'forwarder',
];

/**
 * The scripts injected into every page, in every frame: the page hook (MAIN world) and the relay
 * (isolated world). Minified, and nothing but our own code (no polyfill, no schema library).
 */
const pageOptions = {
  ...options,
  entryPoints: { hook: 'src/page/hook.ts', relay: 'src/content/relay.ts' },
  minify: true,
  // The hook's own internal members, shortened: names no page object, built-in or event field uses
  // (event fields are the page protocol and must keep their names).
  mangleProps: new RegExp(`^(${HOOK_PRIVATE_PROPS.join('|')})$`),
};

/** Minified bytes of each injected script, and their sum (the `injectedBytes` figure of docs/performance.md). */
function injectedBytes(metafile) {
  const bytes = {};
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (file.endsWith('.js')) bytes[file.replace(/^.*\//, '')] = output.bytes;
  }
  return { ...bytes, total: Object.values(bytes).reduce((a, b) => a + b, 0) };
}

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
  for (const o of [options, pageOptions]) await (await esbuild.context({ ...o, plugins })).watch();
  console.log('watching for changes… (Ctrl+C to stop)');
} else {
  await esbuild.build(options);
  const result = await esbuild.build(pageOptions);
  const injected = injectedBytes(result.metafile);
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const parts = `${kib(injected['hook.js'])} hook + ${kib(injected['relay.js'])} relay`;
  console.log(`dist/ ready (injected into every page: ${injected.total} bytes = ${parts}, minified)`);
  await realcodeBench();
  // The command-line analyzer (package.json "bin"): bundled apart from the extension, outside dist/.
  console.log(`${CLI_BIN} ready (${((await buildCli()) / 1024).toFixed(1)} KiB)`);
}
