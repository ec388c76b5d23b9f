// A hostile page script (evaluated in the page, never imported by Node): everything a page can try, with
// what it can reach, to switch one of the inspector's injected faults on or to learn which are on.
// Test-only; the e2e tests take its text and run `(function forgeFaults…)(args)` (test/helpers/reproduce.ts,
// forgeryScript), as the page's first <script> (Chromium, through a route) or after load (page.evaluate).
// What it saw is kept on window.__forgery (a global the page itself creates).
export function forgeFaults(A) {
  var N = A.names;
  var out = (window.__forgery = window.__forgery || {
    runs: 0,
    attacks: 0,
    /** Channel offers a page listener got (a hook's channel node handed to the page would be a hole). */
    offers: 0,
    /** RELAY_READY_EVENT on a node the page offered (the relay accepting a page's node would be a hole). */
    relayReady: 0,
    /** Events under our names, or extension messages, the page heard that it did not dispatch itself. */
    heard: [],
    errors: [],
  });
  out.runs++;
  var setJson = JSON.stringify(A.set);
  var ours = false; // true while this script dispatches: its own events are not "heard"
  var names = Object.keys(N).map(function (k) {
    return N[k];
  });
  var note = function (what) {
    if (out.heard.length < 50) out.heard.push(String(what).slice(0, 300));
  };
  var fail = function (where, e) {
    if (out.errors.length < 50) out.errors.push(where + ': ' + String((e && e.message) || e).slice(0, 200));
  };

  // Listen where a page can: every event name of ours, on window and document, in both phases.
  [window, document].forEach(function (target) {
    names.forEach(function (name) {
      if (typeof name !== 'string') return;
      var listener = function (e) {
        if (ours) return;
        var d = e.detail;
        note((target === window ? 'window ' : 'document ') + name + ' ' + (typeof d === 'string' ? d : String(d)));
      };
      target.addEventListener(name, listener, true);
      target.addEventListener(name, listener, false);
    });
  });
  // Messages are delivered later: the page's own carry `forgedBy`.
  window.addEventListener('message', function (e) {
    var d = e.data;
    var text = typeof d === 'string' ? d : JSON.stringify(d);
    if (/fault|chat-sso/i.test(text || '') && !/forgedBy/.test(text)) note('message ' + text);
  });

  // A node of the page's own, offered as if it were the hook's channel.
  var mine = document.createElement('span');
  mine.addEventListener(N.RELAY_READY_EVENT, function () {
    out.relayReady++;
  });
  document.addEventListener(
    N.CHANNEL_OFFER_EVENT,
    function (e) {
      var node = e.relatedTarget;
      if (!node || node === mine) return;
      out.offers++;
      // Had the page got the hook's node, this would pass it a fault set.
      try {
        node.dispatchEvent(new CustomEvent(N.FAULTS_EVENT_NAME, { detail: setJson }));
      } catch (x) {
        fail('offered node', x);
      }
    },
    true,
  );

  var dispatch = function (target, event) {
    ours = true;
    try {
      target.dispatchEvent(event);
    } catch (x) {
      fail('dispatch ' + event.type, x);
    } finally {
      ours = false;
    }
  };

  function attack() {
    out.attacks++;
    var targets = [document, window, document.documentElement, document.head, document.body, mine].filter(Boolean);
    targets.forEach(function (t) {
      // The fault set as the relay would pass it (JSON text), as an object, and inside a hook-like envelope.
      dispatch(t, new CustomEvent(N.FAULTS_EVENT_NAME, { detail: setJson, bubbles: true, composed: true }));
      dispatch(t, new CustomEvent(N.FAULTS_EVENT_NAME, { detail: A.set, bubbles: true }));
      dispatch(
        t,
        new CustomEvent(N.PAGE_EVENT_NAME, {
          detail: JSON.stringify({ channel: N.PAGE_CHANNEL, v: 1, type: 'faults', faults: A.set, events: [] }),
          bubbles: true,
        }),
      );
    });
    // The handshake, replayed: ask hooks to offer their node again, and offer one of the page's own.
    dispatch(document, new CustomEvent(N.CHANNEL_REQUEST_EVENT));
    dispatch(document, new MouseEvent(N.CHANNEL_OFFER_EVENT, { relatedTarget: mine }));
    // The messages of the extension's own protocol, posted every way a page can post.
    ['set-faults', 'faults', 'faults-query'].forEach(function (type) {
      var message = { type: type, faults: A.set, tabId: A.tabId, channel: N.PAGE_CHANNEL, forgedBy: 'page' };
      ours = true;
      try {
        window.postMessage(message, '*');
        window.postMessage(JSON.stringify(message), '*');
        if (window.top !== window) window.top.postMessage(message, '*');
      } catch (x) {
        fail('postMessage', x);
      } finally {
        ours = false;
      }
      try {
        var bc = new BroadcastChannel(N.PAGE_CHANNEL);
        bc.postMessage(message);
        bc.close();
      } catch (x) {
        fail('BroadcastChannel', x);
      }
      // Extension messaging from a web page: only for extensions that list the page as externally_connectable.
      try {
        var runtime = (window.chrome && window.chrome.runtime) || (window.browser && window.browser.runtime);
        if (runtime && typeof runtime.sendMessage === 'function')
          runtime.sendMessage(A.extensionId, message, function () {
            return runtime.lastError;
          });
      } catch (x) {
        fail('runtime.sendMessage', x);
      }
    });
  }

  // Globals a page might hope the extension reads: names like ours, holding a fault set.
  A.globals.forEach(function (name) {
    try {
      window[name] = { faults: A.set.faults, keepAcrossReload: true, set: A.set, enabled: true };
    } catch (x) {
      fail('global ' + name, x);
    }
  });

  // Storage a page can write, under names like ours (keys and cookies), holding a fault set kept across reloads.
  A.storageKeys.forEach(function (key) {
    try {
      localStorage.setItem(key, setJson);
    } catch (x) {
      fail('localStorage', x);
    }
    try {
      sessionStorage.setItem(key, setJson);
    } catch (x) {
      fail('sessionStorage', x);
    }
    try {
      document.cookie = encodeURIComponent(key) + '=' + encodeURIComponent(setJson) + '; path=/; SameSite=Lax';
    } catch (x) {
      fail('cookie', x);
    }
  });
  try {
    var open = indexedDB.open(A.storageKeys[0], 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore('faults');
    };
    open.onsuccess = function () {
      try {
        var tx = open.result.transaction('faults', 'readwrite');
        A.storageKeys.forEach(function (key) {
          tx.objectStore('faults').put(A.set, key);
        });
        tx.oncomplete = function () {
          out.indexedDb = 'written';
          open.result.close();
        };
      } catch (x) {
        fail('indexedDB put', x);
      }
    };
    open.onerror = function () {
      fail('indexedDB', open.error);
    };
  } catch (x) {
    fail('indexedDB', x);
  }

  attack();
  document.addEventListener('DOMContentLoaded', attack);
  window.addEventListener('load', attack);
  // And again through the page's life, so no moment of the SSO flow is left unattacked.
  var n = 0;
  var timer = setInterval(function () {
    attack();
    if (++n >= A.repeat) clearInterval(timer);
  }, A.everyMs);
}
