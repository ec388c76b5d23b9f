/** The public documents the checks rest on. */
export const DOCS = {
  setAuthTokenProvider:
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setauthtokenprovider',
  sendAuthToken: 'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/send-auth-token-starting-chat',
  chatAuthSettings:
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/administer/create-chat-auth-settings',
  errorCodes: 'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/error-code-reference',
  contextVariables:
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/administer/manage-context-variables',
  lcwReference: 'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/omnichannel-reference',
  setBotAuthTokenProvider:
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/methods/setbotauthtokenprovider',
  passAuthTokenSso:
    'https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/pass-auth-token-sso-live-chat',
  jwt: 'https://www.rfc-editor.org/rfc/rfc7519',
  jws: 'https://www.rfc-editor.org/rfc/rfc7515',
  webChatSso: 'https://learn.microsoft.com/en-us/azure/bot-service/bot-builder-webchat-sso',
  botSsoConcept: 'https://learn.microsoft.com/en-us/azure/bot-service/bot-builder-concept-sso',
  botAuthentication: 'https://learn.microsoft.com/en-us/azure/bot-service/bot-builder-authentication',
  directLineSend:
    'https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-send-activity',
  directLineAuth:
    'https://learn.microsoft.com/en-us/azure/bot-service/rest-api/bot-framework-rest-direct-line-3-0-authentication',
  copilotSso: 'https://learn.microsoft.com/en-us/microsoft-copilot-studio/configure-sso',
} as const;
