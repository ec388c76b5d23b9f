// STAND-IN for the closed-source LiveChatBootstrapper.js (it is not on npm): the shape of its namespace
// code (TypeScript namespace emit, `Microsoft || (Microsoft = {})` level by level, reusing what is there)
// and SDK members assigned one at a time. Method bodies are small and deterministic; not Microsoft code.
/* eslint-disable @typescript-eslint/no-unused-vars, no-useless-assignment -- TypeScript namespace emit, kept as the real bootstrapper has it */
var Microsoft;
(function (Microsoft) {
  var Omnichannel;
  (function (Omnichannel) {
    var LiveChatWidget;
    (function (LiveChatWidget) {
      var SDK;
      (function (SDK) {
        var T = window.__transparency;
        var provider;
        var contextProvider;
        var started = Promise.resolve('chat started'); // startChat returns this very promise
        T.refs['Microsoft.Omnichannel.LiveChatWidget.SDK'] = SDK;
        T.sdkCalls = [];
        T.sdkStartedPromise = started;
        T.sdkStep('0-empty', SDK);

        SDK.setAuthTokenProvider = function setAuthTokenProvider(fn) {
          T.sdkCalls.push({
            method: 'setAuthTokenProvider',
            thisIsSdk: this === SDK,
            argIsPageFunction: fn === window.auth.getAuthenticationToken,
            argType: typeof fn,
          });
          provider = fn;
        };
        T.refs['SDK.setAuthTokenProvider'] = SDK.setAuthTokenProvider;
        T.sdkStep('1-setAuthTokenProvider', SDK);

        SDK.getAuthTokenProvider = function getAuthTokenProvider() {
          return provider;
        };
        T.refs['SDK.getAuthTokenProvider'] = SDK.getAuthTokenProvider;
        T.sdkStep('2-getAuthTokenProvider', SDK);

        SDK.startChat = function startChat(options) {
          T.sdkCalls.push({
            method: 'startChat',
            thisIsSdk: this === SDK,
            argumentCount: arguments.length,
            optionsIsPageObject: options === T.startChatOptions,
            storedProviderIsPageFunction: provider === window.auth.getAuthenticationToken,
          });
          if (typeof provider === 'function') {
            var tokenCallback = function tokenCallback(token) {
              T.sdkCalls.push({ method: 'tokenCallback', token: token, argumentCount: arguments.length });
              return T.sdkCallbackReturn;
            };
            T.sdkPassedCallback = tokenCallback;
            T.sdkCallbackReturn = { fromTokenCallback: true };
            var providerReturned = provider(tokenCallback);
            T.sdkCalls.push({ method: 'provider returned', value: providerReturned });
          }
          return started;
        };
        T.refs['SDK.startChat'] = SDK.startChat;
        T.sdkStep('3-startChat', SDK);

        // An anonymous function expression: assigning it to a member does not name it (name is '').
        SDK.setContextProvider = function (fn) {
          contextProvider = fn;
          return contextProvider === fn;
        };
        T.refs['SDK.setContextProvider'] = SDK.setContextProvider;
        T.sdkStep('4-setContextProvider', SDK);

        SDK.startProactiveChat = function startProactiveChat() {
          T.sdkThrown = new Error('proactive chat is not enabled');
          throw T.sdkThrown;
        };
        T.refs['SDK.startProactiveChat'] = SDK.startProactiveChat;

        SDK.getAgentAvailability = async function getAgentAvailability() {
          return { isAgentAvailable: false, positionInQueue: 0 };
        };
        T.refs['SDK.getAgentAvailability'] = SDK.getAgentAvailability;
        T.sdkStep('5-async-member', SDK);

        // A member no hook can know by name (a newer bootstrapper, or a site's own addition).
        SDK.renderCustomPanel = (panel) => ({ rendered: panel });
        T.refs['SDK.renderCustomPanel'] = SDK.renderCustomPanel;
        T.sdkStep('6-unknown-member', SDK);
      })((SDK = LiveChatWidget.SDK || (LiveChatWidget.SDK = {})));
      window.__transparency.refs['Microsoft.Omnichannel.LiveChatWidget'] = LiveChatWidget;
    })((LiveChatWidget = Omnichannel.LiveChatWidget || (Omnichannel.LiveChatWidget = {})));
    window.__transparency.refs['Microsoft.Omnichannel'] = Omnichannel;
  })((Omnichannel = Microsoft.Omnichannel || (Microsoft.Omnichannel = {})));
  window.__transparency.refs['Microsoft'] = Microsoft;
})(Microsoft || (Microsoft = {}));
