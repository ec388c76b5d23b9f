// The SITE's own code in the rc-load-error scenario (not Microsoft code, not the bench's): a namespace
// helper that reserves `window.Microsoft` as a lazy getter, returning undefined until its own module has
// loaded. It is the shape that breaks @microsoft/ocsdk at load time: `"Microsoft" in window` is true,
// so ocsdk skips creating it, and `"CRM" in window.Microsoft` then throws
// "TypeError: Cannot use 'in' operator to search for 'CRM' in undefined". The chat bundle stops there.
(function () {
  'use strict';
  var loaded;
  Object.defineProperty(window, 'Microsoft', {
    configurable: true,
    enumerable: true,
    get: function () {
      return loaded;
    },
    set: function (value) {
      loaded = value;
    },
  });
})();
