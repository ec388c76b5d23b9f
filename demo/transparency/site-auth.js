// The site's token function, named in the live chat widget's configuration
// (LiveChatConfigAuthSettings.msdyn_javascriptclientfunction = "auth.getAuthenticationToken").
window.auth = {};
window.auth.getAuthenticationToken = function getAuthenticationToken(callback) {
  var T = window.__transparency;
  // What the function receives: the page compares it with what the SDK stand-in says it passed.
  T.providerCalls.push({
    thisIsWindow: this === window,
    thisIsAuth: this === window.auth,
    argumentCount: arguments.length,
    callbackType: typeof callback,
    callbackName: typeof callback === 'function' ? callback.name : null,
    callbackLength: typeof callback === 'function' ? callback.length : null,
    callbackPrototypeIn: typeof callback === 'function' ? 'prototype' in callback : null,
    callbackSource: typeof callback === 'function' ? Function.prototype.toString.call(callback) : null,
    callbackIsWhatTheSdkPassed: callback === T.sdkPassedCallback,
  });
  var returned = callback('page-token-1');
  T.providerCalls.push({ callbackReturned: returned === T.sdkCallbackReturn });
  return 'provider-return-value';
};
window.__transparency.providerCalls = [];
window.__transparency.refs['auth'] = window.auth;
window.__transparency.refs['auth.getAuthenticationToken'] = window.auth.getAuthenticationToken;
