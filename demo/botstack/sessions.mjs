// Per-conversation options of the local Bot Framework stack. The site backend creates a session
// (conversation id + Direct Line user id + options); the Direct Line, the bot and the token service
// look it up, so several scenarios can run in parallel against one server.
import { randomBytes } from 'node:crypto';

/**
 * @typedef {object} StackOptions
 * @property {'success'|'failure'} mode  token service: exchange succeeds (after checks) or always fails
 * @property {'passthrough'|'502'} dl  Direct Line: the bot's non-2xx status passed through, or 502 like Azure
 * @property {boolean} routeInvoke  bot overrides onSignInInvoke (false → botbuilder answers 501)
 * @property {boolean} echoInvokes  Direct Line echoes the client's invoke activities back to it
 * @property {boolean} tokenExchangeResource  token service puts tokenExchangeResource on the card (false: no Token Exchange URL)
 * @property {boolean} botError  the bot throws while handling the invoke (HTTP 500)
 */

/** @returns {StackOptions} */
export function parseOptions(params) {
  const get = (k) => params.get(k) ?? undefined;
  return {
    mode: get('mode') === 'failure' ? 'failure' : 'success',
    dl: get('dl') === '502' ? '502' : 'passthrough',
    routeInvoke: get('route') !== '0',
    echoInvokes: get('echo') !== '0',
    tokenExchangeResource: get('ter') !== '0',
    botError: get('boterror') === '1',
  };
}

/** Direct Line style conversation ids: 22 url-safe characters plus a region-like suffix. */
export const newConversationId = () => `${randomBytes(16).toString('base64url').slice(0, 22)}-us`;
export const newUserId = () => `dl_${randomBytes(8).toString('hex')}`;

export function createSessions() {
  /** @type {Map<string, { conversationId: string, userId: string, userName: string, options: StackOptions }>} */
  const byConversation = new Map();
  const byUser = new Map();
  return {
    /** @param {Partial<StackOptions>} options */
    create({
      options = {},
      userId = newUserId(),
      userName = 'Ada Lovelace',
      conversationId = newConversationId(),
    } = {}) {
      const session = {
        conversationId,
        userId,
        userName,
        options: { ...parseOptions(new URLSearchParams()), ...options },
      };
      byConversation.set(conversationId, session);
      byUser.set(userId, session);
      return session;
    },
    byConversation: (id) => byConversation.get(id),
    byUser: (id) => byUser.get(id),
  };
}
