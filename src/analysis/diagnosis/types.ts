/**
 * Types of the diagnosis: findings from a catalog of checks, and attempts (one per OAuthCard,
 * auth token provider invocation and bot sign-in card) with the chain of steps that led to their outcome.
 * Every reference to evidence is a log entry `seq` (see docs/capture-format.md).
 */
import type { FaultId } from '../../shared/faults';
import type { Model } from './model';

export type FindingSeverity = 'error' | 'warning' | 'info';

/** The areas the catalog covers. */
export type CheckArea =
  | 'Omnichannel auth'
  | 'Omnichannel bot auth'
  | 'Live chat widget (LCW v2)'
  | 'Bot Framework SSO'
  | 'Imported HAR files'
  | 'Injected faults';

/** One problem (or notable fact) found in a capture. */
export interface Finding {
  /** Stable check id, e.g. "auth.provider-over-budget" (listed in docs/checks.md). */
  id: string;
  severity: FindingSeverity;
  /** One line. */
  title: string;
  /** What happened, in this capture's terms (values, statuses, times). */
  explanation: string;
  /** Log entry seqs that prove it, in log order. */
  evidence: number[];
  /** What to do about it. */
  fix: string;
  /** The public doc the check rests on. */
  doc: string;
  /** The attempt it belongs to, when there is one. */
  attemptId?: string;
  /** A fault injected from the Reproduce menu caused what it reports (src/shared/faults.ts): not the site's doing. */
  injected?: FaultId;
}

/** A finding as a check returns it: id and doc come from the check, and fix unless given. */
export type RawFinding = Omit<Finding, 'id' | 'doc' | 'fix'> & { fix?: string };

/** A check of the catalog. `run` returns its findings (none when it stays silent). */
export interface Check {
  id: string;
  area: CheckArea;
  severity: FindingSeverity;
  /** Short name for the catalog. */
  name: string;
  /** What the check means and when it fires, for docs/checks.md. */
  meaning: string;
  fix: string;
  doc: string;
  /**
   * A symptom (lcw:error, an invoke's HTTP status) rather than a cause: among findings of the same
   * severity, causes come first, so the headline says why, not only what.
   */
  symptom?: boolean;
  /**
   * Its findings lead the list whatever their severity: an outcome the user asked for by injecting a fault
   * is what they look for first.
   */
  leads?: boolean;
  /** The findings; `fix` defaults to the check's. */
  run(model: Model): RawFinding[];
}

export type AttemptOutcome =
  'card hidden' | 'card shown' | 'card dropped' | 'chat authenticated' | 'chat failed' | 'unknown';

/** True for an outcome SSO did not reach: a sign-in card shown or dropped, or a chat that failed to start. */
export function isBadOutcome(outcome: AttemptOutcome): boolean {
  return outcome === 'card shown' || outcome === 'chat failed' || outcome === 'card dropped';
}

/** How the panel and the report colour an outcome: bad (SSO not reached), unknown, or good. */
export function outcomeTone(outcome: AttemptOutcome): 'bad' | 'unknown' | 'good' {
  return isBadOutcome(outcome) ? 'bad' : outcome === 'unknown' ? 'unknown' : 'good';
}

/** One step of an attempt's chain. */
export interface Step {
  text: string;
  status: 'ok' | 'fail' | 'info';
  evidence: number[];
  /** An injected fault changed (or is) what this step cites: the diagram and the panel mark it. */
  injected?: FaultId;
}

/** One SSO attempt and how it ended. */
export interface SsoAttempt {
  /** e.g. "oauthcard:<activity key>", "auth:<invocationId>", "bot:<invocationId>". */
  id: string;
  kind: 'oauthcard' | 'auth-provider' | 'bot-signin';
  title: string;
  outcome: AttemptOutcome;
  /** One sentence: "Sign-in card shown because …". */
  sentence: string;
  steps: Step[];
  /** Seq of the entry that starts the attempt. */
  startSeq: number;
  /** The injected faults (Reproduce menu) this attempt took part in; absent when none. */
  injected?: FaultId[];
  /** With `injected`: the sentence told from the page's events alone, before the fault was named as the cause. */
  observed?: string;
}

/** The diagnosis of a capture. Findings are sorted by severity, then by first evidence. */
export interface Diagnosis {
  attempts: SsoAttempt[];
  findings: Finding[];
  /** The most important finding (first of `findings`), if any. */
  headline?: Finding;
}
