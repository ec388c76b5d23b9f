/**
 * The shareable report (src/analysis/report/report*.ts): its content matches the diagnosis, it is
 * redacted by default (no segment of any token of the input survives), page strings are escaped in
 * HTML and Markdown, the HTML runs and loads nothing, and the optional per-attempt diagram is embedded.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { harToEntries } from '../../src/analysis/formats/har';
import { buildTimeline } from '../../src/analysis/rows/timeline';
import { buildReport, REPORT_MAX_ROWS, type ReportData } from '../../src/analysis/report/report';
import { REPORT_CSP, reportHtml } from '../../src/analysis/report/reportHtml';
import { escapeMarkdown, reportMarkdown } from '../../src/analysis/report/reportMarkdown';
import type { LogEntry } from '../../src/shared/events';
import { SAMPLE_CAPTURE, SAMPLE_FILES, sampleReports } from '../../scripts/lib/sampleReport';
import { capture, CAPTURE_IDS, editEvents } from '../helpers/captures';
import { jwt } from '../helpers/tokens';

const root = join(import.meta.dirname, '../..');
const HAR_IDS = ['directline-rest', 'directline-websocket', 'omnichannel', 'sso-failure-502'];
const har = (id: string) =>
  harToEntries(JSON.parse(readFileSync(join(root, `test/fixtures/har/${id}.har`), 'utf8'))).entries;

/** Every JWS-looking token in a value (as the page handed it over, in any field). */
function tokensIn(value: unknown): Set<string> {
  const text = JSON.stringify(value);
  return new Set([...text.matchAll(/eyJ[\w-]{2,}\.[\w-]*\.[\w-]+/g)].map((m) => m[0]));
}

/** Everything a report writes: HTML, Markdown and its JSON model. */
const outputs = (r: ReportData) => [reportHtml(r), reportMarkdown(r), JSON.stringify(r)].join('\n');

/** The segments of `tokens` (header, payload, signature) found in `text`. */
function leakedSegments(text: string, tokens: Iterable<string>): string[] {
  const leaks: string[] = [];
  for (const token of tokens)
    for (const segment of token.split('.')) if (segment.length >= 8 && text.includes(segment)) leaks.push(segment);
  return leaks;
}

const SECRET = jwt(
  { sub: 'user-1234567890', aud: 'api://report-test', exp: 1_900_000_000, email: 'someone@example.com' },
  { alg: 'RS256', typ: 'JWT', kid: 'report-key' },
  'c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw',
);

/**
 * The `throws` capture with a token in what the page says: the provider's error message, the widget's
 * lcw:error detail and the page URL. These strings reach the report's rows, steps and findings as written.
 */
function leakyCapture(token = SECRET): LogEntry[] {
  let entries = editEvents(capture('throws'), 'provider.end', (e) => {
    if (e.error) e.error.message = `Token service rejected ${token}`;
  });
  entries = editEvents(entries, 'lcw.event', (e) => {
    if (e.detail) (e.detail as Record<string, unknown>).errorDetail = `Bearer ${token} was refused`;
  });
  return editEvents(entries, 'hook.installed', (e) => {
    e.url = `${e.url}&id_token=${token}`;
  });
}

describe('report content', () => {
  it('holds the diagnosis: headline, every attempt with its steps, every finding with fix and doc', () => {
    for (const id of ['sso-failure-502', 'rc-auth-slow', 'bot-twice', 'sso-success']) {
      const entries = capture(id);
      const d = diagnose(entries);
      const r = buildReport(entries);
      expect(r.headline?.id).toBe(d.headline?.id);
      expect(r.findings.map((f) => f.id)).toEqual(d.findings.map((f) => f.id));
      expect(r.attempts.map((a) => [a.outcome, a.sentence])).toEqual(d.attempts.map((a) => [a.outcome, a.sentence]));
      const doc = new Window().document;
      doc.write(reportHtml(r));
      const text = doc.body.textContent ?? '';
      for (const f of r.findings) {
        expect(text).toContain(f.title);
        expect(text).toContain(f.fix);
      }
      for (const a of r.attempts) for (const s of a.steps) expect(text).toContain(s.text);
      if (d.headline)
        expect(doc.querySelector('[data-testid=headline]')?.getAttribute('data-check-id')).toBe(d.headline.id);
      const md = reportMarkdown(r);
      expect(md).toContain(`\`${d.headline?.id ?? ''}\``);
      expect(md.match(/^- [✖⚠ℹ] /gm)?.length ?? 0).toBe(r.findings.length);
    }
  });

  it('lists the timeline rows the evidence cites, each an anchor the evidence links point at', () => {
    const r = buildReport(capture('sso-failure-502'));
    const cited = new Set([
      ...r.attempts.map((a) => a.startSeq),
      ...r.findings.flatMap((f) => f.evidence),
      ...r.attempts.flatMap((a) => a.steps.flatMap((s) => s.evidence)),
    ]);
    // Every cited entry that has a timeline row (a few events, e.g. Web Chat's store actions, have none).
    const entries = capture('sso-failure-502');
    const withRows = new Set(buildTimeline(entries, Math.max(...entries.map((e) => e.event.at))).map((x) => x.seq));
    expect(new Set(r.excerpt.map((x) => x.seq))).toEqual(new Set([...cited].filter((s) => withRows.has(s))));
    expect(r.excerpt.length).toBeGreaterThan(2);
    const doc = new Window().document;
    doc.write(reportHtml(r));
    const links = [...doc.querySelectorAll('a[href^="#"]')].map((a) => a.getAttribute('href')!.slice(1));
    expect(links.length).toBeGreaterThan(0);
    for (const id of links) expect(doc.getElementById(id), id).not.toBeNull();
  });

  it('bounds the excerpt and counts what it leaves out', () => {
    const base = capture('sso-failure-502');
    // Many copies of the log, each diagnosed like the original: every copy's evidence is cited.
    const many: LogEntry[] = [];
    for (let i = 0; i < 150; i++)
      for (const e of base) many.push({ ...structuredClone(e), seq: many.length + 1, frameId: i });
    const r = buildReport(many);
    expect(r.excerpt).toHaveLength(REPORT_MAX_ROWS);
    expect(r.excerptOmitted).toBeGreaterThan(0);
    expect(reportHtml(r)).toContain(`${r.excerptOmitted} more cited rows not shown`);
  });

  it('says when there is nothing to report', () => {
    const r = buildReport([]);
    expect(r.findings).toEqual([]);
    expect(reportHtml(r)).toContain('No findings');
    expect(reportMarkdown(r)).toContain('no findings');
  });
});

describe('report redaction', () => {
  it('is on by default: no segment of any token of the input survives, in any fixture', () => {
    const logs: [string, LogEntry[]][] = [
      ...CAPTURE_IDS.map((id): [string, LogEntry[]] => [id, capture(id)]),
      ...HAR_IDS.map((id): [string, LogEntry[]] => [`${id}.har`, har(id)]),
      ['leaky', leakyCapture()],
    ];
    let tokens = 0;
    for (const [id, entries] of logs) {
      const found = tokensIn(entries);
      tokens += found.size;
      const r = buildReport(entries, { source: { kind: 'capture', name: id } });
      expect(r.redaction).toBe('mask');
      expect(leakedSegments(outputs(r), found), id).toEqual([]);
    }
    expect(tokens).toBeGreaterThan(30);
  });

  it('would leak without redaction (the check above can fail), and keeps the claims under mask', () => {
    const entries = leakyCapture();
    expect(leakedSegments(outputs(buildReport(entries, { redaction: 'none' })), [SECRET]).length).toBeGreaterThan(0);
    const masked = outputs(buildReport(entries));
    expect(masked).toContain('[JWT RS256, sub user-1234567…');
    expect(masked).not.toContain('c2VjcmV0LXNpZ25hdHVyZS1ieXRlcw');
    const removed = outputs(buildReport(entries, { redaction: 'remove' }));
    expect(leakedSegments(removed, [SECRET])).toEqual([]);
    expect(removed).toContain('[token removed:');
    expect(removed).not.toContain('sub user-1234567');
  });

  it('diagnoses the original log: redaction does not change the verdict', () => {
    const entries = leakyCapture();
    const ids = (r: ReportData) => r.findings.map((f) => f.id);
    expect(ids(buildReport(entries, { redaction: 'remove' }))).toEqual(diagnose(entries).findings.map((f) => f.id));
  });

  it('redacts the diagram too', () => {
    const r = buildReport(leakyCapture(), { diagram: () => `<svg><text>${SECRET}</text></svg>` });
    expect(Object.keys(r.diagrams)).toHaveLength(r.attempts.length);
    expect(leakedSegments(reportHtml(r), [SECRET])).toEqual([]);
  });
});

describe('report escaping', () => {
  const HOSTILE = `<img src=x onerror=alert(1)><script>alert(2)</script>**bold** [link](https://evil.example) | pipe`;
  const hostile = () =>
    editEvents(capture('throws'), 'provider.end', (e) => {
      if (e.error) e.error.message = HOSTILE;
    });

  it('HTML: page strings are text, the page runs no script and loads nothing', () => {
    const html = reportHtml(buildReport(hostile()));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(script|img|iframe|link|object|embed|form)\b/i);
    expect(html).not.toMatch(/(src|href)="(?!#|https:\/\/learn\.microsoft\.com|https:\/\/www\.rfc-editor\.org)/);
    const doc = new Window().document;
    doc.write(html);
    expect(doc.body.textContent).toContain(HOSTILE);
    expect(doc.querySelectorAll('script, img')).toHaveLength(0);
    const handlers = [...doc.querySelectorAll('*')].flatMap((el) =>
      el.getAttributeNames().filter((n) => /^on/i.test(n)),
    );
    expect(handlers).toEqual([]);
  });

  it('Markdown: page strings show as typed, with no markup, link or table break of their own', () => {
    const md = reportMarkdown(buildReport(hostile()));
    expect(md).toContain('\\<img');
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
    expect(md).not.toMatch(/[^\\]\*\*bold/);
    expect(escapeMarkdown('a | b')).toBe('a \\| b');
    expect(escapeMarkdown('line\nbreak')).toBe('line break');
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
    expect(escapeMarkdown('see https://x.example')).toBe('see https\\://x.example');
    // Every table row keeps its five cells.
    for (const line of md.split('\n').filter((l) => /^\| \d/.test(l)))
      expect(line.split(/(?<!\\)\|/).length - 2, line).toBe(5);
  });

  it('embeds the diagram a renderer draws, per attempt, and goes on without one that throws', () => {
    const entries = capture('rc-auth-slow');
    const seen: string[] = [];
    const r = buildReport(entries, {
      diagram: (a) => {
        seen.push(a.id);
        return `<svg xmlns="http://www.w3.org/2000/svg" data-attempt="${a.id}"><text>${a.outcome}</text></svg>`;
      },
    });
    expect(seen).toEqual(r.attempts.map((a) => a.id));
    const html = reportHtml(r);
    for (const a of r.attempts) expect(html).toContain(`data-attempt="${a.id}"`);
    const failing = buildReport(entries, {
      diagram: () => {
        throw new Error('no layout');
      },
    });
    expect(failing.diagrams).toEqual({});
    expect(reportHtml(failing)).not.toContain('<figure');
  });
});

describe('sample report', () => {
  it('docs/sample-report.html and .md are current (regenerate with npm run docs:report)', () => {
    const fixture = readFileSync(join(root, `test/fixtures/captures/${SAMPLE_CAPTURE}.json`), 'utf8');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    const made = sampleReports(fixture, version);
    expect(readFileSync(join(root, SAMPLE_FILES.html), 'utf8')).toBe(made.html);
    expect(readFileSync(join(root, SAMPLE_FILES.md), 'utf8')).toBe(made.md);
  });
});
