/**
 * Constants every layer shares, kept free of imports so that the page hook
 * (injected into every page) pulls in nothing else.
 */

/**
 * The hook ↔ relay channel (see src/page/channel.ts): at document_start, before any page script, the hook
 * offers a detached DOM node, which only the two of them ever hold, by dispatching CHANNEL_OFFER_EVENT (a
 * MouseEvent whose `relatedTarget` is the node) on `document`; a relay started after the hook asks for the
 * offer with CHANNEL_REQUEST_EVENT. Offers are made and taken only until the page's own content starts to
 * arrive (the first DOM mutation). All later traffic is dispatched on the node, which page scripts cannot reach.
 */
export const CHANNEL_OFFER_EVENT = 'chat-sso-inspector:channel-offer';
/** Dispatched on `document` by a relay that starts after the hook: "offer the channel again". */
export const CHANNEL_REQUEST_EVENT = 'chat-sso-inspector:channel-request';
/** The hook's messages, dispatched on the channel node; `detail` is a JSON string (strings cross worlds). */
export const PAGE_EVENT_NAME = 'chat-sso-inspector:hook';
/**
 * Dispatched by the relay on the channel node: the tab's injected faults, `detail` a JSON string of a
 * FaultSet (src/shared/faults.ts). Only the relay holds the node, and it takes fault sets only from the
 * background, so no page script can switch a fault on.
 */
export const FAULTS_EVENT_NAME = 'chat-sso-inspector:faults';
/** Dispatched by the relay on the channel node once it listens there. */
export const RELAY_READY_EVENT = 'chat-sso-inspector:relay-ready';
/** Dispatched (cancelable) by a starting hook; a hook already running in the document cancels it. */
export const HOOK_PROBE_EVENT = 'chat-sso-inspector:probe';
/** Tag carried by every page message (the anchors' `source` convention). */
export const PAGE_CHANNEL = 'chat-sso-inspector';
/** Protocol version of the page → relay envelope. */
export const PAGE_PROTOCOL = 1;

/** Longest string the hook copies out of the page (characters); longer ones are cut and marked. */
export const MAX_STRING = 4_096;
/** Longest token string the hook copies (characters): JWTs with big `lwicontexts` stay whole. */
export const MAX_TOKEN = 65_536;
/** Most events in one page → relay message. */
export const MAX_EVENTS_PER_MESSAGE = 500;
/** Largest serialized message the relay accepts from the page (characters of JSON). */
export const MAX_MESSAGE_CHARS = 262_144;
/** Most page messages in one relay → background batch. */
export const MAX_MESSAGES_PER_BATCH = 500;
/** Most characters of page messages in one relay → background batch (well under the runtime's 64 MiB). */
export const MAX_BATCH_CHARS = 1024 * 1024;

/**
 * The auth token provider budget, ms. "To avoid timeout, the authTokenProvider function in the
 * setAuthTokenProvider method must respond within 10 seconds."
 * https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat
 */
export const AUTH_PROVIDER_BUDGET_MS = 10_000;

/**
 * The live chat widget's sign-in card decision window, ms: BotAuthActivitySubscriber asks for the bot auth
 * config (BotAuthConfigRequest on the BroadcastService bus) 3 times, 1,000 ms apart, the third without a
 * wait (../shared/reference/omnichannel-real-code.md).
 */
export const WIDGET_DECISION_WINDOW_MS = 2000;

/** Entries kept per tab unless the user picks another cap in the panel's toolbar (events). */
export const DEFAULT_MAX_ENTRIES = 20_000;

/** The caps the panel's toolbar offers (events per tab); the background accepts any from 1,000. */
export const MAX_ENTRIES_CHOICES = [5_000, DEFAULT_MAX_ENTRIES, 50_000, 100_000] as const;
