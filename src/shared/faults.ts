/**
 * Fault injection (the panel's Reproduce menu): the faults a user can switch on for one tab to make the
 * page's own code take its SSO fallback path. Each acts where the page hook already wraps the code
 * (docs/architecture.md, "Fault injection: the control path"):
 *  - `auth-delay`: the auth token provider's callback (setAuthTokenProvider) reaches the widget `seconds`
 *    late; the default is just over the documented 10 s budget
 *    (https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat).
 *  - `auth-fail`: the auth token provider throws (`throw`), or hands the widget a token built locally,
 *    unsigned, that is expired (`expired`) or not a JWT at all (`malformed`), in place of the page's.
 *  - `bot-auth-delay`: the bot auth token provider's callback (setBotAuthTokenProvider) reaches the widget
 *    `seconds` late; the default is just over the widget's ~2 s sign-in card window.
 *  - `post-token-status`: the POST of the token to the botTokenUrl (tokenPostResource sasUrl) is answered
 *    by the hook with `status`, and never leaves the browser.
 *  - `exchange-502`: the Direct Line POST of a `signin/tokenExchange` invoke is answered by the hook with
 *    502, as Azure's Direct Line answers when the bot refuses the exchange with 412, so the Direct Line
 *    client's postActivity gives `'retry'`; the invoke never leaves the browser.
 *  - `strip-exchange-resource`: OAuthCards arriving from the bot lose their `tokenExchangeResource`.
 *
 * Kept free of imports beyond constants: the page hook pulls this in.
 */
import { AUTH_PROVIDER_BUDGET_MS, WIDGET_DECISION_WINDOW_MS } from './constants';

/** One fault, with its setting. `seconds`: a delay in seconds (0 < seconds ≤ MAX_FAULT_DELAY_S). */
export type Fault =
  | { id: 'auth-delay'; seconds: number }
  | { id: 'auth-fail'; mode: AuthFailMode }
  | { id: 'bot-auth-delay'; seconds: number }
  | { id: 'post-token-status'; status: PostTokenStatus }
  | { id: 'exchange-502' }
  | { id: 'strip-exchange-resource' };
export type FaultId = Fault['id'];
export type AuthFailMode = 'throw' | 'expired' | 'malformed';
export type PostTokenStatus = 200 | 202 | 404 | 500;
/** Narrow `Fault` to one id. */
export type FaultOf<I extends FaultId> = Extract<Fault, { id: I }>;

/** Every fault id, in the Reproduce menu's order. */
export const FAULT_IDS = [
  'auth-delay',
  'auth-fail',
  'bot-auth-delay',
  'post-token-status',
  'exchange-502',
  'strip-exchange-resource',
] as const satisfies readonly FaultId[];
export const AUTH_FAIL_MODES = ['throw', 'expired', 'malformed'] as const satisfies readonly AuthFailMode[];
export const POST_TOKEN_STATUSES = [200, 202, 404, 500] as const satisfies readonly PostTokenStatus[];

/** Longest delay a fault may ask for, seconds. */
export const MAX_FAULT_DELAY_S = 120;
/** Default `auth-delay`: just over the 10 s auth token provider budget, seconds. */
export const DEFAULT_AUTH_DELAY_S = AUTH_PROVIDER_BUDGET_MS / 1000 + 0.5;
/**
 * Default `bot-auth-delay`, seconds: over the widget's ~2 s sign-in card window with a margin, because the
 * window is made of the widget's own timers, which a busy machine stretches (measured: the widget decided
 * 2.05 s after the card in Chromium, 3.9 s in Firefox under load), and a callback inside the stretched
 * window still hides the card. 2.5 s did not make the fallback happen there.
 */
export const DEFAULT_BOT_AUTH_DELAY_S = WIDGET_DECISION_WINDOW_MS / 1000 + 3;

/** The set of active faults for a tab, as the panel sets it and the hook applies it. */
export interface FaultSet {
  /** At most one fault per id; empty when every fault is off. */
  faults: Fault[];
  /** The user asked to keep these faults when the tab reloads or navigates (off by default). */
  keepAcrossReload: boolean;
}

/**
 * How long the hook applies a fault set after the relay last passed it on, ms. The relay passes the set
 * again every FAULT_RENEW_MS while its extension is alive, so faults end by themselves when the extension
 * is reloaded or removed (an orphaned relay stops renewing), with no message needed.
 */
export const FAULT_LEASE_MS = 15_000;
/** How often the relay renews the hook's lease on the current fault set, ms. */
export const FAULT_RENEW_MS = 5_000;

/** Every fault off: the state of every tab until the user switches one on in the panel. */
export const NO_FAULTS: FaultSet = { faults: [], keepAcrossReload: false };

const isDelay = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && x > 0 && x <= MAX_FAULT_DELAY_S;

/** Checks one fault (only its known fields kept), or null when it is not one. Never throws. */
export function readFault(x: unknown): Fault | null {
  if (!x || typeof x !== 'object') return null;
  const f = x as Record<string, unknown>;
  switch (f.id) {
    case 'auth-delay':
    case 'bot-auth-delay':
      return isDelay(f.seconds) ? { id: f.id, seconds: f.seconds } : null;
    case 'auth-fail':
      return (AUTH_FAIL_MODES as readonly unknown[]).includes(f.mode)
        ? { id: f.id, mode: f.mode as AuthFailMode }
        : null;
    case 'post-token-status':
      return (POST_TOKEN_STATUSES as readonly unknown[]).includes(f.status)
        ? { id: f.id, status: f.status as PostTokenStatus }
        : null;
    case 'exchange-502':
    case 'strip-exchange-resource':
      return { id: f.id };
    default:
      return null;
  }
}

/**
 * Checks a fault set from another layer: `{faults, keepAcrossReload}` with valid faults, at most one per
 * id. Returns the checked copy, or null for anything else. Never throws.
 */
export function readFaultSet(x: unknown): FaultSet | null {
  if (!x || typeof x !== 'object') return null;
  const { faults, keepAcrossReload } = x as Record<string, unknown>;
  if (!Array.isArray(faults) || faults.length > FAULT_IDS.length || typeof keepAcrossReload !== 'boolean') return null;
  const out: Fault[] = [];
  for (const item of faults) {
    const fault = readFault(item);
    if (!fault || out.some((f) => f.id === fault.id)) return null;
    out.push(fault);
  }
  return { faults: out, keepAcrossReload };
}

/** The active fault with this id, if any. */
export function faultOf<I extends FaultId>(set: FaultSet, id: I): FaultOf<I> | undefined {
  return set.faults.find((f): f is FaultOf<I> => f.id === id);
}

/** Marker the hook puts in tokens it builds for `auth-fail` (`expired`, `malformed`), so no one takes them for real. */
export const INJECTED_TOKEN_MARK = 'chat-sso-inspector-injected';

/** One line saying what a fault does, for the menu, the banner, the timeline and the diagnosis. */
export function describeFault(fault: Fault): string {
  switch (fault.id) {
    case 'auth-delay':
      return `auth token provider's callback delayed by ${fault.seconds} s`;
    case 'auth-fail':
      return fault.mode === 'throw'
        ? 'auth token provider made to throw'
        : `auth token provider's token replaced by a locally built, unsigned, ${fault.mode} token`;
    case 'bot-auth-delay':
      return `bot auth token provider's callback delayed by ${fault.seconds} s`;
    case 'post-token-status':
      return `POST to botTokenUrl answered ${fault.status} by the inspector`;
    case 'exchange-502':
      return 'signin/tokenExchange invoke answered 502 by the inspector (as Azure Direct Line does on a refused one)';
    case 'strip-exchange-resource':
      return 'tokenExchangeResource stripped from incoming OAuthCards';
  }
}
