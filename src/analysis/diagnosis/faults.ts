/**
 * Injected faults in the diagnosis (the panel's Reproduce menu, src/shared/faults.ts). A fault the user
 * switched on makes the page's own code take its fallback; the diagnosis must then name the fault as the
 * cause, never the site. This module:
 *  - ties log entries to the faults that changed them (`faultTies`): the hook's `fault.applied` entries,
 *    the entries it names by id (invocationId, requestId), and every entry carrying the `fault` marker;
 *  - marks the attempts those entries belong to (`attributeAttempts`): an "Injected fault" step, each
 *    changed step's `injected`, and a sentence that names the fault ("Sign-in card shown because the
 *    injected 502 failed the token exchange");
 *  - turns the findings that would blame the site for what the fault did into `info` findings titled
 *    "Injected fault: …" (`attributeFindings`);
 *  - adds two checks to the catalog: `fault.injected-outcome` (an attempt's outcome follows from an injected
 *    fault; it leads the findings) and `fault.active` (faults were switched on during the capture).
 * Pure; memoised per Model, so the checks and `diagnose` share one pass.
 */
import { describeFault, type Fault, type FaultId } from '../../shared/faults';
import { AUTH_PROVIDER_BUDGET_MS, WIDGET_DECISION_WINDOW_MS } from '../../shared/constants';
import { faultOfEvent } from '../../shared/events';
import { BUDGET_TEXT } from '../model/invocations';
import { lowerBoundSeq } from '../model/logIndex';
import { collectAttempts } from './attempts';
import { DOCS } from './docs';
import type { Entry, Model } from './model';
import type { Check, Finding, RawFinding, SsoAttempt, Step } from './types';

/**
 * The public doc of the fallback the Reproduce menu reproduces: the SSO flow's sign-in card fallback.
 * (How a fault reaches the page: docs/architecture.md, "Fault injection: the control path".)
 */
const FAULTS_DOC = DOCS.botSsoConcept;

/** An entry a fault changed: the fault, and the hook's `fault.applied` entry that says so (when seen). */
export interface FaultTie {
  fault: FaultId;
  applied?: Entry<'fault.applied'>;
}

/** Every entry an injected fault changed, by seq, and the faults' settings as the user switched them on. */
export interface FaultTies {
  bySeq: Map<number, FaultTie>;
  applied: readonly Entry<'fault.applied'>[];
  /** The `fault.applied` entries that name each invocationId. */
  appliedTo: Map<string, Entry<'fault.applied'>[]>;
  /** The fault with this id as last switched on before `seq` (faults.changed), if the log holds that. */
  settingAt(id: FaultId, seq: number): Fault | undefined;
}

/** Provider entries a delay or failure changes (not the invoke: the page's invocation itself is real). */
const CHANGED_BY_INVOCATION: ReadonlySet<string> = new Set(['provider.callback', 'provider.end']);

/**
 * The entries injected faults changed. Nothing to do in a log no fault touched (the index keeps the marked
 * entries); else one pass over the entries (marker and ids), O(entries).
 * An entry marked `fault` is tied to the latest `fault.applied` of that fault before it in its frame (else
 * the first after it).
 */
export function faultTies(m: Model): FaultTies {
  const applied = m.ofKind('fault.applied');
  const changes = m.ofKind('faults.changed');
  const bySeq = new Map<number, FaultTie>();
  const byInvocation = new Map<string, Entry<'fault.applied'>>();
  const byRequest = new Map<string, Entry<'fault.applied'>>();
  const appliedTo = new Map<string, Entry<'fault.applied'>[]>();
  for (const a of applied) {
    const inv = a.event.invocationId;
    if (inv) {
      const list = appliedTo.get(inv);
      if (list) list.push(a);
      else appliedTo.set(inv, [a]);
    }
    bySeq.set(a.seq, { fault: a.event.fault, applied: a });
    if (a.event.requestId) byRequest.set(a.event.requestId, a);
    else if (a.event.invocationId) byInvocation.set(a.event.invocationId, a);
  }
  // Lists in seq order: a binary search, then a walk back over other faults' entries; when the hook
  // logged its fault.applied only after the event it changed, the first one after it.
  const latestApplied = (fault: FaultId, entry: { seq: number; frameId: number }) => {
    const at = lowerBoundSeq(applied, entry.seq);
    const mine = (a: Entry<'fault.applied'>) => a.event.fault === fault && a.frameId === entry.frameId;
    for (let i = at - 1; i >= 0; i--) if (mine(applied[i]!)) return applied[i];
    for (let i = at; i < applied.length; i++) if (mine(applied[i]!)) return applied[i];
    return undefined;
  };
  if (applied.length > 0 || changes.length > 0 || m.faultMarked.length > 0) {
    for (const entry of m.entries) {
      if (bySeq.has(entry.seq)) continue;
      const e = entry.event as { kind: string; requestId?: unknown; invocationId?: unknown };
      const fault = faultOfEvent(entry.event);
      const byId =
        (typeof e.requestId === 'string' ? byRequest.get(e.requestId) : undefined) ??
        (typeof e.invocationId === 'string' && CHANGED_BY_INVOCATION.has(e.kind)
          ? byInvocation.get(e.invocationId)
          : undefined);
      if (byId) bySeq.set(entry.seq, { fault: byId.event.fault, applied: byId });
      else if (fault) {
        const a = latestApplied(fault, entry);
        bySeq.set(entry.seq, a ? { fault, applied: a } : { fault });
      }
    }
  }
  return {
    bySeq,
    applied,
    appliedTo,
    settingAt(id, seq) {
      const last = changes[lowerBoundSeq(changes, seq) - 1];
      return last?.event.faults.find((f) => f.id === id);
    },
  };
}

/** An attempt an injected fault took part in. */
export interface AttemptFault {
  /** The fault named as the cause (the one tied to the first failed step, else the first tied). */
  cause: FaultId;
  faults: FaultId[];
  /** The hook's `fault.applied` entries for this attempt, in log order. */
  applied: Entry<'fault.applied'>[];
  /** The seqs of the attempt's own entries the faults changed. */
  changed: number[];
  /** "the injected 502 failed the token exchange" */
  because: string;
}

/** An attempt outcome the user would call a fallback or a failure. */
const FAILED: ReadonlySet<SsoAttempt['outcome']> = new Set(['card shown', 'chat failed', 'card dropped', 'unknown']);

const LEAD: Record<SsoAttempt['outcome'], string> = {
  'card shown': 'Sign-in card shown',
  'chat failed': 'Authenticated chat failed',
  'card dropped': 'Sign-in card dropped',
  unknown: 'The attempt did not complete',
  'card hidden': 'Sign-in card hidden',
  'chat authenticated': 'Chat authenticated',
};

/**
 * Why a fault changed the outcome, as the end of "… because <this>". `fault`: its setting when known
 * (from faults.changed); `status`: the status the hook answered, when it said (fault.applied).
 */
export function injectedCause(id: FaultId, fault: Fault | undefined, status?: number): string {
  const seconds = fault && 'seconds' in fault ? fault.seconds : undefined;
  const delay = seconds === undefined ? 'the injected delay' : `the injected ${seconds} s delay`;
  switch (id) {
    case 'auth-delay': {
      const past = seconds === undefined || seconds * 1000 > AUTH_PROVIDER_BUDGET_MS;
      return `${delay} held back the auth token provider's callback${past ? ` past the ${BUDGET_TEXT} budget` : ''}`;
    }
    case 'auth-fail': {
      const mode = fault?.id === 'auth-fail' ? fault.mode : undefined;
      if (mode === 'throw') return 'the injected fault made the auth token provider throw';
      if (mode) return `the inspector replaced the token with an injected, unsigned, ${mode} one`;
      return 'the injected fault made the auth token provider fail';
    }
    case 'bot-auth-delay': {
      const past = seconds === undefined || seconds * 1000 > WIDGET_DECISION_WINDOW_MS;
      return `${delay} held back the bot auth token provider's callback${past ? " past the widget's ~2 s window" : ''}`;
    }
    case 'post-token-status': {
      const code = fault?.id === 'post-token-status' ? fault.status : status;
      return `the inspector answered the token POST to botTokenUrl with an injected ${code ?? 'status'}`;
    }
    case 'exchange-502':
      return 'the injected 502 failed the token exchange';
    case 'strip-exchange-resource':
      return 'the injected fault stripped tokenExchangeResource from the OAuthCard, so SSO was not tried';
  }
}

/** The invocation an attempt is about, by its id (auth:/bot: attempts, or the widget card's invocation). */
function invocationIdOf(m: Model, attempt: SsoAttempt): string | undefined {
  const [prefix, ...rest] = attempt.id.split(':');
  if (prefix === 'auth' || prefix === 'bot') return rest.join(':');
  return m.cardInvocations.get(attempt.id)?.invocationId;
}

/** The fault an attempt took part in, if any: by the ids `fault.applied` names, or by its entries' marks. */
function attemptFault(m: Model, ties: FaultTies, attempt: SsoAttempt): AttemptFault | undefined {
  const faults: FaultId[] = [];
  const applied = new Set<Entry<'fault.applied'>>();
  const changed: number[] = [];
  const invocationId = invocationIdOf(m, attempt);
  for (const a of invocationId ? (ties.appliedTo.get(invocationId) ?? []) : []) {
    applied.add(a);
    faults.push(a.event.fault);
  }
  let firstFailed: FaultId | undefined;
  for (const step of attempt.steps)
    for (const seq of step.evidence) {
      const tie = ties.bySeq.get(seq);
      if (!tie) continue;
      changed.push(seq);
      faults.push(tie.fault);
      if (tie.applied) applied.add(tie.applied);
      if (step.status === 'fail') firstFailed ??= tie.fault;
    }
  if (faults.length === 0) return undefined;
  const cause = firstFailed ?? faults[0]!;
  const causeApplied = [...applied].find((a) => a.event.fault === cause);
  const setting = ties.settingAt(cause, causeApplied?.seq ?? attempt.startSeq);
  return {
    cause,
    faults: [...new Set(faults)],
    applied: [...applied].sort((a, b) => a.seq - b.seq),
    changed: [...new Set(changed)],
    because: injectedCause(cause, setting, causeApplied?.event.status),
  };
}

/** The attempts of a model with injected faults named, and what each fault did; computed once per Model. */
export interface FaultAttribution {
  ties: FaultTies;
  attempts: SsoAttempt[];
  byAttempt: Map<string, AttemptFault>;
}

const memo = new WeakMap<Model, FaultAttribution>();

/**
 * The model's attempts (collectAttempts) with injected faults named in them, memoised per Model (the
 * checks and `diagnose` share it). Throws what collectAttempts throws.
 */
export function faultAttribution(m: Model): FaultAttribution {
  let done = memo.get(m);
  if (!done) {
    const ties = faultTies(m);
    const byAttempt = new Map<string, AttemptFault>();
    const attempts = collectAttempts(m).map((attempt) => {
      const af = attemptFault(m, ties, attempt);
      if (!af) return attempt;
      byAttempt.set(attempt.id, af);
      return attributeAttempt(attempt, af, ties);
    });
    memo.set(m, (done = { ties, attempts, byAttempt }));
  }
  return done;
}

/** A copy of `attempt` that names its injected fault: a step saying what the hook did, marks, and the sentence. */
function attributeAttempt(attempt: SsoAttempt, af: AttemptFault, ties: FaultTies): SsoAttempt {
  const changed = new Set(af.changed);
  const steps: Step[] = attempt.steps.map((s) => {
    const seq = s.evidence.find((x) => changed.has(x));
    return seq === undefined ? s : { ...s, injected: ties.bySeq.get(seq)!.fault };
  });
  for (const a of af.applied) {
    const setting = ties.settingAt(a.event.fault, a.seq);
    const step: Step = {
      text: `Injected fault: ${setting ? describeFault(setting) : a.event.action}`,
      status: 'info',
      evidence: [a.seq],
      injected: a.event.fault,
    };
    // In log order among the steps, so the chain (and its diagram) reads in the order things happened.
    const at = steps.findIndex((s) => s.evidence.length > 0 && Math.min(...s.evidence) > a.seq);
    if (at < 0) steps.push(step);
    else steps.splice(at, 0, step);
  }
  const sentence = FAILED.has(attempt.outcome)
    ? `${LEAD[attempt.outcome]} because ${af.because}.`
    : `${attempt.sentence.replace(/\.$/, '')} (with an injected fault: ${af.because}).`;
  return { ...attempt, steps, sentence, observed: attempt.sentence, injected: af.faults };
}

/**
 * The checks each fault makes fire on the site's account: their findings, when tied to the fault, are
 * the fault's doing, not the site's.
 */
const CAUSED: Record<FaultId, ReadonlySet<string>> = {
  'auth-delay': new Set([
    'auth.provider-over-budget',
    'auth.provider-never-called-back',
    'auth.async-callback-at-registration',
    'lcw.error',
  ]),
  'auth-fail': new Set([
    'auth.provider-threw',
    'auth.token-empty',
    'auth.token-not-jwt',
    'auth.alg-not-rs256',
    'auth.missing-claims',
    'auth.token-expired',
    'auth.token-not-yet-valid',
    'auth.time-claims-in-milliseconds',
    'auth.lwicontexts-not-string',
    'auth.lwicontexts-invalid-json',
    'auth.lwicontexts-non-primitive',
    'auth.lwicontexts-too-long',
    'lcw.error',
    'lcw.connector-401',
  ]),
  'bot-auth-delay': new Set(['botauth.callback-late', 'botauth.callback-missing', 'widget.card-shown-after-window']),
  'post-token-status': new Set(['botauth.token-post-status', 'har.token-post']),
  'exchange-502': new Set(['bf.invoke-502', 'bf.invoke-failed']),
  'strip-exchange-resource': new Set(['bf.no-token-exchange-resource', 'bf.no-invoke']),
};

/** The check whose findings name an injected fault as the cause of an attempt's fallback (they lead the list). */
export const FAULT_OUTCOME_CHECK = 'fault.injected-outcome';
const FAULT_ACTIVE_CHECK = 'fault.active';
const FAULT_FIX =
  'Nothing to fix on the site: this is what the Reproduce menu asked for. ' +
  "Switch the fault off to see the page's own behaviour.";

/**
 * `findings` with those an injected fault caused turned into `info` findings titled "Injected fault: …",
 * with the fault's `fault.applied` entries added to their evidence. A finding is the fault's when its check
 * is one the fault makes fire (CAUSED) and it is tied to the fault: its attempt took part in the fault, or
 * its evidence holds an entry the fault changed or an entry of such an attempt. Pure; returns a new array.
 */
export function attributeFindings(m: Model, findings: readonly Finding[]): Finding[] {
  const { ties, byAttempt, attempts } = faultAttribution(m);
  if (ties.bySeq.size === 0 && byAttempt.size === 0) return findings as Finding[];
  // Seq → the fault of the attempt it belongs to.
  const attemptSeqs = new Map<number, AttemptFault>();
  for (const a of attempts) {
    const af = byAttempt.get(a.id);
    if (af) for (const s of a.steps) for (const seq of s.evidence) attemptSeqs.set(seq, af);
  }
  return findings.map((f) => {
    if (f.id === FAULT_OUTCOME_CHECK || f.id === FAULT_ACTIVE_CHECK) return f;
    const caused = (id: FaultId | undefined) => id !== undefined && CAUSED[id].has(f.id);
    let fault: FaultId | undefined;
    const applied = new Set<number>();
    // A finding's evidence can cite many entries of one attempt: read each attempt once.
    const seen = new Set<AttemptFault>();
    const viaAttempt = (af: AttemptFault | undefined) => {
      if (!af || seen.has(af)) return;
      seen.add(af);
      const id = af.faults.find(caused);
      if (!id) return;
      fault ??= id;
      for (const a of af.applied) if (a.event.fault === id) applied.add(a.seq);
    };
    viaAttempt(f.attemptId ? byAttempt.get(f.attemptId) : undefined);
    for (const seq of f.evidence) {
      const tie = ties.bySeq.get(seq);
      if (tie && caused(tie.fault)) {
        fault ??= tie.fault;
        if (tie.applied) applied.add(tie.applied.seq);
      }
      viaAttempt(attemptSeqs.get(seq));
    }
    if (!fault) return f;
    // Evidence is in log order: the setting in force at its first entry.
    const setting = ties.settingAt(fault, f.evidence[0] ?? Number.MAX_SAFE_INTEGER);
    const what = setting ? describeFault(setting) : fault;
    return {
      ...f,
      severity: 'info',
      title: `Injected fault: ${f.title}`,
      explanation: `Caused by a fault injected from the Reproduce menu (${what}), not by the site. ${f.explanation}`,
      fix: FAULT_FIX,
      evidence: [...new Set([...f.evidence, ...applied])].sort((a, b) => a - b),
      injected: fault,
    };
  });
}

/** The catalog's checks on injected faults (area 'Injected faults'). */
export const FAULT_CHECKS: readonly Check[] = [
  {
    id: FAULT_OUTCOME_CHECK,
    area: 'Injected faults',
    severity: 'warning',
    leads: true,
    name: 'Outcome caused by an injected fault',
    meaning:
      "An attempt's fallback or failure (sign-in card shown, lcw:error, budget exceeded, the widget deciding after " +
      'its window, a failed token exchange) follows from a fault the user injected from the Reproduce menu: the ' +
      "hook's fault.applied entry names the attempt's invocation or request, or the attempt's own events carry " +
      "the fault's mark. The finding leads the list; the findings the fault made fire are shown as info, " +
      'titled "Injected fault: …", never blamed on the site.',
    fix: FAULT_FIX,
    doc: FAULTS_DOC,
    run(m) {
      const { attempts, byAttempt } = faultAttribution(m);
      const out: RawFinding[] = [];
      for (const a of attempts) {
        const af = byAttempt.get(a.id);
        if (!af || !FAILED.has(a.outcome)) continue;
        const failed = a.steps.filter((s) => s.status === 'fail').flatMap((s) => s.evidence);
        out.push({
          severity: 'warning',
          title: a.sentence.replace(/\.$/, ''),
          explanation:
            `${a.title}: ${a.observed ?? a.sentence} The fault (${af.faults.join(', ')}) was switched on in the ` +
            "Reproduce menu; the page's own code took its fallback path.",
          evidence: [...af.applied.map((x) => x.seq), ...af.changed, ...failed],
          attemptId: a.id,
          injected: af.cause,
        });
      }
      return out;
    },
  },
  {
    id: FAULT_ACTIVE_CHECK,
    area: 'Injected faults',
    severity: 'info',
    name: 'Faults injected during the capture',
    meaning:
      'The user switched faults on in the Reproduce menu while this log was recorded (faults.changed), or the hook ' +
      'applied one (fault.applied). Events they changed are marked "⚡ injected" in the timeline.',
    fix: 'Compare an attempt with the fault against one without it ("What changed" in the Diagnosis view).',
    doc: FAULTS_DOC,
    run(m) {
      const { ties } = faultAttribution(m);
      const on = m.ofKind('faults.changed').filter((c) => c.event.faults.length > 0);
      if (on.length === 0 && ties.applied.length === 0) return [];
      const ids = [
        ...new Set([...on.flatMap((c) => c.event.faults.map((f) => f.id)), ...ties.applied.map((a) => a.event.fault)]),
      ];
      const settings = on.flatMap((c) => c.event.faults.map(describeFault));
      return [
        {
          severity: 'info',
          title: `Faults were injected in this capture: ${ids.join(', ')}`,
          explanation:
            `${settings.length ? `Switched on: ${[...new Set(settings)].join('; ')}. ` : ''}` +
            `The hook applied them ${ties.applied.length} time(s); ${ties.bySeq.size} event(s) carry their mark.`,
          evidence: [...on.map((c) => c.seq), ...ties.applied.slice(0, 20).map((a) => a.seq)],
        },
      ];
    },
  },
];
