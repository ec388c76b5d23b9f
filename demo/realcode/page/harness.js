/*
 * BENCH HARNESS — not Microsoft code, not the site's code: the ground-truth recorder of /realcode/ pages.
 * The page's first script (classic, synchronous), so it sees every lcw:* event and every uncaught error.
 * It records what the REAL code did, independently of any browser extension, on window.__realcode:
 *
 *   window.__realcode = {
 *     version: 1, scenario, widgetId, finished,
 *     decisions: { …see the Decisions typedef in /realcode/scenarios.js: no timing, comparable across runs… },
 *     timings:   { …durations in ms, for humans and for budget checks; never compared exactly… },
 *     records:   { …raw records: bus events, cards, auth calls, Web Chat, server log… },
 *     log:       [ 'bench log lines' ],
 *   }
 *
 * The bundle (/realcode/dist/widget.js: the scripting-layer stand-in, Microsoft's packages and the in-bundle
 * recorder) writes its records into window.__realcode.records and calls window.__realcodeHarness.changed().
 */
(function () {
  'use strict';
  var LCW_EVENTS = [
    'lcw:ready',
    'lcw:startChat',
    'lcw:closeChat',
    'lcw:error',
    'lcw:chatQueued',
    'lcw:chatRetrieved',
    'lcw:onClose',
    'lcw:onMinimize',
    'lcw:onMaximize',
    'lcw:onNewMessage',
    'lcw:threadUpdate',
  ];
  var DECISION_EVENTS = [
    'SetBotAuthProviderHideCard',
    'SetBotAuthProviderDisplayCard',
    'SetBotAuthProviderNotFound',
    'BotAuthActivityEmptySasUrl',
    'BotAuthActivityUndefinedSignInId',
  ];
  var RENDER_TIMEOUT_MS = 5000;
  /**
   * The widget's BroadcastService delivers asynchronously (a native BroadcastChannel message; if its own echo is
   * late, its EventQueue re-posts locally after 500 ms). A run settles only after the bus has been quiet this long
   * since the start sequence ended, so that events posted just before a failure (the facade's
   * NewTokenValidationFailed, OnWidgetError) are in the ground truth.
   */
  var BUS_QUIET_MS = 700;
  /** The widget facade's token checks, as it broadcasts them (FacadeChatSDK.tokenRing, authHelper). */
  var WIDGET_AUTH_EVENTS = [
    'GetAuthTokenCalled',
    'NewTokenValidationStarted',
    'NewTokenValidationCompleted',
    'NewTokenValidationFailed',
    'ReceivedNullOrEmptyToken',
    'OnWidgetError',
  ];
  var params = new URLSearchParams(location.search);
  var rc = (window.__realcode = {
    version: 1,
    scenario: params.get('scenario'),
    widgetId: null,
    finished: false,
    decisions: null,
    timings: null,
    records: { lcw: [], errors: [], site: { pending: 0, notes: [] }, server: null },
    log: [],
  });
  var t0 = 0; // log times are performance.now() (ms since the page's time origin), like every t in records
  var finishing = false;
  var dirty = true;

  function now() {
    return performance.now();
  }
  function log(text) {
    var line = '+' + ((now() - t0) / 1000).toFixed(3) + ' s  ' + text;
    rc.log.push(line);
    var el = document.getElementById('rc-log');
    if (el) el.textContent += line + '\n';
  }

  LCW_EVENTS.forEach(function (name) {
    window.addEventListener(name, function (e) {
      var d = e.detail;
      var detail = d === undefined || d === null ? null : JSON.parse(JSON.stringify(d));
      rc.records.lcw.push({ t: now(), name: name, detail: detail });
      dirty = true;
    });
  });
  window.addEventListener('error', function (e) {
    var source = e.filename ? e.filename.replace(location.origin, '') : null;
    rc.records.errors.push({
      t: now(),
      type: 'error',
      name: String((e.error && e.error.name) || 'Error'),
      message: String((e.error && e.error.message) || e.message),
      source: source ? source + ':' + e.lineno : null,
    });
    // The bundle failed before the scripting layer could start the chat SDK: nothing more will happen.
    if (source && source.indexOf('/realcode/dist/widget.js') === 0 && !rc.records.sdk) rc.records.fatal = true;
    dirty = true;
  });
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    rc.records.errors.push({
      t: now(),
      type: 'unhandledrejection',
      name: String((r && r.name) || typeof r),
      message: String((r && r.message) || r),
    });
    dirty = true;
  });

  function lcwName(entry) {
    return entry.name === 'lcw:error' ? 'lcw:error(' + (entry.detail && entry.detail.errorCode) + ')' : entry.name;
  }

  function cardDecision(card, r) {
    var events = card.events || [];
    var names = events.map(function (e) {
      return e.eventName;
    });
    var decisionEvent = null;
    names.forEach(function (n) {
      if (DECISION_EVENTS.indexOf(n) >= 0) decisionEvent = n;
    });
    var calls = (r.botProviderCalls || []).filter(function (c) {
      return stateOf(c.sasUrl) === card.signInId;
    });
    var mine = card.hasSasUrl && calls.length > 0 && names.indexOf('SignInCardReceived') >= 0 ? calls[0] : null;
    return {
      decision: decisionEvent === 'SetBotAuthProviderHideCard' ? 'hidden' : decisionEvent ? 'shown' : 'dropped',
      widgetEvent: decisionEvent,
      signInCardReceived: names.indexOf('SignInCardReceived') >= 0,
      providerCalled: !!mine,
      callbackShow: mine && mine.callbackShow !== null && mine.callbackShow !== undefined ? mine.callbackShow : null,
      inWebChat: card.inWebChatAt !== undefined && card.inWebChatAt !== null,
      rendered: card.renderedAt !== undefined && card.renderedAt !== null,
    };
  }

  function stateOf(url) {
    try {
      return new URL(url).searchParams.get('state');
    } catch (e) {
      return null;
    }
  }

  function statusText(rec) {
    if (!rec) return null;
    return rec.status === 'ok' ? 'ok' : rec.status === 'error' ? rec.error : rec.status;
  }

  /** Decisions: what the real code decided (no timing). */
  function computeDecisions() {
    var r = rc.records;
    var sdk = r.sdk || {};
    var server = r.server || { connector: [], tokenPosts: [] };
    return {
      lcwEvents: r.lcw.map(lcwName),
      initialize: statusText(sdk.initialize) || 'not called',
      startChat: statusText(sdk.startChat),
      authClientCalls: (r.authCalls || []).map(function (c) {
        return c.outcome;
      }),
      widgetAuthEvents: (r.bus || [])
        .filter(function (e) {
          return WIDGET_AUTH_EVENTS.indexOf(e.eventName) >= 0;
        })
        .map(function (e) {
          var p = e.payload || {};
          if (e.eventName === 'NewTokenValidationFailed') return e.eventName + '(' + p.Description + ')';
          if (e.eventName === 'OnWidgetError')
            return (
              e.eventName +
              '(' +
              (typeof p.errorMessage === 'string' ? p.errorMessage : JSON.stringify(p.errorMessage)) +
              ')'
            );
          return e.eventName;
        }),
      connector: server.connector.map(function (c) {
        return (
          c.method + ' ' + c.endpoint + ' ' + c.status + (c.authenticatedUserToken ? ' +AuthenticatedUserToken' : '')
        );
      }),
      cards: (r.cards || []).map(function (c) {
        return cardDecision(c, r);
      }),
      tokenPosts: server.tokenPosts.map(function (p) {
        return p.status;
      }),
      webChat: r.webChatStarted ? 'rendered' : 'not started',
      // Type, error name and the script: engines word messages differently (the message is in records.errors).
      errors: r.errors.map(function (e) {
        return e.type + ': ' + e.name + (e.source ? ' in ' + e.source.replace(/:\d+$/, '') : '');
      }),
    };
  }

  /** Timings (ms since the page's time origin, or durations). Never part of the decisions. */
  function computeTimings() {
    var r = rc.records;
    var sdk = r.sdk || {};
    var dur = function (rec) {
      return rec && rec.t1 !== null && rec.t1 !== undefined ? rec.t1 - rec.t0 : null;
    };
    return {
      lcw: r.lcw.map(function (e) {
        return { name: lcwName(e), t: e.t };
      }),
      initializeMs: dur(sdk.initialize),
      startChatMs: dur(sdk.startChat),
      authClientCalls: (r.authCalls || []).map(function (c) {
        return {
          via: c.via,
          outcome: c.outcome,
          durationMs: c.t1 !== null ? c.t1 - c.t0 : null,
          lateCallbackMs: c.lateCallbackMs,
        };
      }),
      botProviderCalls: (r.botProviderCalls || []).map(function (c) {
        return { state: stateOf(c.sasUrl), callbackMs: c.callbackAt !== null ? c.callbackAt - c.t0 : null };
      }),
      cards: (r.cards || []).map(function (c) {
        var decision = (c.events || []).filter(function (e) {
          return DECISION_EVENTS.indexOf(e.eventName) >= 0;
        })[0];
        return {
          index: c.index,
          yieldedAt: c.yieldedAt,
          decisionMs: decision && c.yieldedAt !== null ? decision.t - c.yieldedAt : null,
          inWebChatMs:
            c.inWebChatAt !== undefined && c.inWebChatAt !== null && c.yieldedAt !== null
              ? c.inWebChatAt - c.yieldedAt
              : null,
          configRequests: (c.events || []).filter(function (e) {
            return e.eventName === 'BotAuthConfigRequest';
          }).length,
        };
      }),
      finishedAt: rc.finished ? now() : null,
    };
  }

  function checkRendered() {
    var cards = rc.records.cards || [];
    var root = document.getElementById('webchat');
    cards.forEach(function (c) {
      if (c.inWebChatAt === undefined || c.inWebChatAt === null || c.renderedAt) return;
      var buttons = root ? root.querySelectorAll('button, [role=button]') : [];
      for (var i = 0; i < buttons.length; i++) {
        if ((buttons[i].textContent || '').indexOf(c.buttonTitle) >= 0) {
          c.renderedAt = now();
          log('Web Chat rendered sign-in card ' + (c.index + 1));
          dirty = true;
          return;
        }
      }
    });
  }

  /** The run has settled when the start flow is over, every card is decided (and rendered if shown), and no page work is pending. */
  function settled() {
    var r = rc.records;
    if (r.fatal) return true;
    if (!r.sdk || !r.sdk.initialize || r.sdk.initialize.status === 'pending') return false;
    if (r.sdk.initialize.status === 'ok') {
      if (r.flow !== 'started') return false;
      if (r.webChatStarted && !r.acsScriptDone) return false;
    }
    if (r.site.pending > 0) return false;
    var bus = r.bus || [];
    var lastBus = bus.length ? bus[bus.length - 1].t : 0;
    if (now() - Math.max(r.flowEndedAt || 0, lastBus) < BUS_QUIET_MS) return false;
    if (r.scriptingLayerPending && r.scriptingLayerPending.n > 0) return false;
    var cards = r.cards || [];
    for (var i = 0; i < cards.length; i++) {
      var c = cards[i];
      if (c.settledAt === null || c.settledAt === undefined) return false;
      if (
        c.inWebChatAt !== undefined &&
        c.inWebChatAt !== null &&
        !c.renderedAt &&
        now() - c.inWebChatAt < RENDER_TIMEOUT_MS
      )
        return false;
    }
    return true;
  }

  function render() {
    var el = document.getElementById('rc-truth');
    if (el)
      el.textContent = JSON.stringify(
        { scenario: rc.scenario, finished: rc.finished, decisions: rc.decisions, timings: rc.timings },
        null,
        2,
      );
    var st = document.getElementById('rc-status');
    if (st) st.textContent = rc.finished ? 'finished' : 'running';
  }

  function tick() {
    if (rc.finished) return;
    checkRendered();
    if (!finishing && settled()) {
      finishing = true;
      // The stand-ins' server-side record: every livechatconnector request and token POST of this run.
      fetch('/realcode/api/runs/' + encodeURIComponent(rc.widgetId || 'unknown'))
        .then(function (res) {
          return res.json();
        })
        .then(function (server) {
          rc.records.server = { connector: server.connector || [], tokenPosts: server.tokenPosts || [] };
        })
        .catch(function (e) {
          rc.records.server = { connector: [], tokenPosts: [], error: String(e) };
        })
        .then(function () {
          rc.finished = true;
          rc.decisions = computeDecisions();
          rc.timings = computeTimings();
          log('finished');
          render();
        });
      return;
    }
    if (dirty) {
      dirty = false;
      rc.decisions = computeDecisions();
      rc.timings = computeTimings();
      render();
    }
    setTimeout(tick, 100);
  }

  window.__realcodeHarness = {
    log: log,
    changed: function () {
      dirty = true;
    },
    /** The site's code reports its own pending work (slow callbacks) so that the run waits for it. */
    sitePending: function (delta, note) {
      rc.records.site.pending += delta;
      if (note) rc.records.site.notes.push(note);
      dirty = true;
    },
  };

  document.addEventListener('DOMContentLoaded', function () {
    var snippet = document.getElementById('Microsoft_Omnichannel_LCWidget');
    rc.widgetId = snippet ? snippet.getAttribute('data-app-id') : null;
    log('page loaded; scenario ' + rc.scenario + ', widget id ' + rc.widgetId);
    tick();
  });
})();
