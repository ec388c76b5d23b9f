// Installs the real-code bench's packages (demo/realcode: Microsoft's live chat packages, ~780 MB) with
// `npm ci --ignore-scripts`, from its own lock. Runs as the root package's `postinstall`, so `npm ci` at the
// root installs both. Skips when demo/realcode/node_modules is already in sync with demo/realcode/package-lock.json.
//   node scripts/install-realcode.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'demo/realcode');
const lockFile = join(bench, 'package-lock.json');
const modules = join(bench, 'node_modules');
const stampFile = join(modules, '.realcode-installed-lock.sha256');
const force = process.argv.includes('--force');

const lockText = readFileSync(lockFile, 'utf8');
const lockHash = createHash('sha256').update(lockText).digest('hex');

/** Whether node_modules holds exactly what the lock says (npm's hidden lockfile names every installed package). */
function inSync() {
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === lockHash) return true;
  const hiddenFile = join(modules, '.package-lock.json');
  if (!existsSync(hiddenFile)) return false;
  try {
    const wanted = JSON.parse(lockText).packages;
    const hidden = JSON.parse(readFileSync(hiddenFile, 'utf8')).packages;
    // Optional packages for other platforms are in the lock but not installed.
    const required = Object.keys(wanted).filter((k) => k !== '' && !wanted[k].optional);
    const same =
      required.every((k) => hidden[k]?.version === wanted[k].version && existsSync(join(bench, k, 'package.json'))) &&
      Object.keys(hidden).every((k) => wanted[k]?.version === hidden[k].version);
    if (same) writeFileSync(stampFile, lockHash + '\n');
    return same;
  } catch {
    return false;
  }
}

if (!force && inSync()) {
  console.log("demo/realcode: Microsoft's live chat packages are installed and match the lock (skipping).");
  process.exit(0);
}

console.log(
  "demo/realcode: installing Microsoft's live chat packages for the real-code bench (npm ci --ignore-scripts, about 780 MB; a minute or two)…",
);
const started = Date.now();
// Under `npm ci`/`npm install`, npm_execpath is the npm that runs us: use the same one.
const execPath = process.env.npm_execpath;
const [cmd, args] =
  execPath && /\.[cm]?js$/.test(execPath)
    ? [process.execPath, [execPath]]
    : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
// The parent npm's lifecycle settings (npm_config_*, e.g. a --global or --prefix) must not leak into the sub-install.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)),
);
const result = spawnSync(cmd, [...args, 'ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
  cwd: bench,
  stdio: 'inherit',
  env,
});
if (result.status !== 0) {
  console.error(
    `demo/realcode: npm ci failed (exit ${result.status ?? result.signal}). The extension does not need it; the real-code demo pages and their tests do. Retry with: node scripts/install-realcode.mjs`,
  );
  process.exit(result.status ?? 1);
}
writeFileSync(stampFile, lockHash + '\n');
console.log(`demo/realcode: installed in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
