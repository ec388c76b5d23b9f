/**
 * The diagnosis: every check of the catalog run over a capture, plus its SSO attempts.
 * Pure (no browser APIs): runs in the panel, in Node tests and on imported captures.
 */
import type { LogEntry } from '../../shared/events';
import { BOT_FRAMEWORK_CHECKS } from './botFramework';
import { errorMessage } from '../model/format';
import { buildModel } from './model';
import type { LogIndex } from '../model/logIndex';
import { attributeFindings, faultAttribution, FAULT_CHECKS } from './faults';
import { HAR_IMPORT_CHECKS } from './harImport';
import { OMNICHANNEL_AUTH_CHECKS } from './omnichannelAuth';
import { OMNICHANNEL_BOT_CHECKS } from './omnichannelBot';
import { OMNICHANNEL_WIDGET_CHECKS } from './omnichannelWidget';
import type { Check, Diagnosis, Finding } from './types';

export type { SsoAttempt, Check, Diagnosis, Finding, FindingSeverity, Step } from './types';
export { CLOCK_SKEW_SECONDS } from './model';
export { LCW_ERROR_CAUSES, LCW_ERROR_CODES } from '../model/lcwErrors';

/** The catalog, in documentation order (docs/checks.md lists every id). */
export const CHECKS: readonly Check[] = [
  ...OMNICHANNEL_AUTH_CHECKS,
  ...OMNICHANNEL_BOT_CHECKS,
  ...OMNICHANNEL_WIDGET_CHECKS,
  ...BOT_FRAMEWORK_CHECKS,
  ...HAR_IMPORT_CHECKS,
  ...FAULT_CHECKS,
];

const RANK = { error: 0, warning: 1, info: 2 } as const;

export interface DiagnoseOptions {
  /** ms since the Unix epoch. */
  nowMs?: number;
  clockSkewSeconds?: number;
  /** The live index of exactly these entries (the panel's), read instead of indexing them again. */
  index?: LogIndex;
}

/**
 * Diagnoses a capture. `nowMs` (ms since the Unix epoch) decides what counts as "still waiting";
 * it defaults to the last event's time, so an imported capture gives the same answer every time.
 * A check that fails on odd input is reported as a finding of its own, never thrown. Outcomes and findings
 * an injected fault caused are attributed to it (faults.ts); the outcome findings lead.
 */
export function diagnose(entries: readonly LogEntry[], opts: DiagnoseOptions = {}): Diagnosis {
  const model = buildModel(entries, opts, opts.index);
  let findings: Finding[] = [];
  const symptom = new Set(CHECKS.filter((c) => c.symptom).map((c) => c.id));
  const leads = new Set(CHECKS.filter((c) => c.leads).map((c) => c.id));
  for (const check of CHECKS) {
    try {
      for (const f of check.run(model))
        findings.push({
          ...f,
          id: check.id,
          doc: check.doc,
          fix: f.fix ?? check.fix,
          evidence: [...new Set(f.evidence)].sort((a, b) => a - b),
        });
    } catch (e) {
      findings.push({
        id: 'inspector.check-failed',
        severity: 'warning',
        title: `Check ${check.id} could not run`,
        explanation: errorMessage(e),
        evidence: [],
        fix: 'Please report this capture.',
        doc: 'docs/checks.md',
      });
    }
  }
  try {
    findings = attributeFindings(model, findings);
  } catch {
    // Attribution is an overlay: without it the findings still stand as the checks gave them.
  }
  findings.sort(
    (a, b) =>
      Number(leads.has(b.id)) - Number(leads.has(a.id)) ||
      RANK[a.severity] - RANK[b.severity] ||
      Number(symptom.has(a.id)) - Number(symptom.has(b.id)) ||
      (a.evidence[0] ?? 0) - (b.evidence[0] ?? 0),
  );
  let attempts: Diagnosis['attempts'];
  try {
    attempts = faultAttribution(model).attempts;
  } catch {
    attempts = [];
  }
  return { attempts, findings, ...(findings[0] ? { headline: findings[0] } : {}) };
}
