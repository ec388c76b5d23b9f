import { describe, expect, it } from 'vitest';
import { filterRows, NO_FILTER } from '../../src/analysis/rows/filter';
import { buildTimeline } from '../../src/analysis/rows/timeline';
import { capture } from '../helpers/captures';

describe('timeline filters', () => {
  const rows = buildTimeline(
    [...capture('sso-failure-502'), ...capture('slow').map((e) => ({ ...e, seq: e.seq + 1000 }))],
    Date.now(),
  );

  it('keeps everything with no filter', () => {
    expect(filterRows(rows, NO_FILTER)).toBe(rows);
  });

  it('filters by source, kind, severity and text', () => {
    const dl = filterRows(rows, { ...NO_FILTER, sources: ['Direct Line'] });
    expect(dl.length).toBeGreaterThan(0);
    expect(dl.every((r) => r.source === 'Direct Line')).toBe(true);
    expect(filterRows(rows, { ...NO_FILTER, kinds: ['OAuthCard'] }).map((r) => r.tag)).toEqual(['oauthcard']);
    const problems = filterRows(rows, { ...NO_FILTER, severity: 'problems' });
    expect(problems.every((r) => r.severity !== 'info')).toBe(true);
    expect(problems.some((r) => r.severity === 'warning')).toBe(true);
    expect(filterRows(rows, { ...NO_FILTER, severity: 'errors' }).every((r) => r.severity === 'error')).toBe(true);
    // Every word must match, case-insensitively.
    const hits = filterRows(rows, { ...NO_FILTER, text: 'RETRY postactivity' });
    expect(hits.map((r) => r.summary)).toEqual([expect.stringContaining("→ 'retry'")]);
    expect(filterRows(rows, { ...NO_FILTER, text: 'no such words anywhere' })).toEqual([]);
  });

  it('combines filters', () => {
    const r = filterRows(rows, { text: 'budget', sources: ['extension'], kinds: [], severity: 'errors' });
    expect(r.map((x) => x.kind)).toEqual(['over budget']);
  });
});
