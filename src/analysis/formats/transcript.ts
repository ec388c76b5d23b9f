/**
 * The captured Web Chat conversation as a Bot Framework Emulator `.transcript` file: a JSON array
 * of activities (https://learn.microsoft.com/azure/bot-service/bot-builder-debug-transcript), in the activity shape of
 * https://github.com/microsoft/botframework-sdk/blob/main/specs/botframework-activity/botframework-activity.md.
 * Built from a redacted copy of the log, so tokens in it follow the chosen profile.
 */
import type { ActivitySummary, LogEntry, Summary } from '../../shared/events';
import { DEFAULT_REDACTION_PROFILE, redactEntries, type RedactionProfile } from './redact';
import { collectActivities, isTokenExchange, type ActivityRecord } from '../model/webchat';

/** A conversation member: `role` is "user" or "bot". */
export interface TranscriptAccount {
  id?: string;
  name?: string;
  role?: string;
}

/** One attachment; OAuthCards get a `content` rebuilt from the captured fields. */
export interface TranscriptAttachment {
  contentType: string;
  content?: {
    text?: string;
    connectionName?: string;
    tokenExchangeResource?: { id?: string; uri?: string; providerId?: string };
    tokenPostResource?: { sasUrl?: string };
    buttons?: { type?: string; title?: string; value?: string }[];
  };
}

/** One activity of the transcript. The Emulator needs `id` and `timestamp` on every activity. */
export interface TranscriptActivity {
  type: string;
  id: string;
  /** ISO 8601: the activity's own timestamp when it parses, else when it was first captured. */
  timestamp: string;
  channelId: string;
  from: TranscriptAccount;
  recipient?: TranscriptAccount;
  conversation: { id: string };
  text?: string;
  name?: string;
  replyToId?: string;
  attachments?: TranscriptAttachment[];
  /** signin/tokenExchange invokes: `{id, connectionName, token}`; other activities: the captured summary. */
  value?: Summary | { id?: string; connectionName?: string; token?: string };
  /** Web Chat's client id for the activity, when captured. */
  channelData?: { clientActivityID: string };
}

/** The conversation id of a record: its own, else one from the Direct Line event that carried it. */
function conversationOf(record: ActivityRecord): string | undefined {
  if (record.activity.conversationId) return record.activity.conversationId;
  for (const { entry } of record.sightings) {
    const e = entry.event;
    if ((e.kind === 'directline.http' || e.kind === 'directline.activities') && e.conversationId)
      return e.conversationId;
  }
  return undefined;
}

/** Drops undefined members, so the JSON has no `"x": undefined` holes to trip strict readers. */
const compact = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;

/** An ms-since-epoch time as ISO 8601, or the epoch itself when out of Date's range. */
const isoOf = (ms: number) => new Date(Number.isFinite(new Date(ms).getTime()) ? ms : 0).toISOString();

/** Attachments as the Bot Framework sends them; other cards keep only their contentType (all the hook copies). */
function attachmentsOf(activity: ActivitySummary): TranscriptAttachment[] | undefined {
  return activity.attachments?.map((a) => {
    if (!a.oauth) return { contentType: a.contentType };
    const { text, connectionName, tokenExchangeResource, tokenPostResource, buttons } = a.oauth;
    return {
      contentType: a.contentType,
      content: compact({ text, connectionName, tokenExchangeResource, tokenPostResource, buttons }),
    };
  });
}

/**
 * The Web Chat activities of a capture (one per activity, merged across layers by
 * `collectActivities`) as `.transcript` activities, sorted by `timestamp` (ties in capture order).
 * Tokens follow `profile` (default 'mask': claims kept, signature replaced). Missing data is filled from the
 * capture: an activity without `id` gets "inspector-seq-<first seq>", without `timestamp` the
 * capture time, without `channelId` "directline", without a conversation the capture's first
 * conversation id (or "unknown"). Never throws; returns [] when no activity was captured.
 */
export function buildTranscript(
  entries: readonly LogEntry[],
  profile: RedactionProfile = DEFAULT_REDACTION_PROFILE,
): TranscriptActivity[] {
  const records = collectActivities(redactEntries(entries, profile));
  const user = records.find((r) => r.activity.from?.role === 'user')?.activity.from;
  const bot = records.find((r) => r.activity.from?.role === 'bot')?.activity.from;
  const fallbackConversation = records.map(conversationOf).find(Boolean) ?? 'unknown';
  const activities = records.map((record) => {
    const a = record.activity;
    const first = record.sightings[0]!.entry;
    const role = a.from?.role ?? (record.direction === 'in' ? 'bot' : 'user');
    const self = role === 'bot' ? bot : user;
    const other = role === 'bot' ? user : bot;
    const value =
      isTokenExchange(a) && a.tokenExchange
        ? compact({
            id: a.tokenExchange.id,
            connectionName: a.tokenExchange.connectionName,
            token: a.tokenExchange.token,
          })
        : a.value;
    return compact<TranscriptActivity>({
      type: a.type,
      id: a.id ?? `inspector-seq-${first.seq}`,
      timestamp: a.timestamp && !Number.isNaN(Date.parse(a.timestamp)) ? a.timestamp : isoOf(first.event.at),
      channelId: a.channelId ?? 'directline',
      from: compact({ id: a.from?.id ?? self?.id, name: a.from?.name ?? self?.name, role }),
      recipient: other ? compact({ id: other.id, name: other.name, role: other.role }) : undefined,
      conversation: { id: conversationOf(record) ?? fallbackConversation },
      text: a.text,
      name: a.name,
      replyToId: a.replyToId,
      attachments: attachmentsOf(a),
      value,
      channelData: a.clientActivityID ? { clientActivityID: a.clientActivityID } : undefined,
    });
  });
  // Conversation order, not capture order: a greeting sent before the user typed may be fetched after
  // the user's message was posted. Array.prototype.sort is stable, so equal times keep capture order.
  const at = (a: TranscriptActivity) => Date.parse(a.timestamp);
  return activities.sort((x, y) => at(x) - at(y));
}
