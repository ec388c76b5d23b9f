/**
 * Injected faults (issue 12) in the analysis: the timeline's rows for fault.applied and faults.changed and
 * its mark on every row a fault changed (and the filter finding them); the diagnosis naming the injected
 * fault as the cause of each fault's fallback, never the site; the sequence diagram marking injected steps.
 * Logs: stored captures with the fault written in as the hook and background record it (test/helpers/faults.ts).
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/analysis/diagnosis';
import { diagramOf } from '../../src/analysis/diagram';
import { buildCaptureFile, parseCaptureFile } from '../../src/analysis/formats/capture';
import { buildReport } from '../../src/analysis/report/report';
import { reportMarkdown } from '../../src/analysis/report/reportMarkdown';
import { LogIndex } from '../../src/analysis/model/logIndex';
import { LogModel } from '../../src/analysis/logModel';
import { filterRows, NO_FILTER } from '../../src/analysis/rows/filter';
import { buildTimeline } from '../../src/analysis/rows/timeline';
import type { LogEntry } from '../../src/shared/events';
import { capture } from '../helpers/captures';
import { FAULT_SPECS, faultCapture, withFault } from '../helpers/faults';

const rowsOf = (entries: LogEntry[]) => buildTimeline(entries, Math.max(...entries.map((e) => e.event.at)));

describe('timeline', () => {
  const entries = faultCapture('exchange-502');
  const rows = rowsOf(entries);

  it('gives fault.applied and faults.changed rows that say what was done, in words', () => {
    const applied = rows.find((r) => r.entry.event.kind === 'fault.applied')!;
    expect(applied.kind).toBe('injected fault');
    expect(applied.summary).toBe(
      'Injected fault exchange-502: answered the signin/tokenExchange invoke POST with 502 (status 502)',
    );
    expect(applied.injected).toBe('exchange-502');
    const changed = rows.find((r) => r.entry.event.kind === 'faults.changed')!;
    expect(changed.summary).toContain('Injected faults switched on: signin/tokenExchange invoke answered 502');
    expect(changed.severity).toBe('warning');
  });

  it('says when every fault was switched off', () => {
    const off: LogEntry = {
      seq: 1,
      frameId: -1,
      event: { kind: 'faults.changed', at: 1, t: 0, faults: [], keepAcrossReload: false },
    };
    const [row] = rowsOf([off]);
    expect(row!.summary).toBe('All injected faults switched off');
    expect(row!.severity).toBe('info');
    expect(row!.injected).toBeUndefined();
  });

  it('marks exactly the rows of events a fault changed', () => {
    const marked = rows.filter((r) => r.injected).map((r) => r.entry.event.kind);
    // The HTTP POST gives two rows (the request and the invoke it carried); postActivity one; fault.applied one.
    expect(new Set(marked)).toEqual(new Set(['fault.applied', 'directline.http', 'directline.post']));
    const unmarked = rowsOf(capture('sso-failure-502'));
    expect(unmarked.some((r) => r.injected)).toBe(false);
  });

  it('is found by typing "injected" or the fault id', () => {
    const byWord = filterRows(rows, { ...NO_FILTER, text: 'injected' });
    const byId = filterRows(rows, { ...NO_FILTER, text: 'exchange-502' });
    expect(byWord.length).toBeGreaterThanOrEqual(4);
    expect(byWord.every((r) => r.injected || r.entry.event.kind === 'faults.changed')).toBe(true);
    expect(byId.map((r) => r.id)).toEqual(byWord.filter((r) => r.injected).map((r) => r.id));
  });
});

/** What each fault's capture must say: the fallback it reproduces and the site findings it must not blame. */
const EXPECTED: Record<string, { outcome: string; because: RegExp; siteChecks: string[] }> = {
  'auth-delay': {
    outcome: 'chat failed',
    because: /because the injected 10\.5 s delay held back the auth token provider's callback past the 10 s budget/,
    siteChecks: ['auth.provider-over-budget', 'lcw.error'],
  },
  'auth-fail-throw': {
    outcome: 'chat failed',
    because: /because the injected fault made the auth token provider throw/,
    siteChecks: ['auth.provider-threw', 'lcw.error'],
  },
  'auth-fail-expired': {
    outcome: 'chat failed',
    because: /because the inspector replaced the token with an injected, unsigned, expired one/,
    siteChecks: ['auth.token-expired', 'lcw.error'],
  },
  'bot-auth-delay': {
    outcome: 'card shown',
    because:
      /because the injected 2\.5 s delay held back the bot auth token provider's callback past the widget's ~2 s window/,
    siteChecks: ['widget.card-shown-after-window'],
  },
  'post-token-status': {
    outcome: 'card shown',
    because: /because the inspector answered the token POST to botTokenUrl with an injected 500/,
    siteChecks: ['botauth.token-post-status'],
  },
  'exchange-502': {
    outcome: 'card shown',
    because: /^Sign-in card shown because the injected 502 failed the token exchange\.?$/,
    siteChecks: ['bf.invoke-502'],
  },
  'strip-exchange-resource': {
    outcome: 'card shown',
    because: /because the injected fault stripped tokenExchangeResource from the OAuthCard/,
    siteChecks: ['bf.no-token-exchange-resource'],
  },
};

describe('diagnosis attribution', () => {
  it('covers every fault', () => {
    expect(new Set(Object.values(FAULT_SPECS).map((s) => s.fault.id)).size).toBe(6);
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(FAULT_SPECS).sort());
  });

  describe.each(Object.keys(FAULT_SPECS))('%s', (name) => {
    const spec = FAULT_SPECS[name]!;
    const expected = EXPECTED[name]!;
    const entries = faultCapture(name);
    const d = diagnose(entries);
    const appliedSeq = entries.find((e) => e.event.kind === 'fault.applied')!.seq;

    it('without the fault, the same capture blames the site (the test can tell)', () => {
      const plain = diagnose(capture(spec.base));
      for (const id of expected.siteChecks) {
        const f = plain.findings.find((x) => x.id === id);
        expect(f, id).toBeDefined();
        expect(f!.injected).toBeUndefined();
      }
      expect(plain.headline?.id).not.toMatch(/^fault\./);
    });

    it('names the injected fault in the headline and in the attempt', () => {
      expect(d.headline?.id).toBe('fault.injected-outcome');
      expect(d.headline?.title).toMatch(expected.because);
      expect(d.headline?.evidence).toContain(appliedSeq);
      const attempt = d.attempts.find((a) => a.injected?.length)!;
      expect(attempt.outcome).toBe(expected.outcome);
      expect(attempt.injected).toEqual([spec.fault.id]);
      expect(attempt.sentence).toMatch(expected.because);
      expect(attempt.observed).toBeTruthy();
      const step = attempt.steps.find((s) => s.evidence.includes(appliedSeq))!;
      expect(step.text).toMatch(/^Injected fault: /);
      expect(step.injected).toBe(spec.fault.id);
    });

    it('attributes the findings that would blame the site to the fault, with its fault.applied as evidence', () => {
      for (const id of expected.siteChecks) {
        const f = d.findings.find((x) => x.id === id)!;
        expect(f, id).toBeDefined();
        expect(f.severity).toBe('info');
        expect(f.title).toMatch(/^Injected fault: /);
        expect(f.injected).toBe(spec.fault.id);
        expect(f.evidence).toContain(appliedSeq);
      }
      const blaming = d.findings.filter((f) => f.severity !== 'info' && !f.id.startsWith('fault.'));
      expect(blaming.map((f) => f.id)).toEqual([]);
    });

    it('marks the injected steps in the sequence diagram', () => {
      const attempt = d.attempts.find((a) => a.injected?.length)!;
      const diagram = diagramOf(attempt, LogIndex.of(entries));
      const injected = diagram.messages.filter((m) => m.injected);
      expect(injected.length).toBeGreaterThan(0);
      for (const m of injected) expect(m.label).toMatch(/\(injected\)$/);
      expect(diagram.messages.filter((m) => !m.injected).some((m) => m.label.endsWith('(injected)'))).toBe(false);
    });
  });

  it('ties a fault by the ids fault.applied names, without any marker', () => {
    const spec = { ...FAULT_SPECS['post-token-status']!, mark: () => false };
    const d = diagnose(withFault(capture(spec.base), spec));
    expect(d.headline?.id).toBe('fault.injected-outcome');
    expect(d.findings.find((f) => f.id === 'botauth.token-post-status')?.severity).toBe('info');
  });

  it('ties a fault by the markers alone, without fault.applied', () => {
    const entries = faultCapture('exchange-502').filter((e) => e.event.kind !== 'fault.applied');
    const d = diagnose(entries);
    expect(d.headline?.title).toBe('Sign-in card shown because the injected 502 failed the token exchange');
    expect(d.findings.find((f) => f.id === 'bf.invoke-502')?.severity).toBe('info');
  });

  it('ties a marked event to a fault.applied the hook logged after it', () => {
    const entries = faultCapture('strip-exchange-resource');
    const i = entries.findIndex((e) => e.event.kind === 'fault.applied');
    const [applied] = entries.splice(i, 1);
    entries.splice(i + 1, 0, applied!);
    entries.forEach((e, n) => (e.seq = n + 1));
    const d = diagnose(entries);
    const appliedSeq = entries.find((e) => e.event.kind === 'fault.applied')!.seq;
    expect(d.headline?.id).toBe('fault.injected-outcome');
    expect(d.headline?.evidence).toContain(appliedSeq);
    expect(d.findings.find((f) => f.id === 'bf.no-token-exchange-resource')?.evidence).toContain(appliedSeq);
  });

  it('leaves a fault that decided nothing out of the sentences: a successful attempt keeps its outcome', () => {
    // post-token-status 200 on a capture where the POST was answered 200 and the card hidden.
    const spec = {
      ...FAULT_SPECS['post-token-status']!,
      fault: { id: 'post-token-status', status: 200 } as const,
      base: 'rc-bot-hidden',
      applied: { action: 'answered the POST to botTokenUrl with 200', status: 200 },
    };
    const d = diagnose(withFault(capture(spec.base), spec));
    const attempt = d.attempts.find((a) => a.injected?.length)!;
    expect(attempt.outcome).toBe('card hidden');
    expect(attempt.sentence).toMatch(/^Sign-in card hidden: .*\(with an injected fault: .*injected 200\)\.$/);
    expect(d.findings.some((f) => f.id === 'fault.injected-outcome')).toBe(false);
    expect(d.findings.some((f) => f.id === 'fault.active')).toBe(true);
  });

  it('the live model gives the same diagnosis as a from-scratch one', () => {
    const entries = faultCapture('bot-auth-delay');
    const model = new LogModel();
    for (let i = 0; i < entries.length; i += 3) model.append(entries.slice(i, i + 3));
    const now = Math.max(...entries.map((e) => e.event.at));
    expect(model.diagnose(now)).toEqual(diagnose(entries, { nowMs: now }));
  });
});

describe('export and import', () => {
  it.each(Object.keys(FAULT_SPECS))('%s: the fault events and markers survive a capture file', (name) => {
    const entries = faultCapture(name);
    const file = buildCaptureFile(entries, { exportedAt: 0, extensionVersion: 'test', redaction: 'none' });
    const back = parseCaptureFile(JSON.parse(JSON.stringify(file)));
    expect(back.warnings).toEqual([]);
    expect(back.entries).toEqual(entries);
    expect(diagnose(back.entries).headline?.id).toBe('fault.injected-outcome');
    for (const redaction of ['mask', 'remove'] as const) {
      const redacted = buildCaptureFile(entries, { exportedAt: 0, extensionVersion: 'test', redaction });
      const read = parseCaptureFile(JSON.parse(JSON.stringify(redacted)));
      expect(read.warnings, redaction).toEqual([]);
      expect(diagnose(read.entries).headline?.id, redaction).toBe('fault.injected-outcome');
    }
  });

  it('skips a faults.changed whose faults are not faults, saying why', () => {
    const entries = faultCapture('exchange-502');
    const file = buildCaptureFile(entries, { exportedAt: 0, extensionVersion: 'test', redaction: 'none' });
    const raw = JSON.parse(JSON.stringify(file));
    raw.entries[0].event.faults = [{ id: 'exchange-502' }, { id: 'exchange-502' }];
    const back = parseCaptureFile(raw);
    expect(back.entries).toHaveLength(entries.length - 1);
    expect(back.warnings.join(' ')).toContain('is not a list of faults');
  });
});

describe('report', () => {
  it('names the injected fault in its headline and marks the rows it changed', () => {
    const report = buildReport(faultCapture('exchange-502'));
    const md = reportMarkdown(report);
    expect(md).toContain('Sign-in card shown because the injected 502 failed the token exchange');
    const marked = report.excerpt.filter((r) => r.summary.startsWith('⚡ injected exchange-502: '));
    expect(marked.length).toBeGreaterThanOrEqual(2);
    expect(buildReport(capture('sso-failure-502')).excerpt.some((r) => r.summary.includes('⚡ injected'))).toBe(false);
  });
});
