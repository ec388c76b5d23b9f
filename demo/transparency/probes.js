/*
 * Transparency probes: the feature-detection idioms real libraries run, recorded as JSON-safe answers
 * in window.__transparency.answers["<moment>/<subject>/<idiom>"]. The test (test/e2e/transparency.test.ts)
 * loads this page with and without the extension and requires every answer to be the same.
 *
 * Plain JS, no build step. Every idiom is called the way a page calls it (live globals, nothing captured
 * early): what the page sees IS the answer. An idiom that throws records { threw: "<Name>: <message>" }.
 * The page origin (its port changes between runs) is written as <origin> in every string.
 */
(function () {
  'use strict';
  var T = window.__transparency; // created by the first inline script of the page (with the window snapshot)
  var answers = T.answers;
  var origin = location.origin;
  var port = location.port;
  T.refs = {}; // the page's own references to what it created, by subject label
  T.information = {}; // informational answers (reported by the test, never required to match): error stacks
  T.currentMoment = 'head-top';

  // ---------------------------------------------------------------- serialization

  function norm(s) {
    var out = String(s).split(origin).join('<origin>');
    return port ? out.split('127.0.0.1:' + port).join('127.0.0.1:<port>') : out;
  }

  function errText(e) {
    try {
      if (e && typeof e === 'object' && 'message' in e) return norm(e.name + ': ' + e.message);
      return norm('(non-error) ' + String(e));
    } catch (_) {
      return '(unprintable)';
    }
  }

  function tagOf(v) {
    try {
      return Object.prototype.toString.call(v);
    } catch (e) {
      return '(threw ' + errText(e) + ')';
    }
  }

  /** A JSON-safe picture of any value; `depth` bounds nested objects. */
  function ser(v, depth) {
    if (depth === undefined) depth = 8;
    switch (typeof v) {
      case 'undefined':
        return { $: 'undefined' };
      case 'boolean':
        return v;
      case 'string':
        return norm(v);
      case 'number':
        if (v !== v) return { $: 'NaN' };
        if (v === Infinity || v === -Infinity) return { $: String(v) };
        if (v === 0 && 1 / v < 0) return { $: '-0' };
        return v;
      case 'bigint':
        return { $: 'bigint', v: String(v) };
      case 'symbol':
        return { $: 'symbol', v: norm(String(v)) };
      case 'function':
        return { $: 'function' }; // functions are probed idiom by idiom (fnIdioms), never summarized here
    }
    if (v === null) return null;
    if (Array.isArray(v))
      return depth <= 0
        ? { $: 'array', length: v.length }
        : v.map(function (x) {
            return ser(x, depth - 1);
          });
    var tag = tagOf(v);
    if (tag === '[object Date]') return { $: 'Date', v: v.getTime() };
    if (tag === '[object Map]')
      return {
        $: 'Map',
        entries:
          depth <= 0
            ? v.size
            : Array.from(v.entries()).map(function (e) {
                return ser(e, depth - 1);
              }),
      };
    if (tag === '[object Set]')
      return {
        $: 'Set',
        values:
          depth <= 0
            ? v.size
            : Array.from(v.values()).map(function (e) {
                return ser(e, depth - 1);
              }),
      };
    if (v instanceof Error) return { $: 'Error', v: errText(v) };
    // Plain objects (the records this page builds) stay plain; other objects say what they are.
    var proto = Object.getPrototypeOf(v);
    var plain = tag === '[object Object]' && (proto === Object.prototype || proto === null);
    var out = plain ? {} : { $: 'object', tag: tag };
    if (depth <= 0) return plain ? { $: 'object', tag: tag, truncated: true } : out;
    var props = plain ? out : (out.props = {});
    Object.keys(v).forEach(function (k) {
      var d = Object.getOwnPropertyDescriptor(v, k);
      props[k] = d && 'value' in d ? ser(d.value, depth - 1) : { $: 'accessor' };
    });
    return out;
  }

  /** A property descriptor as attributes, kind and the type of what it holds (getters are not run). */
  function desc(d) {
    if (d === undefined) return { $: 'undefined' };
    if ('value' in d || 'writable' in d) {
      return {
        kind: 'data',
        writable: d.writable,
        enumerable: d.enumerable,
        configurable: d.configurable,
        valueType: d.value === null ? 'null' : typeof d.value,
      };
    }
    return {
      kind: 'accessor',
      enumerable: d.enumerable,
      configurable: d.configurable,
      get: typeof d.get,
      set: typeof d.set,
    };
  }

  function harnessError(where, e) {
    T.harnessErrors.push(norm(where + ': ' + errText(e)));
  }

  /** Records one answer: the value fn() returns, or what it threw. */
  function rec(key, fn) {
    var value;
    try {
      value = ser(fn());
    } catch (e) {
      value = { threw: errText(e) };
    }
    if (Object.prototype.hasOwnProperty.call(answers, key)) harnessError('duplicate answer key', new Error(key));
    answers[key] = value;
  }

  /** Records an informational answer (not required to match; see T.information). */
  function info(key, fn) {
    try {
      T.information[key] = ser(fn());
    } catch (e) {
      T.information[key] = { threw: errText(e) };
    }
  }

  function isObj(v) {
    return v !== null && (typeof v === 'object' || typeof v === 'function');
  }

  function forInKeys(o) {
    var out = [];
    for (var k in o) out.push(k);
    return out;
  }

  function isNativeSource(fn) {
    return /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(fn));
  }

  function protoKind(o) {
    var p = Object.getPrototypeOf(o);
    if (p === null) return 'null';
    if (p === Object.prototype) return 'Object.prototype';
    if (p === Function.prototype) return 'Function.prototype';
    if (p === Array.prototype) return 'Array.prototype';
    var AsyncFunction = Object.getPrototypeOf(async function () {});
    if (p === AsyncFunction) return 'AsyncFunction.prototype';
    return 'other: ' + tagOf(p);
  }

  /** Own property descriptors of `o`, in the order getOwnPropertyNames gives them. */
  function descriptorsOf(o) {
    var out = {};
    Object.getOwnPropertyNames(o).forEach(function (k) {
      out[k] = desc(Object.getOwnPropertyDescriptor(o, k));
    });
    return out;
  }

  // ---------------------------------------------------------------- idiom sets

  /** What feature detection sees of a function value. `construct`: also try `new fn()` (natives only). */
  function fnIdioms(prefix, read, construct) {
    rec(prefix + '/Function.prototype.toString.call', function () {
      return Function.prototype.toString.call(read());
    });
    rec(prefix + '/String()', function () {
      return String(read());
    });
    rec(prefix + '/.toString()', function () {
      return read().toString();
    });
    rec(prefix + '/includes-native-code', function () {
      return Function.prototype.toString.call(read()).indexOf('[native code]') !== -1;
    });
    rec(prefix + '/name', function () {
      return read().name;
    });
    rec(prefix + '/length', function () {
      return read().length;
    });
    rec(prefix + '/prototype-in', function () {
      return 'prototype' in read();
    });
    rec(prefix + '/own-names-sorted', function () {
      return Object.getOwnPropertyNames(read()).sort();
    });
    rec(prefix + '/own-names', function () {
      return Object.getOwnPropertyNames(read());
    });
    rec(prefix + '/own-symbols', function () {
      return Object.getOwnPropertySymbols(read()).map(String);
    });
    rec(prefix + '/own-descriptors', function () {
      return descriptorsOf(read());
    });
    rec(prefix + '/Object.prototype.toString', function () {
      return tagOf(read());
    });
    rec(prefix + '/getPrototypeOf', function () {
      return protoKind(read());
    });
    rec(prefix + '/toString-is-inherited', function () {
      return read().toString === Function.prototype.toString;
    });
    rec(prefix + '/function-same-on-two-reads', function () {
      return read() === read();
    });
    if (construct) {
      rec(prefix + '/new-without-arguments', function () {
        var F = read();
        try {
          var made = new F();
          return { constructed: true, tag: tagOf(made) };
        } catch (e) {
          return { constructed: false, ctor: e && e.constructor && e.constructor.name, error: errText(e) };
        }
      });
      rec(prefix + '/call-without-this', function () {
        var F = read();
        try {
          var r = F.call(undefined);
          // fetch() without a URL returns a rejected promise: handle it here, it is not the promise test.
          if (r && typeof r.then === 'function') r.then(null, function () {});
          return { threw: false, returned: tagOf(r) };
        } catch (e) {
          return { threw: true, ctor: e && e.constructor && e.constructor.name, error: errText(e) };
        }
      });
    }
  }

  /** The ways a page asks whether `holder[key]` exists, and what it is. */
  function propIdioms(prefix, holder, key) {
    rec(prefix + '/in', function () {
      return key in holder;
    });
    rec(prefix + '/hasOwnProperty', function () {
      return Object.prototype.hasOwnProperty.call(holder, key);
    });
    rec(prefix + '/Object.hasOwn', function () {
      return Object.hasOwn(holder, key);
    });
    rec(prefix + '/typeof', function () {
      return typeof holder[key];
    });
    rec(prefix + '/truthy', function () {
      return !!holder[key];
    });
    rec(prefix + '/descriptor', function () {
      return desc(Object.getOwnPropertyDescriptor(holder, key));
    });
    rec(prefix + '/same-on-two-reads', function () {
      return holder[key] === holder[key];
    });
    rec(prefix + '/propertyIsEnumerable', function () {
      return Object.prototype.propertyIsEnumerable.call(holder, key);
    });
  }

  /** What enumeration and serialization see of an object value. */
  function objectIdioms(prefix, value) {
    rec(prefix + '/Object.keys', function () {
      return Object.keys(value);
    });
    rec(prefix + '/own-names', function () {
      return Object.getOwnPropertyNames(value);
    });
    rec(prefix + '/own-symbols', function () {
      return Object.getOwnPropertySymbols(value).map(String);
    });
    rec(prefix + '/Reflect.ownKeys', function () {
      return Reflect.ownKeys(value).map(String);
    });
    rec(prefix + '/own-descriptors', function () {
      return descriptorsOf(value);
    });
    rec(prefix + '/for-in', function () {
      return forInKeys(value);
    });
    rec(prefix + '/JSON.stringify', function () {
      return JSON.stringify(value);
    });
    rec(prefix + '/spread-keys', function () {
      return Object.keys(Object.assign({}, value));
    });
    rec(prefix + '/Object.entries-types', function () {
      return Object.entries(value).map(function (e) {
        return [e[0], typeof e[1]];
      });
    });
    rec(prefix + '/Object.prototype.toString', function () {
      return tagOf(value);
    });
    rec(prefix + '/getPrototypeOf', function () {
      return protoKind(value);
    });
    rec(prefix + '/isExtensible', function () {
      return Object.isExtensible(value);
    });
    rec(prefix + '/isFrozen', function () {
      return Object.isFrozen(value);
    });
  }

  // ---------------------------------------------------------------- subjects

  var SDK_PATH = ['Microsoft', 'Omnichannel', 'LiveChatWidget', 'SDK'];
  /** [label, path of the holder from window, key]. Members the page never defines are probed too. */
  var SUBJECTS = [
    ['Microsoft', [], 'Microsoft'],
    ['Microsoft.CRM', ['Microsoft'], 'CRM'],
    ['Microsoft.Dynamic365', ['Microsoft'], 'Dynamic365'],
    ['Microsoft.Site', ['Microsoft'], 'Site'],
    ['Microsoft.NotThere', ['Microsoft'], 'NotThere'],
    ['Microsoft.Omnichannel', ['Microsoft'], 'Omnichannel'],
    ['Microsoft.Omnichannel.LiveChatWidget', ['Microsoft', 'Omnichannel'], 'LiveChatWidget'],
    ['Microsoft.Omnichannel.LiveChatWidget.SDK', ['Microsoft', 'Omnichannel', 'LiveChatWidget'], 'SDK'],
    ['SDK.startChat', SDK_PATH, 'startChat'],
    ['SDK.setAuthTokenProvider', SDK_PATH, 'setAuthTokenProvider'],
    ['SDK.getAuthTokenProvider', SDK_PATH, 'getAuthTokenProvider'],
    ['SDK.setContextProvider', SDK_PATH, 'setContextProvider'],
    ['SDK.startProactiveChat', SDK_PATH, 'startProactiveChat'],
    ['SDK.getAgentAvailability', SDK_PATH, 'getAgentAvailability'],
    ['SDK.closeChat', SDK_PATH, 'closeChat'], // a documented member this page never defines
    ['SDK.renderCustomPanel', SDK_PATH, 'renderCustomPanel'], // a member no hook knows by name
    ['WebChat', [], 'WebChat'],
    ['WebChat.createStore', ['WebChat'], 'createStore'],
    ['WebChat.createDirectLine', ['WebChat'], 'createDirectLine'],
    ['WebChat.renderWebChat', ['WebChat'], 'renderWebChat'],
    ['WebChat.createStoreWithOptions', ['WebChat'], 'createStoreWithOptions'], // never defined
    ['WebChat.buildInfo', ['WebChat'], 'buildInfo'],
    ['Observable', [], 'Observable'],
    ['auth', [], 'auth'],
    ['auth.getAuthenticationToken', ['auth'], 'getAuthenticationToken'],
    ['NotThere', [], 'NotThere'],
  ];

  /** The holder at `path` below window, or a description of why there is none. */
  function resolve(path) {
    var o = window;
    for (var i = 0; i < path.length; i++) {
      var next = o[path[i]];
      if (!isObj(next))
        return { missing: path.slice(0, i + 1).join('.') + ' is ' + (next === null ? 'null' : typeof next) };
      o = next;
    }
    return { holder: o };
  }

  /** Every subject: existence idioms on its holder, then object or function idioms on its value. */
  function probeSubjects(m) {
    SUBJECTS.forEach(function (s) {
      var label = s[0];
      var prefix = m + '/' + label;
      var r;
      try {
        r = resolve(s[1]);
      } catch (e) {
        r = { missing: 'reading the holder threw ' + errText(e) };
      }
      if (!r.holder) {
        rec(prefix + '/holder', function () {
          return r.missing;
        });
        return;
      }
      var holder = r.holder;
      var key = s[2];
      propIdioms(prefix, holder, key);
      var value;
      try {
        value = holder[key];
      } catch (e) {
        return;
      }
      if (Object.prototype.hasOwnProperty.call(T.refs, label)) {
        rec(prefix + '/same-as-page-reference', function () {
          return holder[key] === T.refs[label];
        });
      }
      if (typeof value === 'function')
        fnIdioms(
          prefix,
          function () {
            return holder[key];
          },
          false,
        );
      else if (isObj(value)) objectIdioms(prefix, value);
      else
        rec(prefix + '/value', function () {
          return value;
        });
    });
  }

  // ---------------------------------------------------------------- window's own keys

  var start = T.start; // { names, symbols } taken by the first inline script

  function nonStandard(name) {
    var d = Object.getOwnPropertyDescriptor(window, name);
    if (!d) return null;
    if (d.get || d.set) {
      var getNative = !d.get || isNativeSource(d.get);
      var setNative = !d.set || isNativeSource(d.set);
      return getNative && setNative
        ? null
        : { name: name, descriptor: desc(d), getNative: getNative, setNative: setNative };
    }
    if (typeof d.value === 'function' && !isNativeSource(d.value))
      return { name: name, descriptor: desc(d), native: false };
    return null;
  }

  /** The window idioms: own keys at the top of <head> (not the whole list: see T.start) and what changed since. */
  function probeWindow(m) {
    var names = Object.getOwnPropertyNames(window);
    var WATCHED = [
      'fetch',
      'XMLHttpRequest',
      'WebSocket',
      'BroadcastChannel',
      'EventTarget',
      'Function',
      'setTimeout',
      'setInterval',
      'Microsoft',
      'WebChat',
      'Observable',
      'auth',
    ];
    rec(m + '/window/own-symbols', function () {
      return Object.getOwnPropertySymbols(window).map(String);
    });
    rec(m + '/window/own-names-count', function () {
      return names.length;
    });
    rec(m + '/window/index-in-own-names', function () {
      var out = {};
      WATCHED.forEach(function (n) {
        out[n] = names.indexOf(n);
      });
      return out;
    });
    rec(m + '/window/nonstandard-own-names', function () {
      // Accessors with a non-native getter or setter, and data properties holding non-native functions.
      return names
        .map(function (n) {
          try {
            return nonStandard(n);
          } catch (e) {
            return { name: n, threw: errText(e) };
          }
        })
        .filter(Boolean);
    });
    rec(m + '/window/Object.keys-count', function () {
      return Object.keys(window).length;
    });
    if (m === 'head-top') return;
    rec(m + '/window/own-names-added-since-head-top', function () {
      return names.filter(function (n) {
        return start.names.indexOf(n) === -1;
      });
    });
    rec(m + '/window/own-names-removed-since-head-top', function () {
      return start.names.filter(function (n) {
        return names.indexOf(n) === -1;
      });
    });
    rec(m + '/window/Object.keys-added-since-head-top', function () {
      return Object.keys(window).filter(function (n) {
        return start.names.indexOf(n) === -1;
      });
    });
    rec(m + '/window/own-symbols-at-head-top', function () {
      return start.symbols.map(String);
    });
  }

  // ---------------------------------------------------------------- natives the hook wraps

  /** [label, holder getter, key, try `new`]. */
  var NATIVES = [
    [
      'fetch',
      function () {
        return window;
      },
      'fetch',
      true,
    ],
    [
      'XMLHttpRequest.prototype.open',
      function () {
        return XMLHttpRequest.prototype;
      },
      'open',
      true,
    ],
    [
      'XMLHttpRequest.prototype.send',
      function () {
        return XMLHttpRequest.prototype;
      },
      'send',
      true,
    ],
    [
      'XMLHttpRequest.prototype.setRequestHeader',
      function () {
        return XMLHttpRequest.prototype;
      },
      'setRequestHeader',
      true,
    ],
    [
      'WebSocket',
      function () {
        return window;
      },
      'WebSocket',
      true,
    ],
    [
      'BroadcastChannel',
      function () {
        return window;
      },
      'BroadcastChannel',
      true,
    ],
    [
      'BroadcastChannel.prototype.postMessage',
      function () {
        return BroadcastChannel.prototype;
      },
      'postMessage',
      true,
    ],
    [
      'EventTarget.prototype.dispatchEvent',
      function () {
        return EventTarget.prototype;
      },
      'dispatchEvent',
      true,
    ],
    [
      'Function.prototype.toString',
      function () {
        return Function.prototype;
      },
      'toString',
      true,
    ],
    // toString of toString: the holder is toString itself (an inherited read)
    [
      'Function.prototype.toString.toString',
      function () {
        return Function.prototype.toString;
      },
      'toString',
      false,
    ],
    [
      'setTimeout',
      function () {
        return window;
      },
      'setTimeout',
      true,
    ],
    [
      'setInterval',
      function () {
        return window;
      },
      'setInterval',
      true,
    ],
    // Controls: natives no hook should touch.
    [
      'XMLHttpRequest',
      function () {
        return window;
      },
      'XMLHttpRequest',
      false,
    ],
    [
      'EventTarget.prototype.addEventListener',
      function () {
        return EventTarget.prototype;
      },
      'addEventListener',
      false,
    ],
    [
      'Promise.prototype.then',
      function () {
        return Promise.prototype;
      },
      'then',
      false,
    ],
    [
      'Object.defineProperty',
      function () {
        return Object;
      },
      'defineProperty',
      false,
    ],
    [
      'Reflect.apply',
      function () {
        return Reflect;
      },
      'apply',
      false,
    ],
    [
      'CustomEvent',
      function () {
        return window;
      },
      'CustomEvent',
      false,
    ],
    [
      'Response.prototype.clone',
      function () {
        return Response.prototype;
      },
      'clone',
      false,
    ],
    [
      'clearTimeout',
      function () {
        return window;
      },
      'clearTimeout',
      false,
    ],
    [
      'queueMicrotask',
      function () {
        return window;
      },
      'queueMicrotask',
      false,
    ],
    [
      'MutationObserver',
      function () {
        return window;
      },
      'MutationObserver',
      false,
    ],
    [
      'Promise',
      function () {
        return window;
      },
      'Promise',
      false,
    ],
  ];

  var PROTOTYPES = [
    [
      'XMLHttpRequest.prototype',
      function () {
        return XMLHttpRequest.prototype;
      },
    ],
    [
      'WebSocket.prototype',
      function () {
        return WebSocket.prototype;
      },
    ],
    [
      'BroadcastChannel.prototype',
      function () {
        return BroadcastChannel.prototype;
      },
    ],
    [
      'EventTarget.prototype',
      function () {
        return EventTarget.prototype;
      },
    ],
    [
      'Function.prototype',
      function () {
        return Function.prototype;
      },
    ],
  ];

  function probeNatives(m) {
    NATIVES.forEach(function (n) {
      var prefix = m + '/native/' + n[0];
      var holder;
      try {
        holder = n[1]();
      } catch (e) {
        rec(prefix + '/holder', function () {
          throw e;
        });
        return;
      }
      rec(prefix + '/holder-descriptor', function () {
        return desc(Object.getOwnPropertyDescriptor(holder, n[2]));
      });
      rec(prefix + '/holder-hasOwnProperty', function () {
        return Object.prototype.hasOwnProperty.call(holder, n[2]);
      });
      rec(prefix + '/typeof', function () {
        return typeof holder[n[2]];
      });
      fnIdioms(
        prefix,
        function () {
          return holder[n[2]];
        },
        n[3],
      );
    });
    PROTOTYPES.forEach(function (p) {
      var prefix = m + '/native/' + p[0];
      rec(prefix + '/own-names', function () {
        return Object.getOwnPropertyNames(p[1]());
      });
      rec(prefix + '/own-symbols', function () {
        return Object.getOwnPropertySymbols(p[1]()).map(String);
      });
      rec(prefix + '/Object.keys', function () {
        return Object.keys(p[1]());
      });
    });
    var k = m + '/native/';
    rec(k + 'WebSocket.prototype.constructor === WebSocket', function () {
      return WebSocket.prototype.constructor === WebSocket;
    });
    rec(k + 'BroadcastChannel.prototype.constructor === BroadcastChannel', function () {
      return BroadcastChannel.prototype.constructor === BroadcastChannel;
    });
    rec(k + 'XMLHttpRequest.prototype.constructor === XMLHttpRequest', function () {
      return XMLHttpRequest.prototype.constructor === XMLHttpRequest;
    });
    rec(k + 'WebSocket statics', function () {
      return {
        CONNECTING: WebSocket.CONNECTING,
        OPEN: WebSocket.OPEN,
        CLOSING: WebSocket.CLOSING,
        CLOSED: WebSocket.CLOSED,
        protoOPEN: WebSocket.prototype.OPEN,
      };
    });
    rec(k + 'WebSocket prototype descriptor', function () {
      return desc(Object.getOwnPropertyDescriptor(WebSocket, 'prototype'));
    });
    rec(k + 'WebSocket.prototype identity', function () {
      return Object.getPrototypeOf(WebSocket.prototype) === EventTarget.prototype;
    });
    rec(k + 'getPrototypeOf(WebSocket) === EventTarget', function () {
      return Object.getPrototypeOf(WebSocket) === EventTarget;
    });
    rec(k + 'getPrototypeOf(BroadcastChannel) === EventTarget', function () {
      return Object.getPrototypeOf(BroadcastChannel) === EventTarget;
    });
    rec(k + 'new WebSocket(port 1)', function () {
      var ws = new WebSocket('ws://127.0.0.1:1/');
      try {
        return {
          instanceofWebSocket: ws instanceof WebSocket,
          instanceofEventTarget: ws instanceof EventTarget,
          protoIsWebSocketPrototype: Object.getPrototypeOf(ws) === WebSocket.prototype,
          constructorIsWebSocket: ws.constructor === WebSocket,
          ownNames: Object.getOwnPropertyNames(ws),
          ownSymbols: Object.getOwnPropertySymbols(ws).map(String),
          readyState: ws.readyState,
          url: ws.url,
          tag: tagOf(ws),
        };
      } finally {
        ws.close();
      }
    });
    rec(k + 'new BroadcastChannel', function () {
      var bc = new BroadcastChannel('transparency-probe-' + m);
      try {
        return {
          protoIsBroadcastChannelPrototype: Object.getPrototypeOf(bc) === BroadcastChannel.prototype,
          instanceofBroadcastChannel: bc instanceof BroadcastChannel,
          constructorIsBroadcastChannel: bc.constructor === BroadcastChannel,
          ownNames: Object.getOwnPropertyNames(bc),
          name: bc.name,
          tag: tagOf(bc),
        };
      } finally {
        bc.close();
      }
    });
    rec(k + 'class extends WebSocket', function () {
      class ReconnectingSocket extends WebSocket {}
      var ws = new ReconnectingSocket('ws://127.0.0.1:1/');
      try {
        return {
          own: ws instanceof ReconnectingSocket,
          base: ws instanceof WebSocket,
          proto: Object.getPrototypeOf(ws) === ReconnectingSocket.prototype,
          statics: ReconnectingSocket.OPEN,
        };
      } finally {
        ws.close();
      }
    });
    rec(k + 'class extends BroadcastChannel', function () {
      class Bus extends BroadcastChannel {}
      var bc = new Bus('transparency-subclass-' + m);
      try {
        return {
          own: bc instanceof Bus,
          base: bc instanceof BroadcastChannel,
          proto: Object.getPrototypeOf(bc) === Bus.prototype,
        };
      } finally {
        bc.close();
      }
    });
    rec(k + 'Reflect.construct(WebSocket, [url], Object)', function () {
      var ws = Reflect.construct(WebSocket, ['ws://127.0.0.1:1/'], Object);
      try {
        return { tag: tagOf(ws), protoIsObjectPrototype: Object.getPrototypeOf(ws) === Object.prototype };
      } finally {
        WebSocket.prototype.close.call(ws);
      }
    });
    rec(k + 'fetch returns a Promise', function () {
      var p = fetch('data:text/plain,transparency');
      return {
        instanceofPromise: p instanceof Promise,
        protoIsPromisePrototype: Object.getPrototypeOf(p) === Promise.prototype,
        constructorIsPromise: p.constructor === Promise,
        tag: tagOf(p),
      };
    });
    rec(k + 'Function.prototype.toString.call on non-functions', function () {
      return [{}, null, 1, 'x'].map(function (v) {
        try {
          return Function.prototype.toString.call(v);
        } catch (e) {
          return { ctor: e.constructor.name, error: errText(e) };
        }
      });
    });
    rec(k + 'toString of assorted functions', function () {
      var bound = function boundTarget(a, b) {
        return a + b;
      }.bind(null);
      var getter = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie').get;
      return [
        Math.max,
        bound,
        getter,
        class Widget {
          render() {}
        },
        async function a() {},
        function* g() {},
        (x) => x,
        { method(_y) {} }.method,
      ].map(function (f) {
        return Function.prototype.toString.call(f);
      });
    });
    rec(k + 'XMLHttpRequest.prototype.open.call({})', function () {
      try {
        XMLHttpRequest.prototype.open.call({}, 'GET', '/');
        return 'no error';
      } catch (e) {
        info(m + '/native/XMLHttpRequest.prototype.open.call({})/stack', function () {
          return e.stack;
        });
        return { ctor: e.constructor.name, error: errText(e) };
      }
    });
    rec(k + 'dispatchEvent.call(null)', function () {
      try {
        EventTarget.prototype.dispatchEvent.call(null, new Event('x'));
        return 'no error';
      } catch (e) {
        info(m + '/native/dispatchEvent.call(null)/stack', function () {
          return e.stack;
        });
        return { ctor: e.constructor.name, error: errText(e) };
      }
    });
    rec(k + 'BroadcastChannel.prototype.postMessage.call({})', function () {
      try {
        BroadcastChannel.prototype.postMessage.call({}, 1);
        return 'no error';
      } catch (e) {
        info(m + '/native/BroadcastChannel.prototype.postMessage.call({})/stack', function () {
          return e.stack;
        });
        return { ctor: e.constructor.name, error: errText(e) };
      }
    });
  }

  // ---------------------------------------------------------------- uncaught errors

  var uncaught = [];
  var reportedUncaught = 0;
  window.addEventListener('error', function (e) {
    var file = String(e.filename || '')
      .split('/')
      .pop();
    uncaught.push({
      moment: T.currentMoment,
      file: file,
      line: e.lineno,
      message: norm(e.message),
      error: e.error === undefined ? null : errText(e.error),
    });
  });

  // ---------------------------------------------------------------- public API of the page

  /** Records everything a moment looks at. `what`: which idiom sets beyond the subjects. */
  T.moment = function (m, what) {
    what = what || {};
    try {
      rec(m + '/uncaught-errors-since-last-moment', function () {
        return uncaught.slice(reportedUncaught);
      });
      reportedUncaught = uncaught.length;
      T.currentMoment = m;
      probeSubjects(m);
      if (what.window) probeWindow(m);
      if (what.natives) probeNatives(m);
    } catch (e) {
      harnessError('moment ' + m, e);
    }
  };

  /** A quick look at the SDK between two member assignments (the bootstrapper assigns them one at a time). */
  T.sdkStep = function (step, sdk) {
    var p = 'in-bootstrapper/sdk-step/' + step;
    rec(p + '/Object.keys', function () {
      return Object.keys(sdk);
    });
    rec(p + '/own-names', function () {
      return Object.getOwnPropertyNames(sdk);
    });
    rec(p + '/own-descriptors', function () {
      return descriptorsOf(sdk);
    });
    rec(p + '/in', function () {
      return ['startChat', 'setAuthTokenProvider', 'getAuthTokenProvider', 'closeChat', 'renderCustomPanel'].map(
        function (k) {
          return k in sdk;
        },
      );
    });
    rec(p + '/JSON.stringify', function () {
      return JSON.stringify(sdk);
    });
  };

  T.rec = rec;
  T.recInfo = info;
  T.ser = ser;
  T.norm = norm;
  T.errText = errText;
  T.desc = desc;
  T.fnIdioms = fnIdioms;
  T.objectIdioms = objectIdioms;
  T.tagOf = tagOf;
  T.uncaught = uncaught;
  T.harnessError = harnessError;
})();
