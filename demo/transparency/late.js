/*
 * The later moments of the transparency page: lcw:* events dispatched on window (inside the listener and
 * after), DOMContentLoaded, load, then asynchronous idioms (SDK and Web Chat calls, promises and
 * unhandledrejection, fetch, XHR, WebSocket, the BroadcastChannel bus, iframes) and a final look.
 * Sets window.__transparency.finished = true at the end and resolves window.__transparency.done (what the
 * test's driver waits for: no polling from outside, nothing added to the page). Waits are condition-based; the only bounded
 * waits are for things that must NOT happen (an extra message) or may legitimately never happen (an
 * unhandledrejection the hook swallowed), and they record what they saw either way.
 */
(function () {
  'use strict';
  var T = window.__transparency;
  var rec = T.rec;
  var ser = T.ser;
  var errText = T.errText;
  var norm = T.norm;
  var SDK = function () {
    return window.Microsoft.Omnichannel.LiveChatWidget.SDK;
  };
  var resolveDone;
  T.done = new Promise(function (resolve) {
    resolveDone = resolve;
  });
  function finish() {
    T.finished = true;
    resolveDone(true);
  }

  // ------------------------------------------------------------------ lcw:* events on window

  var calls = [];
  function listener(label) {
    return function (e) {
      calls.push({
        label: label,
        type: e.type,
        eventPhase: e.eventPhase,
        currentTargetIsWindow: e.currentTarget === window,
        targetIsWindow: e.target === window,
        isTrusted: e.isTrusted,
        detailIsPageObject: e.detail === T.lcwDetail,
        defaultPrevented: e.defaultPrevented,
        instanceofCustomEvent: e instanceof CustomEvent,
        composedPathLength: e.composedPath().length,
      });
    };
  }
  ['lcw:ready', 'lcw:error', 'lcw:transparencyUnknown', 'site:ready'].forEach(function (type) {
    window.addEventListener(type, listener('window capture'), true);
    window.addEventListener(type, listener('window bubble'));
    document.addEventListener(type, listener('document bubble'));
  });
  window.addEventListener('lcw:error', function (e) {
    e.preventDefault();
  });
  // What a site does on lcw:ready (documented usage): register its token function.
  var readyHandled = false;
  window.addEventListener('lcw:ready', function handleLivechatReadyEvent() {
    if (readyHandled) return; // lcw:ready is dispatched twice below (on window, then bubbling from document)
    readyHandled = true;
    T.moment('in-lcw-ready');
    rec('in-lcw-ready/setAuthTokenProvider(auth.getAuthenticationToken)', function () {
      return SDK().setAuthTokenProvider(window.auth.getAuthenticationToken);
    });
  });

  function dispatch(key, target, type, init) {
    calls = [];
    T.lcwDetail = init && init.detail;
    rec('lcw-events/' + key + '/dispatchEvent returned', function () {
      return target.dispatchEvent(new CustomEvent(type, init));
    });
    rec('lcw-events/' + key + '/listener calls', function () {
      return calls;
    });
  }
  dispatch('lcw:ready on window', window, 'lcw:ready', { detail: { widgetId: 'transparency' } });
  T.moment('after-lcw-ready');
  dispatch('lcw:error on window, cancelable', window, 'lcw:error', { detail: { errorCode: 4 }, cancelable: true });
  dispatch('unknown lcw: name on window', window, 'lcw:transparencyUnknown', { detail: [1, 2] });
  dispatch('non-lcw event on window', window, 'site:ready', { detail: 'x' });
  dispatch('lcw:ready on document, bubbling', document, 'lcw:ready', { detail: null, bubbles: true });
  T.moment('after-lcw-events');

  // ------------------------------------------------------------------ DOMContentLoaded and load

  document.addEventListener('DOMContentLoaded', function () {
    T.moment('dom-content-loaded');
  });
  window.addEventListener('load', function () {
    T.moment('load', { window: true, natives: true });
    afterLoad().then(finish, function (e) {
      T.harnessError('afterLoad', e);
      finish();
    });
  });

  // ------------------------------------------------------------------ helpers

  var tick = function (ms) {
    return new Promise(function (r) {
      setTimeout(r, ms);
    });
  };
  /** Resolves true as soon as cond() holds, false after maxMs (then the caller records what it saw). */
  async function waitFor(cond, maxMs) {
    var deadline = performance.now() + maxMs;
    for (;;) {
      if (cond()) return true;
      if (performance.now() > deadline) return false;
      await tick(10);
    }
  }
  /** Runs one asynchronous step; a throw becomes an answer, and the page goes on. */
  async function step(name, fn) {
    try {
      await fn();
    } catch (e) {
      rec('after-load/' + name + '/step threw', function () {
        throw e;
      });
    }
  }
  async function recAsync(key, fn) {
    var value;
    try {
      value = await fn();
    } catch (e) {
      rec(key, function () {
        throw e;
      });
      return;
    }
    rec(key, function () {
      return value;
    });
  }

  // ------------------------------------------------------------------ after load

  async function afterLoad() {
    await step('SDK and Web Chat calls', sdkAndWebChatCalls);
    await step('unhandledrejection of ignored fetches', unhandledRejections);
    await step('fetch', fetches);
    await step('XMLHttpRequest', xhrs);
    await step('timers', timers);
    await step('WebSocket', webSockets);
    await step('BroadcastChannel bus', broadcastBus);
    await step('iframes', iframes);
    T.moment('final', { window: true });
  }

  async function sdkAndWebChatCalls() {
    var k = 'after-load/calls/';
    T.startChatOptions = { customContext: { Locale: { value: 'en-us', isDisplayable: true } } };
    rec(k + 'SDK.getAuthTokenProvider() is the page function', function () {
      return SDK().getAuthTokenProvider() === window.auth.getAuthenticationToken;
    });
    var started;
    rec(k + 'SDK.startChat(options)', function () {
      started = SDK().startChat(T.startChatOptions);
      return { samePromise: started === T.sdkStartedPromise, instanceofPromise: started instanceof Promise };
    });
    await recAsync(k + 'SDK.startChat(options) resolves', function () {
      return started;
    });
    rec(k + 'SDK calls seen by the SDK stand-in', function () {
      return T.sdkCalls;
    });
    rec(k + 'provider calls seen by the page function', function () {
      return T.providerCalls;
    });
    rec(k + 'SDK.startProactiveChat() throws the page error', function () {
      try {
        SDK().startProactiveChat();
        return 'no throw';
      } catch (e) {
        T.recInfo('after-load/calls/SDK.startProactiveChat()/stack', function () {
          return e.stack;
        });
        return { sameObject: e === T.sdkThrown, error: errText(e) };
      }
    });
    var availability;
    rec(k + 'SDK.getAgentAvailability()', function () {
      availability = SDK().getAgentAvailability();
      return { instanceofPromise: availability instanceof Promise, tag: T.tagOf(availability) };
    });
    await recAsync(k + 'SDK.getAgentAvailability() resolves', function () {
      return availability;
    });
    rec(k + 'SDK.setContextProvider(fn)', function () {
      return SDK().setContextProvider(function contextProvider() {
        return { region: { value: 'EU', isDisplayable: false } };
      });
    });
    rec(k + 'SDK.renderCustomPanel(x)', function () {
      return SDK().renderCustomPanel('panel-1');
    });
    rec(k + 'SDK.startChat.call(other this)', function () {
      var other = {};
      SDK().startChat.call(other);
      var mine = T.sdkCalls.filter(function (c) {
        return c.method === 'startChat';
      });
      return mine[mine.length - 1].thisIsSdk;
    });
    rec(k + 'WebChat.createStore(initialState, middleware)', function () {
      T.initialState = { activities: [] };
      var middleware = function pageMiddleware() {
        return function (next) {
          return function (action) {
            return next(action);
          };
        };
      };
      var store = window.WebChat.createStore(T.initialState, middleware);
      return {
        storeMiddlewares: store.middlewares,
        stateIsPageObject: store.getState() === T.initialState,
        calls: T.createStoreCalls,
      };
    });
    rec(k + 'WebChat.createDirectLine(options)', function () {
      var options = { token: 'page-direct-line-token' };
      var dl = window.WebChat.createDirectLine(options);
      return {
        optionsIsPageObject: dl.options === options,
        ownNames: Object.getOwnPropertyNames(dl),
        postActivity: T.desc(Object.getOwnPropertyDescriptor(dl, 'postActivity')),
      };
    });
    rec(k + 'new Observable(fn) and Observable.of', function () {
      var Observable = window.Observable;
      var seen = [];
      var o = Observable.of(1, 2);
      o.subscribe({
        next: function (v) {
          seen.push(v);
        },
      });
      var threw;
      try {
        Observable(function () {});
      } catch (e) {
        threw = errText(e);
      }
      class Derived extends Observable {}
      return {
        seen: seen,
        instanceofObservable: o instanceof Observable,
        callWithoutNew: threw,
        subclass: new Derived(function () {}) instanceof Observable,
      };
    });
  }

  async function unhandledRejections() {
    var k = 'after-load/unhandledrejection/';
    var events = [];
    var handledLater = [];
    window.addEventListener('unhandledrejection', function (e) {
      events.push(e);
    });
    window.addEventListener('rejectionhandled', function (e) {
      handledLater.push(e);
    });
    // Requests the page starts and ignores (a real page's fire-and-forget). Port 1 refuses at once.
    var requests = [
      ['livechatconnector config', 'http://127.0.0.1:1/livechatconnector/config/x/y', undefined],
      [
        'livechatconnector auth call',
        'http://127.0.0.1:1/livechatconnector/auth/organization/o/widgetApp/w/conversation',
        { method: 'POST', headers: { AuthenticatedUserToken: 'page-token' } },
      ],
      [
        'token service postToken',
        'http://127.0.0.1:1/api/sas/postToken?state=x',
        { method: 'POST', body: '{"token":"t"}' },
      ],
      ['direct line start conversation', 'http://127.0.0.1:1/v3/directline/conversations', { method: 'POST' }],
      ['unwatched url', 'http://127.0.0.1:1/transparency/nothing', undefined],
    ];
    var ignored = requests.map(function (r) {
      return { label: r[0], promise: fetch(r[1], r[2]) };
    });
    var control = Promise.reject(new Error('a plain rejection the page ignores'));
    // The same requests, handled: once they have settled, so have the ignored ones (same failure).
    await Promise.all(
      requests.map(function (r) {
        return fetch(r[1], r[2]).then(
          function () {},
          function () {},
        );
      }),
    );
    var fired = function (p) {
      return events.some(function (e) {
        return e.promise === p;
      });
    };
    var all = ignored
      .map(function (i) {
        return i.promise;
      })
      .concat([control]);
    // Normally every one fires within a task or two; a swallowed rejection never does (bounded wait).
    await waitFor(function () {
      return all.every(fired);
    }, 3000);
    ignored.forEach(function (i) {
      rec(k + i.label, function () {
        var mine = events.filter(function (e) {
          return e.promise === i.promise;
        });
        return {
          instanceofPromise: i.promise instanceof Promise,
          fired: mine.length,
          reasonCtor: mine[0] ? mine[0].reason && mine[0].reason.constructor && mine[0].reason.constructor.name : null,
          reason: mine[0] ? errText(mine[0].reason) : null,
          cancelable: mine[0] ? mine[0].cancelable : null,
        };
      });
    });
    rec(k + 'control rejection', function () {
      return { fired: fired(control) };
    });
    // Not recorded: the order of these events (it follows the network's, which varies between runs).
    rec(k + 'events for promises the page did not create here', function () {
      return events
        .filter(function (e) {
          return (
            e.promise !== control &&
            !ignored.some(function (i) {
              return i.promise === e.promise;
            })
          );
        })
        .map(function (e) {
          return errText(e.reason);
        });
    });
    rec(k + 'rejectionhandled events', function () {
      return handledLater.length;
    });
  }

  async function fetches() {
    var k = 'after-load/fetch/';
    var describe = async function (p) {
      var out = { instanceofPromise: p instanceof Promise };
      var res = await p;
      out.instanceofResponse = res instanceof Response;
      out.status = res.status;
      out.ok = res.ok;
      out.type = res.type;
      out.redirected = res.redirected;
      out.url = res.url;
      out.contentType = res.headers.get('content-type');
      out.ownNames = Object.getOwnPropertyNames(res);
      out.bodyUsedBefore = res.bodyUsed;
      out.bodyLockedBefore = res.body ? res.body.locked : null;
      out.text = norm(await res.text());
      out.bodyUsedAfter = res.bodyUsed;
      return out;
    };
    // Direct Line (watched: the hook reads a clone of the response).
    await recAsync(k + 'GET direct line activities (watched)', function () {
      return describe(fetch(location.origin + '/v3/directline/conversations/transparency-probe/activities'));
    });
    await recAsync(k + 'POST direct line activity with a Request object (watched)', function () {
      return describe(
        fetch(
          new Request(location.origin + '/v3/directline/conversations/transparency-probe/activities', {
            method: 'POST',
            body: '{"type":"message","text":"hi"}',
            headers: { 'content-type': 'application/json' },
          }),
        ),
      );
    });
    // The live chat widget's configuration (names the page's token function).
    await recAsync(k + 'GET livechatconnector config (watched)', function () {
      return describe(
        fetch(
          '/transparency/livechatconnector/config/00000000-0000-4000-8000-0000000000f9/00000000-0000-4000-8000-00000000a11d.json?requestId=r-1&channelId=lcw',
        ),
      );
    });
    // Read as a stream by the page itself.
    await recAsync(k + 'GET direct line activities read with getReader (watched)', async function () {
      var res = await fetch(location.origin + '/v3/directline/conversations/transparency-probe/activities');
      var reader = res.body.getReader();
      var chunks = 0;
      var bytes = 0;
      for (;;) {
        var r = await reader.read();
        if (r.done) break;
        chunks++;
        bytes += r.value.byteLength;
      }
      return { lockedWhileReading: res.body.locked, bytes: bytes, gotChunks: chunks > 0 };
    });
    await recAsync(k + 'GET static JSON (unwatched)', function () {
      return describe(fetch('/transparency/data.json'));
    });
  }

  function runXhr(setup) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      var log = [];
      var progressEvents = 0;
      var push = function (entry) {
        if (log[log.length - 1] !== entry) log.push(entry); // readyState 3 repeats with chunking
      };
      // `progress` is counted, not logged: how many fire, and where among the readystatechange events,
      // follows the network's chunking (it varied between runs in Firefox).
      ['readystatechange', 'loadstart', 'progress', 'load', 'error', 'abort', 'timeout', 'loadend'].forEach(
        function (type) {
          xhr.addEventListener(type, function () {
            if (type === 'progress') progressEvents++;
            else push(type === 'readystatechange' ? 'readystatechange:' + xhr.readyState : type);
            if (type === 'loadend') {
              var out = {
                events: log,
                progressFired: progressEvents > 0,
                status: xhr.status,
                ownNamesAfter: Object.getOwnPropertyNames(xhr),
                ownSymbolsAfter: Object.getOwnPropertySymbols(xhr).map(String),
              };
              try {
                out.response = xhr.responseType === 'json' ? ser(xhr.response) : norm(xhr.responseText);
              } catch (e) {
                out.response = { threw: errText(e) };
              }
              resolve(Object.assign(out, steps));
            }
          });
        },
      );
      var steps = setup(xhr);
    });
  }

  async function xhrs() {
    var k = 'after-load/xhr/';
    await recAsync(k + 'GET livechatconnector config with AuthenticatedUserToken (watched)', function () {
      return runXhr(function (xhr) {
        var out = {};
        out.openReturned = ser(
          xhr.open(
            'GET',
            '/transparency/livechatconnector/config/00000000-0000-4000-8000-0000000000f9/00000000-0000-4000-8000-00000000a11d.json?channelId=lcw',
          ),
        );
        out.setRequestHeaderReturned = ser(xhr.setRequestHeader('AuthenticatedUserToken', 'page-token'));
        out.ownNamesBeforeSend = Object.getOwnPropertyNames(xhr);
        out.sendReturned = ser(xhr.send());
        return out;
      });
    });
    await recAsync(k + 'POST postToken (watched)', function () {
      return runXhr(function (xhr) {
        xhr.open('POST', location.origin + '/api/sas/postToken?sim_status=200');
        xhr.setRequestHeader('Content-Type', 'application/json');
        xhr.send('{"token":"page-token"}');
        return {};
      });
    });
    await recAsync(k + 'GET direct line activities, responseType json (watched)', function () {
      return runXhr(function (xhr) {
        xhr.open('GET', location.origin + '/v3/directline/conversations/transparency-probe/activities');
        xhr.responseType = 'json';
        xhr.send();
        return {};
      });
    });
    await recAsync(k + 'GET port 1 (network error)', function () {
      return runXhr(function (xhr) {
        xhr.open('GET', 'http://127.0.0.1:1/v3/directline/conversations/x/activities');
        xhr.send();
        return {};
      });
    });
    var expectThrow = function (fn) {
      try {
        fn();
        return 'no error';
      } catch (e) {
        return { ctor: e.constructor.name, error: errText(e) };
      }
    };
    rec(k + 'setRequestHeader before open', function () {
      return expectThrow(function () {
        new XMLHttpRequest().setRequestHeader('a', 'b');
      });
    });
    rec(k + 'send before open', function () {
      return expectThrow(function () {
        new XMLHttpRequest().send();
      });
    });
    rec(k + 'open with an invalid method', function () {
      return expectThrow(function () {
        new XMLHttpRequest().open('GET POST', '/');
      });
    });
    rec(k + 'send twice', function () {
      var xhr = new XMLHttpRequest();
      xhr.open('GET', '/transparency/data.json');
      xhr.send();
      var r = expectThrow(function () {
        xhr.send();
      });
      xhr.abort();
      return r;
    });
  }

  async function timers() {
    var k = 'after-load/timers/';
    var seen = [];
    var done = function () {
      return seen.indexOf('last') !== -1;
    };
    var id1 = setTimeout(
      function (a, b) {
        seen.push({
          timer: 'with arguments',
          args: [a, b],
          argumentCount: arguments.length,
          thisIsWindow: this === window,
        });
      },
      0,
      'first',
      'second',
    );
    window.__transparencyStringTimer = function () {
      seen.push({ timer: 'string code' });
    };
    var id2 = setTimeout('window.__transparencyStringTimer()', 0);
    var cancelled = setTimeout(function () {
      seen.push({ timer: 'cancelled (must not run)' });
    }, 0);
    clearTimeout(cancelled);
    var ticks = 0;
    var interval = setInterval(function () {
      ticks++;
      if (ticks === 3) {
        clearInterval(interval);
        seen.push({ timer: 'interval', ticks: ticks });
        setTimeout(function () {
          seen.push('last');
        }, 20);
      }
    }, 5);
    rec(k + 'ids', function () {
      return {
        types: [typeof id1, typeof id2, typeof cancelled, typeof interval],
        distinct: new Set([id1, id2, cancelled, interval]).size,
        positive: id1 > 0 && id2 > 0,
      };
    });
    // The callbacks queued at 0 ms run before the interval's third tick and the last timer.
    var finished = await waitFor(done, 5000);
    rec(k + 'callbacks', function () {
      return { finished: finished, seen: seen };
    });
    rec(k + 'setTimeout without a callback', function () {
      return typeof setTimeout();
    });
  }

  function runSocket(url) {
    return new Promise(function (resolve) {
      var out = { events: [] };
      var ws;
      try {
        ws = new WebSocket(url);
      } catch (e) {
        resolve({ constructorThrew: errText(e) });
        return;
      }
      // A socket that never closes must not hang the page: record that instead (never seen so far).
      setTimeout(function () {
        if (out.events.indexOf('close') !== -1) return;
        out.timedOut = true;
        resolve(out);
      }, 10000);
      out.instanceofWebSocket = ws instanceof WebSocket;
      out.url = norm(ws.url);
      ['open', 'message', 'error', 'close'].forEach(function (type) {
        ws.addEventListener(type, function (e) {
          out.events.push(type);
          if (type === 'close') {
            out.code = e.code;
            out.wasClean = e.wasClean;
            out.readyState = ws.readyState;
            out.ownNames = Object.getOwnPropertyNames(ws);
            resolve(out);
          }
        });
      });
    });
  }

  async function webSockets() {
    var k = 'after-load/websocket/';
    await recAsync(k + 'port 1', function () {
      return runSocket('ws://127.0.0.1:1/');
    });
    await recAsync(k + 'direct line stream refused (watched)', function () {
      return runSocket(
        location.origin.replace(/^http/, 'ws') + '/v3/directline/conversations/transparency-probe/stream?t=not-a-token',
      );
    });
  }

  async function broadcastBus() {
    var k = 'after-load/broadcastchannel/';
    var name = 'transparency-widget-bus';
    var a = new BroadcastChannel(name);
    var b = new BroadcastChannel(name);
    var c = new BroadcastChannel(name);
    var got = { a: [], b: [], c: [] };
    a.onmessage = function (e) {
      got.a.push(e);
    };
    b.addEventListener('message', function (e) {
      got.b.push(e);
    });
    c.onmessage = function (e) {
      got.c.push(e);
    };
    var payload = {
      time: 1700000000000,
      type: 'message',
      data: {
        eventName: 'SignInCardReceived',
        payload: {
          sasUrl: 'https://token.botframework.com/api/sas/postToken?state=x',
          when: new Date(0),
          tags: new Set(['a']),
          map: new Map([['k', 1]]),
          nested: [{ deep: true }],
        },
        eventId: 'e-1',
      },
    };
    rec(k + 'postMessage returned', function () {
      return a.postMessage(payload);
    });
    a.postMessage('sentinel from a');
    var has = function (list, data) {
      return list.some(function (e) {
        return e.data === data;
      });
    };
    // Messages from one sender arrive in order: once its sentinel is in, nothing it sent before is missing.
    var arrivedA = await waitFor(function () {
      return has(got.b, 'sentinel from a') && has(got.c, 'sentinel from a');
    }, 5000);
    rec(k + 'sentinel from a arrived', function () {
      return arrivedA;
    });
    b.postMessage('sentinel from b');
    var arrivedB = await waitFor(function () {
      return has(got.a, 'sentinel from b') && has(got.c, 'sentinel from b');
    }, 5000);
    rec(k + 'sentinel from b arrived', function () {
      return arrivedB;
    });
    var describeEvent = function (e, ch) {
      return {
        data: e.data,
        dataIsSentObject: e.data === payload,
        type: e.type,
        ctorIsMessageEvent: e.constructor === MessageEvent,
        originIsPageOrigin: e.origin === location.origin,
        source: e.source === null ? null : 'not null',
        ports: e.ports.length,
        lastEventId: e.lastEventId,
        isTrusted: e.isTrusted,
        targetIsChannel: e.target === ch,
      };
    };
    rec(k + 'received by a (the sender)', function () {
      return got.a.map(function (e) {
        return describeEvent(e, a);
      });
    });
    rec(k + 'received by b', function () {
      return got.b.map(function (e) {
        return describeEvent(e, b);
      });
    });
    rec(k + 'received by c', function () {
      return got.c.map(function (e) {
        return describeEvent(e, c);
      });
    });
    rec(k + 'message counts', function () {
      return { a: got.a.length, b: got.b.length, c: got.c.length };
    });
    rec(k + 'postMessage of a function', function () {
      try {
        a.postMessage({ f: function () {} });
        return 'no error';
      } catch (e) {
        return { ctor: e.constructor.name, error: errText(e) };
      }
    });
    rec(k + 'own names of a channel', function () {
      return Object.getOwnPropertyNames(a);
    });
    a.close();
    b.close();
    c.close();
    rec(k + 'postMessage after close', function () {
      try {
        a.postMessage('late');
        return 'no error';
      } catch (e) {
        return { ctor: e.constructor.name, error: errText(e) };
      }
    });
  }

  async function iframes() {
    var k = 'after-load/iframes/';
    // The "clean iframe" idiom: a fresh about:blank realm to compare our natives with.
    var blank = document.createElement('iframe');
    document.body.appendChild(blank);
    var w = blank.contentWindow;
    var srcIn = function (realm, fn) {
      try {
        return realm.Function.prototype.toString.call(fn);
      } catch (e) {
        return { threw: errText(e) };
      }
    };
    rec(k + 'about:blank: Microsoft in its window', function () {
      return 'Microsoft' in w;
    });
    rec(k + 'about:blank: its own symbols', function () {
      return Object.getOwnPropertySymbols(w).map(String);
    });
    rec(k + "about:blank realm's toString on this page's functions", function () {
      return {
        fetch: srcIn(w, window.fetch),
        WebSocket: srcIn(w, window.WebSocket),
        BroadcastChannel: srcIn(w, window.BroadcastChannel),
        open: srcIn(w, XMLHttpRequest.prototype.open),
        postMessage: srcIn(w, BroadcastChannel.prototype.postMessage),
        dispatchEvent: srcIn(w, EventTarget.prototype.dispatchEvent),
        toString: srcIn(w, Function.prototype.toString),
        startChat: srcIn(w, SDK().startChat),
        createStore: srcIn(w, window.WebChat.createStore),
        getAuthenticationToken: srcIn(w, window.auth.getAuthenticationToken),
      };
    });
    rec(k + 'about:blank: same source as its own natives', function () {
      return ['fetch', 'WebSocket', 'BroadcastChannel'].map(function (n) {
        return String(w[n]) === String(window[n]);
      });
    });
    blank.remove();

    // A same-origin page in a frame (the hook runs in every frame).
    var frame = document.createElement('iframe');
    var loaded = new Promise(function (r) {
      frame.addEventListener('load', r, { once: true });
    });
    frame.src = '/transparency/frame.html';
    document.body.appendChild(frame);
    await loaded;
    var fw = frame.contentWindow;
    rec(k + 'frame: its own answers at the top of its <head>', function () {
      return fw.frameAnswers;
    });
    rec(k + "frame: this page's toString on the frame's functions", function () {
      return {
        fetch: srcIn(window, fw.fetch),
        WebSocket: srcIn(window, fw.WebSocket),
        open: srcIn(window, fw.XMLHttpRequest.prototype.open),
      };
    });
    rec(k + "frame: the frame's toString on this page's functions", function () {
      return {
        fetch: srcIn(fw, window.fetch),
        WebSocket: srcIn(fw, window.WebSocket),
        startChat: srcIn(fw, SDK().startChat),
      };
    });
    frame.remove();
  }
})();
