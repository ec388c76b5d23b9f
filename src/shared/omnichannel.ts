/**
 * Facts about the Omnichannel live chat service's HTTP surface, shared by the page hook (live capture)
 * and the HAR import. Paths are the ones `@microsoft/ocsdk` builds (`OmnichannelEndpoints`):
 *   {orgUrl}/livechatconnector/config/{orgId}/{widgetId}?requestId=…&channelId=lcw
 *   {orgUrl}/livechatconnector/auth/organization/{orgId}/widgetApp/{widgetId}/conversation
 *   {orgUrl}/livechatconnector/auth/sessioninit/{orgId}/{widgetId}/{requestId}
 *   {orgUrl}/livechatconnector/v2/auth/getchattoken/{orgId}/{widgetId}/{requestId}
 *   {orgUrl}/livechatconnector/auth/sessionclose/{orgId}/{widgetId}/{requestId}
 * Authenticated calls carry the customer's JWT in the `AuthenticatedUserToken` request header.
 * Kept free of imports: the page hook pulls this in.
 */

/** The request header that carries the customer's JWT on authenticated livechatconnector calls. */
export const AUTHENTICATED_USER_TOKEN_HEADER = 'AuthenticatedUserToken';

const CONNECTOR_PATH = /\/livechatconnector\/(.*)$/i;

/**
 * The endpoint of a livechatconnector URL path: what follows `/livechatconnector/`, without trailing
 * slashes (`auth/organization/{orgId}/widgetApp/{widgetId}/conversation`); null for any other path.
 */
export function connectorEndpoint(pathname: string): string | null {
  const m = CONNECTOR_PATH.exec(pathname);
  return m ? m[1]!.replace(/\/+$/, '') : null;
}

/**
 * The operation an endpoint performs, lower-cased: `config`, `conversation`, `sessioninit`,
 * `getchattoken`, `sessionclose`, `lcwfcsdetails`, … (version and `auth` prefixes skipped; for
 * `organization/{orgId}/widgetApp/{widgetId}/<op>`, the `<op>`).
 */
export function connectorOperation(endpoint: string): string {
  const segments = endpoint.split('/').filter((s) => s !== '');
  let i = 0;
  while (i < segments.length && /^(v\d+|auth)$/i.test(segments[i]!)) i += 1;
  const head = (segments[i] ?? '').toLowerCase();
  if (head !== 'organization') return head;
  const widgetApp = segments.findIndex((s) => s.toLowerCase() === 'widgetapp');
  return (widgetApp >= 0 ? (segments[widgetApp + 2] ?? 'widgetapp') : head).toLowerCase();
}

/** True for endpoints under `…/auth/…`, the ones that need the customer's JWT. */
export function isAuthenticatedEndpoint(endpoint: string): boolean {
  return endpoint.split('/').some((s) => s.toLowerCase() === 'auth');
}

/**
 * The auth client function a config response names (`LiveChatConfigAuthSettings.msdyn_javascriptclientfunction`,
 * e.g. `auth.getAuthenticationToken`): a string, null when the config has auth settings without a name
 * or none at all, undefined when `config` is not a config object.
 */
export function authClientFunctionOf(config: unknown): string | null | undefined {
  if (!config || typeof config !== 'object') return undefined;
  const settings = (config as Record<string, unknown>).LiveChatConfigAuthSettings;
  if (!settings || typeof settings !== 'object') return null;
  const name = (settings as Record<string, unknown>).msdyn_javascriptclientfunction;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}
