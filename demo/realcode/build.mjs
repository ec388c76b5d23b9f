// Bundles the real-code bench page script (demo/realcode/src → demo/realcode/dist/widget.js) with the root's
// esbuild: the scripting-layer stand-in, the ACS stand-in, the bench glue and recorder, and Microsoft's packages
// from demo/realcode/node_modules, unmodified. Skips the build when dist/ is up to date with its inputs.
//   node demo/realcode/build.mjs [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const out = join(here, 'dist');
const stampFile = join(out, 'build-stamp.json');

/** The root's esbuild (pinned in the root package.json), whatever the bench's own node_modules hold. */
async function rootEsbuild() {
  const require = createRequire(join(root, 'package.json'));
  return import(pathToFileURL(require.resolve('esbuild')).href);
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)],
  );
}

/** A hash of everything the bundle depends on: our sources, the lock, the installed tree's own lock, esbuild. */
function inputsHash(esbuildVersion) {
  const h = createHash('sha256');
  h.update(esbuildVersion);
  for (const f of [
    ...listFiles(join(here, 'src')).sort(),
    join(here, 'build.mjs'),
    join(here, 'package-lock.json'),
    join(here, 'node_modules/.package-lock.json'),
  ]) {
    h.update(relative(here, f));
    h.update(existsSync(f) ? readFileSync(f) : 'missing');
  }
  return h.digest('hex');
}

/** Node's `crypto` is imported by code paths the browser never takes: an empty module. */
const stubNodeBuiltins = {
  name: 'stub-node-builtins',
  setup(build) {
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) => ({ path: args.path, namespace: 'realcode-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'realcode-stub' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

/**
 * Builds dist/widget.js unless it is up to date.
 * @param {{ force?: boolean, quiet?: boolean }} [opts]
 * @returns {Promise<{ built: boolean, ms: number, bytes: number }>}
 */
export async function buildRealcode({ force = false, quiet = false } = {}) {
  const started = Date.now();
  const say = (s) => quiet || console.log(s);
  if (!existsSync(join(here, 'node_modules/@microsoft/omnichannel-chat-widget/package.json'))) {
    throw new Error(
      'demo/realcode/node_modules is missing: run `npm ci` at the repository root (or `node scripts/install-realcode.mjs`).',
    );
  }
  const esbuild = await rootEsbuild();
  const hash = inputsHash(esbuild.version);
  const target = join(out, 'widget.js');
  if (!force && existsSync(target) && existsSync(stampFile)) {
    try {
      if (JSON.parse(readFileSync(stampFile, 'utf8')).hash === hash) {
        say('demo/realcode/dist/widget.js is up to date');
        return { built: false, ms: Date.now() - started, bytes: statSync(target).size };
      }
    } catch {
      /* rebuild */
    }
  }
  mkdirSync(out, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: here,
    entryPoints: { widget: 'src/scriptingLayer.js' },
    outdir: out,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox128'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    define: {
      global: 'window',
      'process.env.NODE_ENV': '"production"',
    },
    // abort-controller-es5 ships only sources until its postinstall (skipped: --ignore-scripts) builds it;
    // the plain abort-controller is the same polyfill.
    alias: { 'abort-controller-es5': 'abort-controller' },
    plugins: [stubNodeBuiltins],
    logLevel: 'warning',
    write: false,
  });
  // Each file is written beside its target and renamed over it (atomic), so that a concurrent build or a
  // running demo server never sees a half-written bundle; the stamp comes last.
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.tmp-${process.pid}`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  writeFileSync(`${stampFile}.tmp-${process.pid}`, JSON.stringify({ hash, builtAt: new Date().toISOString() }) + '\n');
  renameSync(`${stampFile}.tmp-${process.pid}`, stampFile);
  const bytes = statSync(target).size;
  say(
    `demo/realcode/dist/widget.js built in ${((Date.now() - started) / 1000).toFixed(1)} s (${(bytes / 1024 / 1024).toFixed(1)} MiB)`,
  );
  return { built: true, ms: Date.now() - started, bytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildRealcode({ force: process.argv.includes('--force') });
}
