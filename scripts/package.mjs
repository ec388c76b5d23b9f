// Writes store-ready zips of the built extension (dist/) for Chromium and Firefox, named with
// package.json's version, and lints the Firefox zip with Mozilla's linter (web-ext lint).
//   npm run package                          build, then zip into packages/ and lint
//   node scripts/package.mjs [--out DIR]     zip an existing dist/ and lint
//   npm run lint:firefox                     lint the Firefox zip already in packages/
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import webExt from 'web-ext';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = join(root, 'dist');
export const PACKAGES_DIR = join(root, 'packages');

/**
 * Manifest keys that only the other browser reads, left out of each browser's zip: dist/ carries both
 * so that one folder loads in both (docs/architecture.md), but each store gets what its browser uses.
 * - Chromium: in developer mode Chromium reports "'background.scripts' requires manifest version of 2
 *   or lower" (Chromium 156); `browser_specific_settings` holds Firefox's add-on id and data-collection
 *   declaration, which Chromium never reads.
 * - Firefox: it ignores `background.service_worker` (web-ext lint warns BACKGROUND_SERVICE_WORKER_IGNORED)
 *   and `minimum_chrome_version`.
 */
const OTHER_BROWSER_KEYS = {
  chromium: [['background', 'scripts'], ['browser_specific_settings']],
  firefox: [['background', 'service_worker'], ['minimum_chrome_version']],
};

/** The browsers a package is written for. */
export const BROWSERS = /** @type {const} */ (['chromium', 'firefox']);

/**
 * The manifest for one browser's zip: a copy of dist/'s manifest without the other browser's keys.
 * @param {'chromium' | 'firefox'} browser
 * @param {Record<string, any>} manifest dist/manifest.json, parsed (not changed)
 */
export function manifestFor(browser, manifest) {
  const copy = structuredClone(manifest);
  for (const path of OTHER_BROWSER_KEYS[browser]) {
    const parent = path.slice(0, -1).reduce((o, k) => o?.[k], copy);
    if (parent) delete parent[path.at(-1)];
  }
  return copy;
}

/** package.json, parsed: the one home of the extension's name and version. */
export function readPackageJson() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
}

/**
 * File name of one browser's zip, e.g. chat-sso-inspector-firefox-0.1.0.zip.
 * @param {'chromium' | 'firefox'} browser
 */
export function packageFileName(browser, pkg = readPackageJson()) {
  return `${pkg.name}-${browser}-${pkg.version}.zip`;
}

/**
 * Zips dist/ once per browser with web-ext's own packager, each with its browser's manifest.
 * @param {{ distDir?: string, outDir?: string }} [opts]
 * @returns {Promise<Record<'chromium' | 'firefox', string>>} absolute path of each zip
 * @throws {Error} when dist/ is missing or its manifest's version is not package.json's (a stale build)
 */
export async function writePackages({ distDir = DIST_DIR, outDir = PACKAGES_DIR } = {}) {
  const pkg = readPackageJson();
  const manifestPath = join(distDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} not found: run \`npm run build\` first.`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  if (manifest.version !== pkg.version) {
    throw new Error(
      `${manifestPath} has version ${manifest.version}, package.json has ${pkg.version}: ` +
        'run `npm run build` (scripts/build.mjs sets the manifest version from package.json).',
    );
  }
  const zips = /** @type {Record<'chromium' | 'firefox', string>} */ ({});
  for (const browser of BROWSERS) {
    const staging = mkdtempSync(join(tmpdir(), `chat-sso-package-${browser}-`));
    try {
      cpSync(distDir, staging, { recursive: true });
      writeFileSync(join(staging, 'manifest.json'), JSON.stringify(manifestFor(browser, manifest), null, 2));
      const { extensionPath } = await webExt.cmd.build(
        { sourceDir: staging, artifactsDir: outDir, filename: packageFileName(browser, pkg), overwriteDest: true },
        { showReadyMessage: false },
      );
      zips[browser] = resolve(extensionPath);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  return zips;
}

/**
 * Runs Mozilla's linter (web-ext lint, i.e. addons-linter) on a Firefox zip, printing nothing.
 * @param {string} zipPath
 * @returns {Promise<{ summary: { errors: number, warnings: number, notices: number }, errors: LintMessage[], warnings: LintMessage[], notices: LintMessage[] }>}
 * @typedef {{ code: string, message: string, description?: string, file?: string, line?: number, column?: number }} LintMessage
 */
export async function lintFirefoxPackage(zipPath) {
  return webExt.cmd.lint({ sourceDir: zipPath, output: 'none' }, { shouldExitProgram: false });
}

/** One line per lint message: "warning CODE file:line message". */
export function formatLintMessages(result) {
  return ['errors', 'warnings', 'notices'].flatMap((type) =>
    result[type].map((m) => {
      const where = m.file ? ` ${m.file}${m.line ? `:${m.line}` : ''}` : '';
      return `${type.slice(0, -1)} ${m.code}${where} ${m.message}`;
    }),
  );
}

/** Lints the Firefox zip and prints the outcome; returns false when the linter found errors. */
async function lintAndReport(zipPath) {
  const result = await lintFirefoxPackage(zipPath);
  const { errors, warnings, notices } = result.summary;
  console.log(`web-ext lint ${zipPath}: ${errors} errors, ${warnings} warnings, ${notices} notices`);
  for (const line of formatLintMessages(result)) console.log(`  ${line}`);
  return errors === 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : PACKAGES_DIR;
  try {
    let firefoxZip = join(outDir, packageFileName('firefox'));
    if (args.includes('--lint-only')) {
      if (!existsSync(firefoxZip)) throw new Error(`${firefoxZip} not found: run \`npm run package\` first.`);
    } else {
      const zips = await writePackages({ outDir });
      for (const zip of Object.values(zips)) console.log(`${zip} (${(statSync(zip).size / 1024).toFixed(0)} KiB)`);
      firefoxZip = zips.firefox;
    }
    if (!(await lintAndReport(firefoxZip))) process.exitCode = 1;
  } catch (e) {
    console.error(`package: ${e.message}`);
    process.exitCode = 1;
  }
}
