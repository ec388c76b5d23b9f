/**
 * Copies the SSO-relevant parts of a Bot Framework activity out of the page
 * (https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md).
 * Reads own data properties only (no getters run), bounded, never throws. Shared by the page hook and
 * the HAR import (src/analysis/har.ts), so a HAR reads activities exactly as the hook does.
 */
import { MAX_TOKEN } from './constants';
import type { ActivitySummary } from './events';
import { clip, summarize } from './summarize';
import { getOwnDescriptor, isArray, ownKeys } from './builtins';

const OAUTH_TYPES = new Set(['application/vnd.microsoft.card.oauth', 'application/vnd.microsoft.card.signin']);

/** An own data property of a page object, or undefined. Never throws. */
export function own(obj: unknown, key: string): unknown {
  if (!obj || (typeof obj !== 'object' && typeof obj !== 'function')) return undefined;
  try {
    const d = getOwnDescriptor(obj, key);
    return d && 'value' in d ? d.value : undefined;
  } catch {
    return undefined;
  }
}

/** A string property, clipped; undefined when absent or not a string. */
function str(obj: unknown, key: string, max = 500): string | undefined {
  const v = own(obj, key);
  return typeof v === 'string' ? clip(v, max) : undefined;
}

function oauthContent(content: unknown): NonNullable<NonNullable<ActivitySummary['attachments']>[number]['oauth']> {
  const ter = own(content, 'tokenExchangeResource');
  const tpr = own(content, 'tokenPostResource');
  const buttons = own(content, 'buttons');
  return {
    ...(str(content, 'connectionName') !== undefined ? { connectionName: str(content, 'connectionName') } : {}),
    ...(str(content, 'text') !== undefined ? { text: str(content, 'text') } : {}),
    ...(ter && typeof ter === 'object'
      ? {
          tokenExchangeResource: dropUndefined({
            id: str(ter, 'id'),
            uri: str(ter, 'uri', 2000),
            providerId: str(ter, 'providerId'),
          }),
        }
      : {}),
    ...(tpr && typeof tpr === 'object'
      ? { tokenPostResource: dropUndefined({ sasUrl: str(tpr, 'sasUrl', 4000) }) }
      : {}),
    ...(isArray(buttons)
      ? {
          buttons: buttons
            .slice(0, 10)
            .map((b) => dropUndefined({ type: str(b, 'type'), title: str(b, 'title'), value: str(b, 'value', 2000) })),
        }
      : {}),
  };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  for (const k of ownKeys(o)) if (o[k] === undefined) delete o[k];
  return o as { [K in keyof T]: Exclude<T[K], undefined> };
}

/**
 * True for a `signin/tokenExchange` invoke: `type` compared case-insensitively (some clients send "Invoke").
 * https://learn.microsoft.com/azure/bot-service/bot-builder-concept-sso
 */
export function isTokenExchangeInvoke(type: unknown, name: unknown): boolean {
  return typeof type === 'string' && type.toLowerCase() === 'invoke' && name === 'signin/tokenExchange';
}

/** Summarizes an activity object (a page object or parsed JSON). Returns null when it is not an activity. */
export function summarizeActivity(a: unknown): ActivitySummary | null {
  try {
    const type = own(a, 'type');
    if (typeof type !== 'string') return null;
    const channelData = own(a, 'channelData');
    const from = own(a, 'from');
    const conversation = own(a, 'conversation');
    const attachments = own(a, 'attachments');
    const value = own(a, 'value');
    const name = str(a, 'name');
    const summary: ActivitySummary = dropUndefined({
      type: clip(type, 100),
      id: str(a, 'id'),
      name,
      clientActivityID: str(channelData, 'clientActivityID'),
      replyToId: str(a, 'replyToId'),
      conversationId: str(conversation, 'id'),
      channelId: str(a, 'channelId'),
      from:
        from && typeof from === 'object'
          ? dropUndefined({ id: str(from, 'id'), name: str(from, 'name'), role: str(from, 'role') })
          : undefined,
      text: str(a, 'text', 1000),
      timestamp: str(a, 'timestamp'),
      attachments: isArray(attachments)
        ? attachments.slice(0, 20).map((att) => {
            const contentType = str(att, 'contentType') ?? '';
            return OAUTH_TYPES.has(contentType)
              ? { contentType, oauth: oauthContent(own(att, 'content')) }
              : { contentType };
          })
        : undefined,
    });
    if (isTokenExchangeInvoke(type, name)) {
      const token = own(value, 'token');
      summary.tokenExchange = dropUndefined({
        id: str(value, 'id'),
        connectionName: str(value, 'connectionName'),
        token: typeof token === 'string' ? token.slice(0, MAX_TOKEN) : undefined,
        tokenType: token === null ? 'null' : typeof token,
      });
    } else if (value !== undefined) {
      summary.value = summarize(value, 3);
    }
    return summary;
  } catch {
    return null;
  }
}
