// Reads what the panel shows (its rendered rows), in any browser driver that can evaluate a function.

/**
 * A timeline row as the panel renders it.
 * @typedef {{ seq: number, id: string, kind: string, tag: string, outcome: string, activity: string, severity: string, invocation: string | null, time: string, source: string, label: string, summary: string }} PanelRow
 */

/**
 * Runs in the panel page: the rows as the user sees them.
 * @returns {PanelRow[]}
 */
export function readRowsInPage() {
  return [...document.querySelectorAll('.timeline .row[data-seq]')].map((r) => {
    const cells = r.querySelectorAll('[role=gridcell]');
    return {
      seq: Number(r.getAttribute('data-seq')),
      id: r.getAttribute('data-id') ?? '',
      tag: r.getAttribute('data-tag') ?? '',
      outcome: r.getAttribute('data-outcome') ?? '',
      activity: r.getAttribute('data-activity') ?? '',
      kind: r.getAttribute('data-kind') ?? '',
      severity: r.getAttribute('data-severity') ?? '',
      invocation: r.getAttribute('data-invocation') || null,
      time: cells[0]?.textContent ?? '',
      source: cells[1]?.textContent ?? '',
      label: (cells[2]?.textContent ?? '').trim(),
      summary: cells[3]?.textContent ?? '',
    };
  });
}

/** Parses a duration as the panel prints it ("123.4 ms", "10.51 s", "1 min 3 s") into ms. */
export function parseDuration(text) {
  let m = /(-?[\d.]+) ms/.exec(text);
  if (m) return Number(m[1]);
  m = /(-?[\d.]+) s\b/.exec(text);
  if (m && !/min|h\b/.test(text)) return Number(m[1]) * 1000;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+) (d|h|min|s)\b/g))
    total += Number(n) * { d: 86_400_000, h: 3_600_000, min: 60_000, s: 1000 }[unit];
  return total;
}

/** Formats rows for the terminal: one line each, problems marked. */
export function formatRows(rows) {
  const mark = { info: ' ', warning: '⚠', error: '✖' };
  return rows
    .map(
      (r) =>
        `  ${mark[r.severity] ?? ' '} ${r.time.padStart(10)}  ${r.source.padEnd(11)} ${r.label.replace(/^[⚠✖]\s*/, '').padEnd(16)} ${r.summary}`,
    )
    .join('\n');
}

/** One line per OAuthCard and its invoke, as the panel shows them: the SSO attempt at a glance. */
export function formatSsoAttempts(rows) {
  const cards = rows.filter((r) => r.tag === 'oauthcard');
  if (cards.length === 0) return '  SSO: no OAuthCard seen';
  const invokes = rows.filter((r) => r.tag === 'invoke');
  return cards
    .map((c) => {
      const invoke =
        invokes.map((i) => i.summary.replace(/^.*?\): /, '')).join('; ') || 'no signin/tokenExchange invoke';
      return `  SSO: card ${c.outcome.toUpperCase()} · invoke: ${invoke}`;
    })
    .join('\n');
}

/**
 * Reads the diagnosis as the panel shows it: the headline's check id (above the timeline), then, in
 * the Diagnosis view, every attempt's outcome and sentence and every finding. Leaves the panel on the timeline.
 * @param {{ click(sel: string): Promise<void>, evaluate: Function }} panel  a Playwright or Puppeteer page
 */
export async function readDiagnosis(panel) {
  const headline = await panel.evaluate(() => {
    const h = document.querySelector('[data-testid=headline]');
    return h ? { id: h.getAttribute('data-check-id'), text: h.textContent } : null;
  });
  await panel.click('[data-testid=view-diagnosis]');
  const view = await panel.evaluate(() => ({
    attempts: [...document.querySelectorAll('[data-testid=attempt]')].map((a) => ({
      kind: a.getAttribute('data-kind'),
      outcome: a.getAttribute('data-outcome'),
      sentence: a.querySelector('[data-testid=attempt-sentence]')?.textContent ?? '',
    })),
    findings: [...document.querySelectorAll('[data-testid=finding]')].map((f) => ({
      id: f.getAttribute('data-check-id'),
      severity: f.getAttribute('data-severity'),
      title: f.querySelector('.finding-title strong')?.textContent ?? '',
    })),
  }));
  await panel.click('[data-testid=view-timeline]');
  return { headline, ...view };
}

/** The diagnosis for the terminal: headline first, then the attempts and the other findings (one printer, shared with the CLI). */
export { formatDiagnosis } from '../../src/cli/terminal.mjs';
