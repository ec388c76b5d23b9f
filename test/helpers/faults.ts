/**
 * Captures with an injected fault written in, as the hook and the background record one (src/shared/faults.ts):
 * a `faults.changed` entry when the user switched the fault on, the hook's `fault.applied` entry where it
 * acted (with the ids it names), and the `fault` marker on the events it changed. Built from the stored
 * captures whose outcome the fault reproduces (e.g. sso-failure-502: the card shown after a 502).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCaptureFile } from '../../src/analysis/formats/capture';
import type { CapturedEvent, LogEntry } from '../../src/shared/events';
import type { Fault, FaultId } from '../../src/shared/faults';
import { capture } from './captures';

type Applied = Extract<CapturedEvent, { kind: 'fault.applied' }>;

/** Where and how a fault is written into a capture. */
export interface FaultSpec {
  fault: Fault;
  /** The capture it is written into. */
  base: string;
  /** The `fault.applied` entry goes just before the first entry this matches. */
  at(entry: LogEntry): boolean;
  /** What the hook says it did, and the ids it names. */
  applied: Pick<Applied, 'action'> & Partial<Pick<Applied, 'invocationId' | 'requestId' | 'status' | 'url'>>;
  /** The entries the fault changed (they get the `fault` marker). */
  mark(entry: LogEntry): boolean;
}

const kindIs =
  (kind: CapturedEvent['kind'], extra: (e: Record<string, unknown>) => boolean = () => true) =>
  (entry: LogEntry) =>
    entry.event.kind === kind && extra(entry.event as unknown as Record<string, unknown>);

/**
 * `entries` with `spec`'s fault written in: faults.changed first (the background's, frameId -1), fault.applied
 * before the entry it acted on, markers on the changed entries; seqs renumbered from 1. Throws when `at`
 * matches nothing.
 */
export function withFault(entries: LogEntry[], spec: FaultSpec): LogEntry[] {
  const copy = structuredClone(entries);
  const i = copy.findIndex((e) => spec.at(e));
  if (i < 0) throw new Error(`withFault: no entry to apply ${spec.fault.id} at in ${spec.base}`);
  for (const entry of copy) if (spec.mark(entry)) (entry.event as { fault?: FaultId }).fault = spec.fault.id;
  const target = copy[i]!;
  const applied = {
    kind: 'fault.applied',
    t: target.event.t,
    at: target.event.at,
    fault: spec.fault.id,
    ...spec.applied,
  } as Applied;
  copy.splice(i, 0, { seq: 0, frameId: target.frameId, event: applied });
  const first = copy[0]!.event.at;
  copy.unshift({
    seq: 0,
    frameId: -1,
    event: { kind: 'faults.changed', at: first - 1, t: 0, faults: [spec.fault], keepAcrossReload: false },
  });
  copy.forEach((e, n) => (e.seq = n + 1));
  return copy;
}

const has = (text: string) => (entry: LogEntry) => JSON.stringify(entry.event).includes(text);

/** One capture per fault (and auth-fail mode), each the fallback that fault makes the page take. */
export const FAULT_SPECS: Record<string, FaultSpec> = {
  'auth-delay': {
    fault: { id: 'auth-delay', seconds: 10.5 },
    base: 'slow',
    at: kindIs('provider.end'),
    applied: { action: "delayed the auth token provider's callback by 10.5 s", invocationId: 'a0nwfnk-3' },
    mark: kindIs('provider.callback'),
  },
  'auth-fail-throw': {
    fault: { id: 'auth-fail', mode: 'throw' },
    base: 'throws',
    at: kindIs('provider.end'),
    applied: { action: 'made the auth token provider throw', invocationId: 'atxstpn-3' },
    mark: kindIs('provider.end'),
  },
  'auth-fail-expired': {
    fault: { id: 'auth-fail', mode: 'expired' },
    base: 'expired',
    at: kindIs('provider.callback'),
    applied: { action: 'handed the widget a locally built, unsigned, expired token', invocationId: 'as4ifm7-3' },
    mark: kindIs('provider.callback'),
  },
  'bot-auth-delay': {
    fault: { id: 'bot-auth-delay', seconds: 2.5 },
    base: 'rc-bot-late-callback',
    at: kindIs('provider.callback'),
    applied: { action: "delayed the bot auth token provider's callback by 2.5 s", invocationId: 'bxupu5p-11' },
    mark: kindIs('provider.callback'),
  },
  'post-token-status': {
    fault: { id: 'post-token-status', status: 500 },
    base: 'rc-bot-shown-500',
    at: kindIs('net.request'),
    applied: {
      action: 'answered the POST to botTokenUrl with 500',
      invocationId: 'bcnu1ar-11',
      requestId: 'ncnu1ar-12',
      status: 500,
    },
    mark: kindIs('net.request'),
  },
  'exchange-502': {
    fault: { id: 'exchange-502' },
    base: 'sso-failure-502',
    at: kindIs('directline.http', (e) => e.status === 502),
    applied: { action: 'answered the signin/tokenExchange invoke POST with 502', requestId: 'd469woe-6', status: 502 },
    mark: (e) =>
      kindIs('directline.http', (x) => x.status === 502)(e) ||
      kindIs('directline.post', (x) => x.outcome === 'retry')(e),
  },
  'strip-exchange-resource': {
    fault: { id: 'strip-exchange-resource' },
    base: 'sso-no-ter',
    at: (e) => e.event.kind === 'directline.activities' && has('"oauth"')(e),
    applied: { action: 'stripped tokenExchangeResource from an incoming OAuthCard' },
    mark: (e) => e.event.kind === 'directline.activities' && has('"oauth"')(e),
  },
};

/** The capture of FAULT_SPECS[name] with its fault written in. */
export const faultCapture = (name: string): LogEntry[] =>
  withFault(capture(FAULT_SPECS[name]!.base), FAULT_SPECS[name]!);

/**
 * One log as the panel keeps it with Preserve log on: the scenario run once where SSO succeeded (sso-success),
 * then again with the injected 502 (exchange-502), a second later; seqs renumbered from 1.
 */
export function twoRunsLog(): LogEntry[] {
  const first = capture('sso-success');
  const second = faultCapture('exchange-502');
  const shift = Math.max(...first.map((e) => e.event.at)) + 1_000 - Math.min(...second.map((e) => e.event.at));
  const later = second.map((e) => ({ ...e, event: { ...e.event, at: e.event.at + shift } }) as LogEntry);
  return [...first, ...later].map((e, i) => ({ ...e, seq: i + 1 }));
}

/** twoRunsLog() written as a capture file (no redaction) in a fresh temporary folder, for the viewer. */
export function twoRunsCaptureFile(): { path: string; name: string; entries: LogEntry[] } {
  const entries = twoRunsLog();
  const name = 'two-runs.json';
  const path = join(mkdtempSync(join(tmpdir(), 'chat-sso-faults-')), name);
  const file = buildCaptureFile(entries, { exportedAt: 0, extensionVersion: 'test', redaction: 'none' });
  writeFileSync(path, JSON.stringify(file));
  return { path, name, entries };
}
