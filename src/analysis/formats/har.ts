/**
 * HAR import: turns a HAR file saved from a browser's Network panel into the log entries the page
 * hook would have recorded for the same traffic (src/page/network.ts `recordFinished`,
 * src/page/websocket.ts), so that `diagnose()` runs on it unchanged. Pure; never sends anything.
 * Format: HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/, W3C draft
 * https://w3c.github.io/web-performance/specs/HAR/Overview.html) plus Chrome's custom fields
 * `_resourceType`, `_webSocketMessages` and `_error`, as the browsers' own exporters write them:
 * Chrome's DevTools (creator WebInspector, full and sanitized), Firefox's network monitor (creator
 * Firefox: no `_resourceType`, no WebSocket frames), Playwright. What a HAR cannot show: docs/har.md.
 */
import type { Unstamped } from '../../shared/unstamped';
import { classifyDirectLine, directLineEventOf, parseActivitySet, parseJson } from '../../shared/directLine';
import { clip } from '../../shared/summarize';
import { MAX_TOKEN } from '../../shared/constants';
import type { HookEvent, LogEntry } from '../../shared/events';

/** The result of a HAR import. */
export interface HarImport {
  /**
   * The log, in start order: a `hook.installed` marker (readyState 'har-import') at each page's first
   * request, and the events. `seq` from 1, `frameId` 0, `at` in ms since the epoch, `t` in ms since
   * the first request's start. Empty when the HAR has no readable request.
   */
  entries: LogEntry[];
  /** HAR entries left out because they were malformed (well-formed requests that do not matter are not counted). */
  skipped: number;
  /**
   * What the import could not read, one sentence each (missing bodies, missing WebSocket frames);
   * `skipped` is not repeated here.
   */
  warnings: string[];
  /**
   * The (first) page the HAR was saved on, when it can be told: a URL `log.pages[].title`, else the
   * first document request.
   */
  pageUrl?: string;
  /**
   * Set when the HAR was saved sanitized (Chrome's default "Export HAR (sanitized)…"): headers the
   * requests must have carried are missing. Also written into each page's start marker, where the
   * diagnosis explains it (check `har.sanitized`, src/analysis/diagnosis/harImport.ts).
   */
  sanitized?: HarSanitizing;
}

/** What a sanitizing exporter removed from a HAR, as far as the HAR itself shows it. */
export interface HarSanitizing {
  /** The request headers removed, e.g. ['Authorization']. */
  removed: string[];
  /** How many requests that must carry them have none. */
  requests: number;
}

/** "1 request", "7 requests": the count of a `HarSanitizing`, as the marker and the finding write it. */
export const requestCount = (s: HarSanitizing) => `${s.requests} request${s.requests === 1 ? '' : 's'}`;

/** Options of `harToEntries`. */
export interface HarImportOptions {
  /**
   * Only the entries of this page (an `id` of `log.pages`, as in each entry's `pageref`): one tab of a
   * HAR with several.
   */
  pageref?: string;
}

/** One HAR entry, checked and reduced to what the import reads. `start` in ms since the epoch; `time` in ms. */
interface Entry {
  index: number;
  pageref?: string;
  start: number;
  time: number;
  method: string;
  url: URL;
  requestHeaders: unknown[];
  postText?: string;
  status: number;
  /** Why there is no response, when the HAR says (status null in the event). */
  error?: string;
  /** No response and no reason: still pending when the HAR was saved (or failed unexplained). */
  unanswered: boolean;
  content: Record<string, unknown>;
  resourceType?: string;
  wsMessages?: unknown[];
}

/** An event before seq and clock are assigned; `at` in ms since the epoch. */
interface Draft {
  at: number;
  event: Unstamped<HookEvent>;
}

const POST_TOKEN_PATH = /\/api\/sas\/posttoken$/i;
const CONNECTOR_PATH = /\/livechatconnector\/(.*)$/i;
const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const str = (x: unknown) => (typeof x === 'string' ? x : undefined);

/**
 * Whether a parsed JSON file is a HAR (an object with `log.entries` as an array) rather than the
 * extension's own capture format (`{entries: LogEntry[]}`). Never throws.
 */
export function isHar(json: unknown): boolean {
  return isObject(json) && isObject(json.log) && Array.isArray(json.log.entries);
}

/** Checks the top-level shape; throws an Error saying what is wrong when the file is not a HAR at all. */
function harLog(har: unknown): { entries: unknown[]; pages: unknown[]; creator?: string } {
  if (!isObject(har)) throw new Error('Not a HAR file: the file is not a JSON object');
  if (!isObject(har.log)) {
    const hint = Array.isArray(har.entries)
      ? ' (this looks like a Chat SSO Inspector capture: import it as a capture)'
      : '';
    throw new Error(`Not a HAR file: log is missing${hint}`);
  }
  if (!Array.isArray(har.log.entries)) throw new Error('Not a HAR file: log.entries is missing');
  const creator = isObject(har.log.creator) ? str(har.log.creator.name) : undefined;
  return {
    entries: har.log.entries,
    pages: Array.isArray(har.log.pages) ? har.log.pages : [],
    ...(creator ? { creator } : {}),
  };
}

/** Reads one HAR entry; null when a field the import needs is missing or of the wrong type. */
function readEntry(raw: unknown, index: number): Entry | null {
  if (!isObject(raw) || !isObject(raw.request) || !isObject(raw.response)) return null;
  const { request: req, response: res } = raw;
  const start = typeof raw.startedDateTime === 'string' ? Date.parse(raw.startedDateTime) : NaN;
  if (!Number.isFinite(start) || typeof raw.time !== 'number' || !Number.isFinite(raw.time)) return null;
  if (typeof req.method !== 'string' || typeof req.url !== 'string' || !Array.isArray(req.headers)) return null;
  if (typeof res.status !== 'number' || !Array.isArray(res.headers) || !isObject(res.content)) return null;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return null;
  }
  const postText = isObject(req.postData) ? textOf(req.postData) : undefined;
  // No response: Chrome writes status 0 and `_error` (net::ERR_…) for a failed request, Playwright -1
  // and `_failureText`; with no reason at all the request was most likely still pending at save time.
  const error = res.status > 0 ? undefined : (str(res._error) ?? str(raw._error) ?? str(res._failureText));
  return {
    index,
    ...(typeof raw.pageref === 'string' ? { pageref: raw.pageref } : {}),
    start,
    time: Math.max(0, raw.time), // -1 means "not known" in some writers
    method: req.method,
    url,
    requestHeaders: req.headers,
    ...(postText !== undefined ? { postText } : {}),
    status: res.status,
    ...(error ? { error } : {}),
    unanswered: res.status <= 0 && !error,
    content: res.content,
    ...(typeof raw._resourceType === 'string' ? { resourceType: raw._resourceType } : {}),
    ...(Array.isArray(raw._webSocketMessages) ? { wsMessages: raw._webSocketMessages } : {}),
  };
}

/** Decodes base64 to UTF-8 text; undefined when it is not base64. */
function decodeBase64(s: string): string | undefined {
  try {
    const binary = atob(s.replace(/\s+/g, ''));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/**
 * A HAR body's text: `text` as is, or decoded when `encoding` is 'base64' (Chrome and Firefox write
 * bodies that are not valid UTF-8 text that way; some writers do it for postData too). Undefined
 * when there is no text or it does not decode.
 */
function textOf(body: Record<string, unknown>): string | undefined {
  const text = str(body.text);
  if (text === undefined || body.encoding !== 'base64') return text;
  return decodeBase64(text);
}

/** The response body as text ('' for an empty body), or 'missing' when the HAR was saved without it. */
function bodyOf(content: Record<string, unknown>): string | 'missing' {
  if (typeof content.text !== 'string') return content.size === 0 ? '' : 'missing';
  return textOf(content) ?? 'missing';
}

/** A request header's value, by name case-insensitively (HTTP/2 HARs have lower-case names). */
function header(headers: unknown[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const h = headers.find((x) => isObject(x) && typeof x.name === 'string' && x.name.toLowerCase() === lower);
  return isObject(h) ? str(h.value) : undefined;
}

/** A HAR cannot tell fetch from XHR except through Chrome's `_resourceType`: 'fetch' unless it says 'xhr'. */
const apiOf = (e: Entry): 'fetch' | 'xhr' => (e.resourceType === 'xhr' ? 'xhr' : 'fetch');
const statusOf = (e: Entry) => (e.status > 0 ? e.status : null);

/** A WebSocket frame's time in ms since the epoch: Chrome writes seconds, Playwright milliseconds. */
function frameAt(time: unknown, fallback: number): number {
  if (typeof time !== 'number' || !Number.isFinite(time) || time <= 0) return fallback;
  return time < 1e11 ? time * 1000 : time;
}

/** Counters shared by the converters, for the warnings. */
interface Tally {
  missingBodies: number;
  unanswered: number;
  socketsWithoutFrames: number;
}

/** The events of a Direct Line WebSocket stream: one per received text frame that carries activities. */
function streamEvents(e: Entry, conversationId: string | undefined, tally: Tally): Draft[] {
  if (!e.wsMessages) {
    tally.socketsWithoutFrames += 1;
    return [];
  }
  const drafts: Draft[] = [];
  for (const m of e.wsMessages) {
    if (!isObject(m) || m.type !== 'receive' || (m.opcode !== undefined && m.opcode !== 1)) continue;
    if (typeof m.data !== 'string' || m.data.trim() === '') continue; // keep-alive
    const set = parseActivitySet(parseJson(m.data));
    if (!set || set.activities.length === 0) continue;
    drafts.push({
      at: frameAt(m.time, e.start),
      event: { kind: 'directline.activities', via: 'websocket', ...(conversationId ? { conversationId } : {}), ...set },
    });
  }
  return drafts;
}

/** The events for one Direct Line REST request: the hook's own event (src/shared/directLine.ts). */
function directLineEvents(e: Entry, tally: Tally): Draft[] {
  const body = bodyOf(e.content);
  if (body === 'missing' && e.status > 0) tally.missingBodies += 1;
  const event = directLineEventOf({
    api: apiOf(e),
    method: e.method,
    url: e.url,
    dl: classifyDirectLine(e.method, e.url)!,
    status: statusOf(e),
    elapsedMs: e.time,
    body: e.postText,
    response: body === 'missing' ? undefined : parseJson(body),
    ...(e.error === undefined ? {} : { error: e.error }),
    requestId: () => `dhar-${e.index}`,
  });
  return event ? [{ at: e.start, event }] : [];
}

/** The events for one HAR entry; none for traffic the hook does not watch. */
function eventsOf(e: Entry, tally: Tally): Draft[] {
  const method = e.method.toUpperCase();
  // CORS preflights: the page's code never sees them.
  if (method === 'OPTIONS' || e.resourceType === 'preflight') return [];
  if (isSocket(e)) {
    const dl = classifyDirectLine('GET', e.url);
    return dl && /\/stream$/i.test(e.url.pathname) ? streamEvents(e, dl.conversationId, tally) : [];
  }
  const watched =
    (method === 'POST' && POST_TOKEN_PATH.test(e.url.pathname)) ||
    classifyDirectLine(e.method, e.url) ||
    CONNECTOR_PATH.test(e.url.pathname);
  if (watched && e.unanswered) {
    // The hook records a request when it finishes; one with no outcome in the HAR is left out, and said so.
    tally.unanswered += 1;
    return [];
  }
  if (method === 'POST' && POST_TOKEN_PATH.test(e.url.pathname)) {
    // No invocationId: a HAR cannot tell which provider invocation posted (the live hook can).
    const event: Unstamped<HookEvent> = {
      kind: 'net.request',
      requestId: `nhar-${e.index}`,
      api: apiOf(e),
      method: clip(e.method, 16),
      url: clip(e.url.href),
      status: statusOf(e),
      elapsedMs: e.time,
      ...(e.error ? { error: clip(e.error, 500) } : {}),
    };
    return [{ at: e.start, event }];
  }
  if (classifyDirectLine(e.method, e.url)) return directLineEvents(e, tally);
  const connector = CONNECTOR_PATH.exec(e.url.pathname);
  if (connector) {
    const token = header(e.requestHeaders, 'AuthenticatedUserToken');
    const event: Unstamped<HookEvent> = {
      kind: 'omnichannel.http',
      requestId: `ohar-${e.index}`,
      method: clip(e.method, 16),
      url: clip(e.url.href),
      endpoint: clip(connector[1]!.replace(/\/+$/, ''), 500),
      status: statusOf(e),
      elapsedMs: e.time,
      ...(token !== undefined ? { authenticatedUserToken: token.slice(0, MAX_TOKEN) } : {}),
      ...(e.error ? { error: clip(e.error, 500) } : {}),
    };
    return [{ at: e.start, event }];
  }
  return [];
}

/**
 * The page URL: its `log.pages[].title` when that is a URL (Chrome writes the URL there; Playwright the
 * document title), else its first document request. Entries without a pageref use the only page, if one.
 */
function pageUrlOf(pages: unknown[], entries: Entry[], pageref: string | undefined): string | undefined {
  const page =
    pageref === undefined
      ? pages.length === 1
        ? pages[0]
        : undefined
      : pages.find((p) => isObject(p) && p.id === pageref);
  const title = isObject(page) ? str(page.title) : undefined;
  if (title && /^https?:\/\//i.test(title)) return clip(title);
  const doc = entries.find(
    (e) =>
      e.resourceType === 'document' ||
      (e.method.toUpperCase() === 'GET' && /^text\/html/i.test(str(e.content.mimeType) ?? '')),
  );
  return doc ? clip(doc.url.href) : undefined;
}

/** The start marker's readyState for an imported page (docs/har.md, "Start marker"). */
const HAR_IMPORT_STATE = 'har-import';
const SANITIZED_STATE = /^har-import; sanitized: (.+) removed from (\d+) requests?$/;

/**
 * The readyState of an imported page's start marker: 'har-import', plus what sanitizing removed when
 * the page's requests show it ("har-import; sanitized: Authorization removed from 7 requests").
 * Read back by `sanitizingOfMarker`.
 */
export function harImportState(sanitized?: HarSanitizing): string {
  if (!sanitized) return HAR_IMPORT_STATE;
  return `${HAR_IMPORT_STATE}; sanitized: ${sanitized.removed.join(', ')} removed from ${requestCount(sanitized)}`;
}

/** Whether a start marker's readyState (`harImportState`) says that its page was imported from a HAR. */
export const isHarImportState = (readyState: string) =>
  readyState === HAR_IMPORT_STATE || SANITIZED_STATE.test(readyState);

/** What sanitizing removed, from a start marker's readyState (`harImportState`); undefined for any other. */
export function sanitizingOfMarker(readyState: string): HarSanitizing | undefined {
  const m = SANITIZED_STATE.exec(readyState);
  return m ? { removed: m[1]!.split(', '), requests: Number(m[2]) } : undefined;
}

const isSocket = (e: Entry) =>
  e.resourceType === 'websocket' || e.url.protocol === 'ws:' || e.url.protocol === 'wss:' || e.wsMessages !== undefined;

/**
 * What a sanitizing exporter removed, told from the requests alone: every Direct Line v3 REST call
 * carries `Authorization: Bearer <secret or token>`
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-authentication),
 * so one the service accepted (2xx) with other headers saved but no Authorization lost it when the HAR
 * was saved (Chrome's "Export HAR (sanitized)…" also drops Cookie and Set-Cookie, which nothing here
 * reads). Requests saved with no headers at all say nothing. Undefined when nothing shows removal.
 */
function sanitizingOf(entries: Entry[]): HarSanitizing | undefined {
  const stripped = entries.filter(
    (e) =>
      e.status >= 200 &&
      e.status < 300 &&
      e.method.toUpperCase() !== 'OPTIONS' &&
      !isSocket(e) &&
      e.requestHeaders.length > 0 &&
      classifyDirectLine(e.method, e.url) &&
      header(e.requestHeaders, 'Authorization') === undefined,
  );
  return stripped.length ? { removed: ['Authorization'], requests: stripped.length } : undefined;
}

/** Groups entries (sorted by start) by page (`pageref`), in order of each page's first request. */
function byPage(entries: Entry[]): Map<string | undefined, Entry[]> {
  const pages = new Map<string | undefined, Entry[]>();
  for (const e of entries) {
    const list = pages.get(e.pageref);
    if (list) list.push(e);
    else pages.set(e.pageref, [e]);
  }
  return pages;
}

/**
 * One start marker per page (a HAR saved with "Preserve log" holds every navigation), at the page's
 * first request: a live capture starts each document with hook.installed, and its readyState
 * (`harImportState`) says where this one came from and what sanitizing removed from that page.
 * Entries come sorted by start.
 */
function pageMarkers(pages: unknown[], entries: Entry[]): Draft[] {
  return [...byPage(entries)].map(([pageref, list]) => ({
    at: list[0]!.start,
    event: {
      kind: 'hook.installed',
      url: pageUrlOf(pages, list, pageref) ?? '',
      top: true,
      readyState: harImportState(sanitizingOf(list)),
    },
  }));
}

/**
 * Converts a parsed HAR file into log entries for `diagnose()`: Direct Line REST (`directline.http`,
 * non-empty polls as `directline.activities`), Direct Line WebSocket frames from Chrome's
 * `_webSocketMessages`, POSTs to `…/api/sas/postToken` (`net.request`), and Omnichannel
 * `…/livechatconnector/…` requests (`omnichannel.http`). Everything else is left out. No request
 * header is copied except `AuthenticatedUserToken`.
 * Throws an Error ("Not a HAR file: …") only when the file is not a HAR at all; malformed entries
 * are skipped and counted in `skipped`.
 */
export function harToEntries(har: unknown, opts: HarImportOptions = {}): HarImport {
  const log = harLog(har);
  const inScope = (raw: unknown) => opts.pageref === undefined || (isObject(raw) && raw.pageref === opts.pageref);
  let skipped = 0;
  const valid: Entry[] = [];
  log.entries.forEach((raw, index) => {
    if (!inScope(raw)) return;
    const e = readEntry(raw, index);
    if (e) valid.push(e);
    else skipped += 1;
  });
  valid.sort((a, b) => a.start - b.start || a.index - b.index);
  const tally: Tally = { missingBodies: 0, unanswered: 0, socketsWithoutFrames: 0 };
  const markers = pageMarkers(log.pages, valid);
  // Stable sort: a marker stays before the events of its first millisecond, frames of one socket keep their order.
  const drafts = [...markers, ...valid.flatMap((e) => eventsOf(e, tally))].sort((a, b) => a.at - b.at);
  const warnings = [
    ...(tally.missingBodies
      ? [
          `${tally.missingBodies} responses had no body: ` +
            'activities in them cannot be shown (save the HAR with content).',
        ]
      : []),
    ...(tally.unanswered
      ? [
          `${tally.unanswered} requests have no response in the HAR ` +
            '(still pending when it was saved, or failed without a reason): they are left out.',
        ]
      : []),
    ...(tally.socketsWithoutFrames
      ? [
          `${tally.socketsWithoutFrames} Direct Line WebSocket streams have no saved frames` +
            // Firefox's netmonitor HAR export never writes them (devtools/client/netmonitor/src/har/har-builder.js).
            (log.creator === 'Firefox' ? " (Firefox's HAR export does not save WebSocket frames)" : '') +
            ': activities received over them (OAuthCards, invoke responses) cannot be shown, ' +
            'so SSO attempts on that stream are missing. Save the HAR from Chrome or Edge, or use a live capture.',
        ]
      : []),
  ];
  const sanitized = sanitizingOf(valid);
  const first = markers[0]?.event;
  const pageUrl = first?.kind === 'hook.installed' && first.url ? first.url : undefined;
  const origin = valid[0]?.start;
  if (origin === undefined) return { entries: [], skipped, warnings: [...warnings, 'The HAR has no requests.'] };
  const entries = drafts.map((d, i): LogEntry => ({
    seq: i + 1,
    frameId: 0,
    event: { ...d.event, t: d.at - origin, at: d.at } as HookEvent,
  }));
  return { entries, skipped, warnings, ...(pageUrl ? { pageUrl } : {}), ...(sanitized ? { sanitized } : {}) };
}
