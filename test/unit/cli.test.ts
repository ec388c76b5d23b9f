/**
 * The command-line analyzer's logic (src/cli/analyze.ts), run in-process on real files in a temp
 * folder: the analysis equals the panel's (`diagnose`), output order (headline, attempts, findings),
 * exit codes that follow --fail-on, and exit 2 with a message that says why on unreadable input or a
 * wrong command line. The bundled bin itself is run in test/e2e/cli.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { buildCaptureFile } from '../../src/analysis/formats/capture';
import { harToEntries } from '../../src/analysis/formats/har';
import { DEFAULT_FAIL_ON, EXIT, processIo, runCli } from '../../src/cli/analyze';
import { capture } from '../helpers/captures';

const root = join(import.meta.dirname, '../..');
const harPath = (id: string) => join(root, `test/fixtures/har/${id}.har`);
let dir: string;

/** A capture file as the panel exports it (no redaction, so the file holds what the fixture holds). */
function writeCapture(id: string): string {
  const path = join(dir, `${id}.json`);
  const file = buildCaptureFile(capture(id), {
    exportedAt: 1_800_000_000_000,
    extensionVersion: '0.1.0',
    redaction: 'none',
  });
  writeFileSync(path, JSON.stringify(file));
  return path;
}

/** Runs the CLI with the real file system; returns exit code and what it wrote. */
function run(...argv: string[]) {
  let out = '';
  let err = '';
  const io = {
    ...processIo('9.9.9'),
    out: (t: string) => void (out += t),
    err: (t: string) => void (err += t),
    now: () => 0,
  };
  const code = runCli(argv, io);
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chat-sso-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyze: the panel analysis', () => {
  it('gives the diagnosis of the file (captures and HARs): same headline, attempts and findings', () => {
    const cases: [string, ReturnType<typeof diagnose>][] = [
      ...['sso-failure-502', 'rc-auth-slow', 'bot-500', 'sso-success'].map(
        (id): [string, ReturnType<typeof diagnose>] => [writeCapture(id), diagnose(capture(id))],
      ),
      ...['sso-failure-502', 'omnichannel', 'directline-websocket'].map((id): [string, ReturnType<typeof diagnose>] => [
        harPath(id),
        diagnose(harToEntries(JSON.parse(readFileSync(harPath(id), 'utf8'))).entries),
      ]),
    ];
    for (const [path, d] of cases) {
      const r = run('analyze', path, '--format', 'json');
      const json = JSON.parse(r.out);
      expect(json.headline?.id, path).toBe(d.headline?.id);
      expect(json.headline?.title, path).toBe(d.headline?.title);
      expect(json.findings.map((f: { id: string }) => f.id)).toEqual(d.findings.map((f) => f.id));
      expect(json.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(d.attempts.map((a) => a.outcome));
    }
  });

  it('prints the headline first, then the attempts, then the other findings', () => {
    const path = writeCapture('rc-auth-slow');
    const d = diagnose(capture('rc-auth-slow'));
    const lines = run('analyze', path).out.split('\n');
    expect(lines[0]).toMatch(/^Chat SSO Inspector: capture rc-auth-slow\.json · http:\/\/\S+ · \d+ events/);
    expect(lines[1]).toBe(
      `  ✖ HEADLINE ${d.headline!.title} [${d.headline!.id}]  (${d.headline!.evidence.map((s) => `#${s}`).join(' ')})`,
    );
    const at = (prefix: string) => lines.findIndex((l) => l.startsWith(prefix));
    const firstAttempt = at('  → ');
    const firstOther = at(
      `    ${{ error: '✖', warning: '⚠', info: 'ℹ' }[d.findings[1]!.severity]} ${d.findings[1]!.title}`,
    );
    expect(firstAttempt).toBeGreaterThan(1);
    expect(firstOther).toBeGreaterThan(firstAttempt);
    expect(lines.filter((l) => l.startsWith('  → '))).toHaveLength(d.attempts.length);
  });

  it('says when a readable file holds nothing to analyse (exit 0)', () => {
    const path = join(dir, 'empty.har');
    writeFileSync(path, JSON.stringify({ log: { version: '1.2', entries: [] } }));
    const r = run('analyze', path);
    expect(r.code).toBe(EXIT.clean);
    expect(r.out).toContain('Nothing to analyse: the file holds no chat or sign-in event.');
    expect(r.out).toContain('⚠ The HAR has no requests.');
  });

  it('writes the shareable report as Markdown and HTML', () => {
    const path = writeCapture('sso-failure-502');
    const md = run('analyze', path, '--format', 'md');
    expect(md.out).toMatch(/^## Chat SSO Inspector report/);
    expect(md.out).toContain('`bf.invoke-502`');
    const html = run('analyze', path, '--format', 'html');
    expect(html.out).toMatch(/^<!doctype html>/);
    expect(html.out).toContain('data-check-id="bf.invoke-502"');
  });
});

describe('analyze: exit codes', () => {
  it(`follow --fail-on (default ${DEFAULT_FAIL_ON})`, () => {
    // Errors, warnings only, info only (see the fixtures' diagnoses).
    const errors = writeCapture('sso-failure-502');
    const warnings = writeCapture('bot-500');
    const clean = writeCapture('sso-success');
    expect(diagnose(capture('bot-500')).findings.map((f) => f.severity)).toEqual(['warning']);
    expect(diagnose(capture('sso-success')).findings.every((f) => f.severity === 'info')).toBe(true);
    expect(run('analyze', errors).code).toBe(EXIT.findings);
    expect(run('analyze', warnings).code).toBe(EXIT.clean);
    expect(run('analyze', clean).code).toBe(EXIT.clean);
    expect(run('analyze', errors, '--fail-on', 'error').code).toBe(EXIT.findings);
    expect(run('analyze', warnings, '--fail-on', 'warning').code).toBe(EXIT.findings);
    expect(run('analyze', clean, '--fail-on', 'warning').code).toBe(EXIT.clean);
    expect(run('analyze', harPath('sso-failure-502'), '--format', 'json').code).toBe(EXIT.findings);
  });

  it('unreadable input: 2, and a message that says why', () => {
    const notJson = join(dir, 'notes.txt');
    writeFileSync(notJson, 'hello');
    const otherJson = join(dir, 'other.json');
    writeFileSync(otherJson, JSON.stringify({ hello: 'world' }));
    const bareFixture = join(root, 'test/fixtures/captures/sso-success.json');
    const cases: [string[], RegExp][] = [
      [['analyze', join(dir, 'missing.json')], /missing\.json: no such file/],
      [['analyze', dir], /is a folder, not a file/],
      [['analyze', notJson], /notes\.txt is not JSON\. Open a capture exported by Chat SSO Inspector/],
      [['analyze', otherJson], /not a Chat SSO Inspector capture/],
      [['analyze', bareFixture], /no "format" field/],
      [['analyze', join(root, 'test/fixtures/har/not-a-har.json')], /not a Chat SSO Inspector capture/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT.unreadable);
      expect(r.err).toMatch(message);
      expect(r.out).toBe('');
    }
  });

  it('a wrong command line: 2, the reason and the usage', () => {
    const file = harPath('sso-failure-502');
    const cases: [string[], RegExp][] = [
      [[], /no command given/],
      [['inspect', file], /unknown command "inspect"/],
      [['analyze'], /no file given/],
      [['analyze', file, file], /one file at a time/],
      [['analyze', file, '--format', 'pdf'], /--format must be one of text, json, md, html \(got "pdf"\)/],
      [['analyze', file, '--fail-on', 'info'], /--fail-on must be one of error, warning/],
      [['analyze', file, '--redaction', 'some'], /--redaction must be one of none, mask, remove/],
      [['analyze', file, '--colour'], /Unknown option '--colour'/],
    ];
    for (const [argv, message] of cases) {
      const r = run(...argv);
      expect(r.code, argv.join(' ')).toBe(EXIT.unreadable);
      expect(r.err).toMatch(message);
      expect(r.err).toContain('Usage: chat-sso-inspector analyze');
    }
    expect(run('--help')).toMatchObject({ code: EXIT.clean, err: '' });
    expect(run('--help').out).toContain('Exit codes: 0');
    expect(run('--version')).toMatchObject({ code: EXIT.clean, out: '9.9.9\n' });
  });

  it('--redaction none keeps what the default hides', () => {
    const path = writeCapture('throws');
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjbGktdXNlciJ9.c2lnbmF0dXJlLW9mLWNsaQ';
    const text = readFileSync(path, 'utf8').replace('Token service unreachable (simulated)', `rejected ${token}`);
    writeFileSync(path, text);
    expect(run('analyze', path, '--redaction', 'none').out).toContain(token);
    const masked = run('analyze', path).out;
    expect(masked).not.toContain('c2lnbmF0dXJlLW9mLWNsaQ');
    expect(masked).toContain('[JWT RS256, sub cli-user]');
  });
});
