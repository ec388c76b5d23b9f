/**
 * Direct Line v3 on the wire
 * (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-api-reference),
 * so that Web Chat bundled privately (no `window.WebChat`) is still seen:
 *  - REST over XMLHttpRequest (what DirectLineJS uses, with `responseType: 'json'`) or fetch, on any host:
 *    every POST …/activities with its HTTP status, conversation starts, non-empty GET …/activities polls;
 *  - the WebSocket stream (`…/conversations/{id}/stream`): JSON activity sets; empty frames are keep-alives.
 * Pure parsing here: the page hook (src/page/network.ts, websocket.ts) and the HAR import
 * (src/analysis/har.ts) feed it.
 */
import type { ActivitySummary, DirectLineOp, EventOf } from './events';
import type { Unstamped } from './unstamped';
import { own, summarizeActivity } from './activity';
import { clip } from './summarize';
import { isArray, parseJson as nativeParseJson, URLCtor } from './builtins';

const DL_PATH = /\/v3\/directline\/(.*)$/i;

export interface DirectLineRequest {
  op: DirectLineOp;
  conversationId?: string;
}

/** A path segment, percent-decoded; as written when it holds a malformed escape (a lone '%'). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Classifies a URL as a Direct Line v3 request; null when it is not one. Never throws. */
export function classifyDirectLine(method: string, url: URL): DirectLineRequest | null {
  const m = DL_PATH.exec(url.pathname);
  if (!m) return null;
  const rest = m[1]!.replace(/\/+$/, '');
  const parts = rest.split('/').map(decodeSegment);
  const post = method.toUpperCase() === 'POST';
  if (parts[0] === 'tokens')
    return { op: parts[1] === 'generate' ? 'generate-token' : parts[1] === 'refresh' ? 'refresh-token' : 'other' };
  if (parts[0] === 'session') return { op: 'session' };
  if (parts[0] !== 'conversations') return { op: 'other' };
  const conversationId = parts[1] ? clip(parts[1], 200) : undefined;
  if (!conversationId) return { op: post ? 'start-conversation' : 'other' };
  if (parts.length === 2) return { op: 'reconnect', conversationId };
  if (parts[2] === 'activities' && parts.length === 3)
    return { op: post ? 'post-activity' : 'get-activities', conversationId };
  if (parts[2] === 'upload') return { op: 'upload', conversationId };
  if (parts[2] === 'stream') return { op: 'other', conversationId };
  return { op: 'other', conversationId };
}

/** The URL with secrets removed: the `t` (stream token) query parameter is masked. */
export function redactDirectLineUrl(url: URL): string {
  const copy = new URLCtor(url.href);
  if (copy.searchParams.has('t')) copy.searchParams.set('t', '…');
  return clip(copy.href);
}

/** Parses a JSON text or object; undefined when it is neither. Never throws. */
export function parseJson(body: unknown): unknown {
  if (typeof body === 'string') {
    if (body.trim() === '') return undefined;
    try {
      return nativeParseJson(body);
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' ? body : undefined;
}

/** `{activities: [...], watermark}` (GET activities, stream frames) → summaries. */
export function parseActivitySet(data: unknown): { activities: ActivitySummary[]; watermark?: string } | null {
  const list = own(data, 'activities');
  if (!isArray(list)) return null;
  const activities = list
    .slice(0, 100)
    .map((a) => summarizeActivity(a))
    .filter((a): a is ActivitySummary => a !== null);
  const watermark = own(data, 'watermark');
  return {
    activities,
    ...(typeof watermark === 'string' || typeof watermark === 'number'
      ? { watermark: clip(String(watermark), 100) }
      : {}),
  };
}

/** An error message from a Direct Line error body (`{error: {code, message}}`), or from a bot's failure body. */
export function errorMessageOf(body: unknown): string | undefined {
  const error = own(body, 'error');
  const message = own(error, 'message') ?? own(body, 'failureDetail') ?? own(body, 'message');
  const code = own(error, 'code');
  if (typeof message !== 'string' && typeof code !== 'string') return undefined;
  return clip(
    [typeof code === 'string' ? code : '', typeof message === 'string' ? message : ''].filter(Boolean).join(': '),
    1000,
  );
}

/** One finished Direct Line v3 REST request, as the hook sees it on the page or the HAR import reads it. */
export interface DirectLineExchange {
  api: 'fetch' | 'xhr';
  method: string;
  url: URL;
  /** What `classifyDirectLine` made of it. */
  dl: DirectLineRequest;
  /** HTTP status, or null when the request failed before a response. */
  status: number | null;
  /** ms from the request to its outcome. */
  elapsedMs: number;
  /** The request body (text or object); read for post-activity. */
  body?: unknown;
  /** The parsed response body, when read. */
  response?: unknown;
  /** A network error message. */
  error?: string;
  /** Makes the event's request id (called only when a `directline.http` event is made). */
  requestId(): string;
}

/**
 * The event for one Direct Line REST request: `directline.activities` for a GET activities poll that
 * brought activities, nothing for an empty poll (noise, every few hundred ms), otherwise `directline.http`
 * (with the posted activity, the answered id and an error message from the body, when there are).
 * The one home of this event for the hook (src/page/network.ts) and the HAR import (src/analysis/har.ts).
 */
export function directLineEventOf(
  x: DirectLineExchange,
): Unstamped<EventOf<'directline.http' | 'directline.activities'>> | null {
  const { dl } = x;
  const ok = x.status !== null && x.status >= 200 && x.status < 300;
  const conversation = dl.conversationId ? { conversationId: dl.conversationId } : {};
  if (dl.op === 'get-activities' && ok) {
    const set = parseActivitySet(x.response);
    if (!set || set.activities.length === 0) return null;
    return { kind: 'directline.activities', via: x.api, ...conversation, ...set };
  }
  const activity = dl.op === 'post-activity' ? summarizeActivity(parseJson(x.body)) : null;
  const responseId = own(x.response, 'id');
  const conversationId = dl.conversationId ?? own(x.response, 'conversationId');
  const error = x.error ?? (ok ? undefined : errorMessageOf(x.response));
  return {
    kind: 'directline.http',
    requestId: x.requestId(),
    api: x.api,
    method: clip(x.method, 16),
    url: redactDirectLineUrl(x.url),
    op: dl.op,
    status: x.status,
    elapsedMs: x.elapsedMs,
    ...(typeof conversationId === 'string' ? { conversationId: clip(conversationId, 200) } : {}),
    ...(activity ? { activity } : {}),
    ...(typeof responseId === 'string' ? { responseId: clip(responseId, 200) } : {}),
    ...(error ? { error: clip(error, 1000) } : {}),
  };
}
