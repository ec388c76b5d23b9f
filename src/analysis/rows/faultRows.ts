/**
 * What the timeline says about injected faults (the panel's Reproduce menu, src/shared/faults.ts): the
 * rows of `fault.applied` and `faults.changed`, and the mark on every row an injected fault changed.
 */
import type { CapturedEvent } from '../../shared/events';
import { describeFault, type FaultId } from '../../shared/faults';
import { safeText } from '../model/format';

/** The one wording of an injected-fault mark: the badge's title and the filter's text ("injected exchange-502"). */
export const injectedText = (fault: FaultId): string => `injected ${fault}`;

/** What each fault does, without its setting (describeFault says it with the setting, when the log has it). */
const FAULT_NAMES: Record<FaultId, string> = {
  'auth-delay': "the auth token provider's callback was delayed by the inspector",
  'auth-fail': 'the auth token provider was made to fail by the inspector',
  'bot-auth-delay': "the bot auth token provider's callback was delayed by the inspector",
  'post-token-status': 'the POST to botTokenUrl was answered by the inspector',
  'exchange-502': 'the signin/tokenExchange invoke was answered 502 by the inspector',
  'strip-exchange-resource': 'tokenExchangeResource was stripped from the OAuthCard by the inspector',
};

/** What a fault did, from its id alone: "the signin/tokenExchange invoke was answered 502 by the inspector". */
export const describeFaultId = (fault: FaultId): string => FAULT_NAMES[fault] ?? fault;

/** The badge the panel shows on a marked row. */
export const INJECTED_BADGE = '⚡ injected';

type Applied = Extract<CapturedEvent, { kind: 'fault.applied' }>;
type Changed = Extract<CapturedEvent, { kind: 'faults.changed' }>;

/**
 * One line for a `fault.applied` event: "Injected fault exchange-502: answered the invoke with 502 (status
 * 502)". `shortUrl`: how the caller shortens a URL (its query string can carry a SAS signature).
 */
export function faultAppliedText(e: Applied, shortUrl: (url: string) => string): string {
  const status = e.status === undefined ? '' : ` (status ${e.status})`;
  const url = e.url ? ` at ${safeText(shortUrl(e.url), 160)}` : '';
  return `Injected fault ${e.fault}: ${safeText(e.action, 200)}${status}${url}`;
}

/** One line for a `faults.changed` event: the faults now on (each as describeFault says it), or "all off". */
export function faultsChangedText(e: Changed): string {
  if (e.faults.length === 0) return 'All injected faults switched off';
  const list = e.faults.map((f) => describeFault(f)).join('; ');
  return `Injected faults switched on${e.keepAcrossReload ? ' (kept across reloads)' : ''}: ${list}`;
}
