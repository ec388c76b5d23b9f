/**
 * The command-line analyzer as users run it: the bundled bin (bin/chat-sso-inspector, written by
 * `npm run build`), `npm run analyze` in a clone, and the bin of the packed
 * tarball (`npm pack`), unpacked in a temp folder with no node_modules in reach. Exit codes and the
 * headline are checked on a real HAR and on unreadable input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../scripts/build-cli.mjs';
import { root } from '../helpers/e2e';

const har = join(root, 'test/fixtures/har/sso-failure-502.har');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
let temp: string;

/** Runs a command to its end; stdout, stderr and exit status. */
function exec(command: string, args: string[], cwd: string) {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { code: r.status, out: r.stdout, err: r.stderr };
}

beforeAll(() => {
  temp = mkdtempSync(join(tmpdir(), 'chat-sso-cli-e2e-'));
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('the built bin', () => {
  it('is declared in package.json and starts with a shebang', () => {
    expect(pkg.bin).toEqual({ 'chat-sso-inspector': CLI_BIN });
    expect(readFileSync(join(root, CLI_BIN), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('analyses a HAR: headline first, exit 1 on an error finding', () => {
    const r = exec(process.execPath, [CLI_BIN, 'analyze', har], root);
    expect(r.code).toBe(1);
    expect(r.out.split('\n')[1]).toMatch(
      /^ {2}✖ HEADLINE Token exchange failed: Direct Line answered 502 \[bf\.invoke-502\]/,
    );
    const json = JSON.parse(exec(process.execPath, [CLI_BIN, 'analyze', har, '--format', 'json'], root).out);
    expect(json.headline.id).toBe('bf.invoke-502');
  });

  it('unreadable input: exit 2 and the reason on stderr', () => {
    const r = exec(process.execPath, [CLI_BIN, 'analyze', join(temp, 'nothing.har')], root);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('nothing.har: no such file.');
  });

  it("runs as `npm run analyze` in a clone: the exit code and output are the bin's", () => {
    const r = exec('npm', ['run', '-s', 'analyze', '--', har, '--format', 'json'], root);
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out).headline.id).toBe('bf.invoke-502');
    const missing = exec('npm', ['run', '-s', 'analyze', '--', join(temp, 'nothing.har')], root);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('nothing.har: no such file.');
  });
});

describe('npm pack', () => {
  it('packs the prebuilt bin, and the unpacked bin runs with nothing installed', () => {
    const packed = exec('npm', ['pack', '--json', '--pack-destination', temp], root);
    expect(packed.code, packed.err).toBe(0);
    const [info] = JSON.parse(packed.out.slice(packed.out.indexOf('[')));
    const files = info.files.map((f: { path: string }) => f.path).sort();
    expect(files).toContain(CLI_BIN);
    expect(files).toContain('package.json');
    // Small: the bin, the postinstall guard, README and the sample reports; no sources, tests or fixtures.
    expect(files.filter((f: string) => /^(src|test|panel|demo|dist)\//.test(f))).toEqual([]);
    expect(info.size).toBeLessThan(200_000);
    expect(exec('tar', ['xzf', join(temp, info.filename), '-C', temp], root).code).toBe(0);
    const unpacked = join(temp, 'package');
    expect(existsSync(join(unpacked, 'node_modules'))).toBe(false);
    // Nothing for `npm install -g <tgz>` to fetch: the extension's libraries are build inputs (devDependencies).
    expect(JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8')).dependencies).toBeUndefined();
    // Run from the temp folder: no node_modules of this repository can be resolved from there.
    const r = exec(process.execPath, [join(unpacked, CLI_BIN), 'analyze', har, '--format', 'json'], temp);
    expect(r.code, r.err).toBe(1);
    expect(JSON.parse(r.out)).toMatchObject({ headline: { id: 'bf.invoke-502' }, version: pkg.version });
    // Its postinstall has nothing to do outside a clone.
    expect(exec(process.execPath, [join(unpacked, 'scripts/postinstall.mjs')], unpacked).code).toBe(0);
  });
});
