// The shape of botframework-webchat's minimal bundle (4.18.1 ends with
// `window.WebChat={...window.WebChat,concatMiddleware:…,createDirectLine:e=>(…),…}`). Stand-in members.
window.WebChat = {
  ...window.WebChat,
  concatMiddleware: function concatMiddleware() {
    return Array.prototype.slice.call(arguments);
  },
  Constants: { ActivityClientState: { PENDING: 0, SEND_FAILED: 1, SENT: 2 } },
  createDirectLine: (options) => ({ options: options, postActivity: function postActivity() {} }),
  createStore: function createStore(initialState) {
    var middlewares = Array.prototype.slice.call(arguments, 1);
    window.__transparency.createStoreCalls.push({
      argumentCount: arguments.length,
      middlewareCount: middlewares.length,
      initialStateIsPageObject: initialState === window.__transparency.initialState,
    });
    return {
      getState: function () {
        return initialState;
      },
      middlewares: middlewares.length,
    };
  },
  buildInfo: { buildTool: 'tsup', moduleFormat: 'global', variant: 'minimal', version: '4.18.1' },
};
window.__transparency.createStoreCalls = [];
window.__transparency.refs['WebChat.createStore'] = window.WebChat.createStore;
window.__transparency.refs['WebChat.createDirectLine'] = window.WebChat.createDirectLine;
window.__transparency.refs['WebChat'] = window.WebChat;
