/*
 * SIMULATOR — not Microsoft code. It imitates the documented *page contract* of the
 * Dynamics 365 Omnichannel live chat widget (LCW) so the inspector can be demonstrated
 * and tested on 127.0.0.1:
 *   - loads asynchronously (awaits a config request) and builds
 *     window.Microsoft.Omnichannel.LiveChatWidget.SDK by reusing existing namespace
 *     objects and assigning methods one at a time, as the v1 bootstrapper does;
 *   - raises lcw:ready, lcw:startChat, lcw:chatQueued, lcw:error ({errorCode, errorDescription}),
 *     lcw:signInCardReceived ({sasUrl});
 *   - on startChat, calls the auth token provider with a callback and enforces the documented
 *     10 s rule (error code 3 on timeout: the docs name no code, 3 is the nearest; an assumption);
 *   - checks the token like LCW 2.0's client (3 segments, decodable, not expired) and, as the
 *     service would, requires RS256 (code 4 otherwise);
 *   - shows a bot sign-in card: calls every bot auth token provider with botTokenUrl, and hides the
 *     card only if callback({show:false}) arrives within the widget's ~2 s window.
 * Error codes: https://learn.microsoft.com/en-us/dynamics365/customer-service/develop/reference/error-code-reference
 */
(async function () {
  'use strict';
  var AUTH_BUDGET_MS = 10000;
  var BOT_WINDOW_MS = 2000;
  var ERRORS = {
    1: 'Custom context provider method execution failed',
    2: 'Auth token provider method execution failed',
    3: "Auth token provider didn't provide any token",
    4: 'Auth token provider provided invalid token',
    7: 'Live chat widget scripts failed to load',
    8: 'Auth function cannot be found on webpage',
  };
  var script = document.getElementById('Microsoft_Omnichannel_LCWidget');
  var sim = (window.__sim = window.__sim || { measurements: [], log: [], done: false });
  function log(text) {
    sim.log.push(text);
    var out = document.getElementById('sim-log');
    if (out) out.textContent += text + '\n';
  }
  function raise(name, detail) {
    log('widget raised ' + name + (detail ? ' ' + JSON.stringify(detail) : ''));
    window.dispatchEvent(detail === undefined ? new CustomEvent(name) : new CustomEvent(name, { detail: detail }));
  }
  function raiseError(code, extra) {
    raise('lcw:error', Object.assign({ errorCode: code, errorDescription: ERRORS[code] }, extra || {}));
  }

  // Asynchronous like the real bootstrapper (which awaits lcwfcsdetails before building the SDK).
  var config = await (
    await fetch('/omnichannel/widget-config?' + new URLSearchParams({ appId: script.dataset.appId || '' }))
  ).json();
  await new Promise(function (r) {
    setTimeout(r, 30);
  });
  // The real widget renders long after the page's own scripts ran; wait for load so lcw:ready never races them.
  if (document.readyState !== 'complete')
    await new Promise(function (r) {
      window.addEventListener('load', r, { once: true });
    });
  if (config.scriptsFail) {
    raiseError(7, { errorDetail: 'Simulated: browser storage is disabled' });
    sim.done = true;
    return;
  }

  var state = { authProvider: null, contextProvider: null, botProviders: [], chatStarted: false };

  // Namespace reuse, v1 style: existing objects are kept, members assigned one at a time.
  var Microsoft = window.Microsoft || (window.Microsoft = {});
  var Omnichannel = Microsoft.Omnichannel || (Microsoft.Omnichannel = {});
  var LiveChatWidget = Omnichannel.LiveChatWidget || (Omnichannel.LiveChatWidget = {});
  var SDK = LiveChatWidget.SDK || (LiveChatWidget.SDK = {});

  SDK.setAuthTokenProvider = function (provider) {
    if (typeof provider !== 'function') throw new TypeError('setAuthTokenProvider expects a function');
    state.authProvider = provider;
    SDK.getAuthTokenProvider = function () {
      return provider;
    };
    if (config.v1) {
      // LCW v1 (the public bootstrapper copy): call the provider now and read the token right after.
      state.v1Token = undefined;
      provider(function (token) {
        state.v1Token = token;
      });
      log('v1: token read at registration: ' + (state.v1Token === undefined ? 'undefined' : 'a token'));
      state.v1TokenAtRegistration = state.v1Token;
    }
  };
  SDK.getAuthTokenProvider = function () {
    return null;
  };
  SDK.removeAuthTokenProvider = function () {
    state.authProvider = null;
    SDK.getAuthTokenProvider = function () {
      return null;
    };
  };
  SDK.setContextProvider = function (provider) {
    state.contextProvider = provider;
    SDK.getContextProvider = function () {
      return provider;
    };
  };
  SDK.getContextProvider = function () {
    return null;
  };
  SDK.removeContextProvider = function () {
    state.contextProvider = null;
  };
  SDK.setBotAuthTokenProvider = function (provider) {
    // v1 adds one listener per registration: registering twice runs the provider twice per card.
    state.botProviders.push(provider);
  };
  SDK.getAgentAvailability = function () {
    var detail = {
      queueId: 'sim-queue',
      isQueueAvailable: true,
      isAgentAvailable: true,
      positionInQueue: 1,
      averageWaitTime: 30,
    };
    setTimeout(function () {
      raise('lcw:getAgentAvailability', detail);
    }, 0);
    return Promise.resolve(detail);
  };
  SDK.closeChat = function () {
    state.chatStarted = false;
    raise('lcw:closeChat');
  };
  SDK.startProactiveChat = function (notificationUIConfig) {
    log('proactive invitation: ' + JSON.stringify(notificationUIConfig));
  };
  SDK.startChat = function (options) {
    raise('lcw:startChat');
    if (state.contextProvider) {
      try {
        state.contextProvider();
      } catch (e) {
        raiseError(1);
        return finish();
      }
    }
    if (config.authFunctionName) {
      var fn = config.authFunctionName.split('.').reduce(function (o, k) {
        return o && o[k];
      }, window);
      if (typeof fn !== 'function') {
        raiseError(8, { errorDetail: 'Simulated: ' + config.authFunctionName + ' is not defined' });
        return finish();
      }
    }
    if (!state.authProvider) return chatQueued(options);
    if (config.v1) {
      // v1 posted whatever the provider had given synchronously at registration.
      if (typeof state.v1TokenAtRegistration !== 'string' || state.v1TokenAtRegistration === '') {
        raiseError(3, { errorDetail: 'Simulated v1: no token at registration' });
        return finish();
      }
      return chatQueued(options);
    }
    authenticate(options);
  };

  function authenticate(options) {
    var t0 = performance.now();
    var settled = false;
    var measurement = { kind: 'auth', calledBack: false, elapsedMs: null };
    sim.measurements.push(measurement);
    var timer = setTimeout(function () {
      if (settled) return;
      settled = true;
      log('no token within ' + AUTH_BUDGET_MS + ' ms');
      raiseError(3, { errorDetail: 'Simulated: no callback within 10 s' });
      finish();
    }, AUTH_BUDGET_MS);
    try {
      state.authProvider(function (token) {
        measurement.calledBack = true;
        measurement.elapsedMs = performance.now() - t0;
        log('auth callback after ' + measurement.elapsedMs.toFixed(1) + ' ms');
        if (settled) {
          log('token arrived after the timeout; ignored');
          return finish();
        }
        settled = true;
        clearTimeout(timer);
        if (typeof token !== 'string' || token === '') {
          raiseError(3);
          return finish();
        }
        var problem = checkToken(token);
        if (problem) {
          raiseError(4, { errorDetail: 'Simulated: ' + problem });
          return finish();
        }
        chatQueued(options);
      });
    } catch (e) {
      settled = true;
      clearTimeout(timer);
      measurement.threw = true;
      raiseError(2, { errorDetail: String(e && e.message) });
      finish();
    }
  }

  function b64url(s) {
    return atob(
      s
        .replace(/-/g, '+')
        .replace(/_/g, '/')
        .padEnd(Math.ceil(s.length / 4) * 4, '='),
    );
  }
  function checkToken(token) {
    var parts = token.split('.');
    if (parts.length !== 3) return 'Invalid token format, must be in JWT format';
    var header, payload;
    try {
      header = JSON.parse(b64url(parts[0]));
      payload = JSON.parse(b64url(parts[1]));
    } catch (e) {
      return 'Failed to decode authentication token';
    }
    if (typeof payload.exp === 'number' && payload.exp * 1000 < Date.now())
      return 'New authentication token is already expired';
    // The token is the page's: a header alg of {"toString": 0} must not break the simulated widget.
    if (header.alg !== 'RS256')
      return 'alg ' + (typeof header.alg === 'string' ? header.alg : JSON.stringify(header.alg)) + ' is not RS256';
    return null;
  }

  function chatQueued() {
    state.chatStarted = true;
    raise('lcw:chatQueued');
    if (config.signInCard) return showSignInCard(config.signInCard);
    finish();
  }

  function showSignInCard(card) {
    var sasUrl = card.sasUrl;
    var t0 = performance.now();
    var measurement = { kind: 'bot', signInId: card.signInId, show: null, elapsedMs: null, cardShown: null };
    sim.measurements.push(measurement);
    raise('lcw:signInCardReceived', { sasUrl: sasUrl });
    var decided = false;
    state.botProviders.forEach(function (provider) {
      try {
        Promise.resolve(
          provider(sasUrl, function (cfg) {
            measurement.elapsedMs = performance.now() - t0;
            measurement.show = cfg && cfg.show;
            log('bot callback({show: ' + (cfg && cfg.show) + '}) after ' + measurement.elapsedMs.toFixed(1) + ' ms');
          }),
        ).catch(function () {});
      } catch (e) {
        log('bot auth token provider threw: ' + e.message);
      }
    });
    setTimeout(function () {
      if (decided) return;
      decided = true;
      measurement.cardShown = measurement.show !== false;
      log('sign-in card ' + (measurement.cardShown ? 'SHOWN' : 'hidden'));
      var el = document.getElementById('sim-card');
      if (el) {
        el.hidden = !measurement.cardShown;
        el.textContent = measurement.cardShown ? 'Sign-in card (shown): "Please sign in to continue"' : '';
      }
      finish();
    }, BOT_WINDOW_MS);
  }

  function finish() {
    sim.done = true;
    var el = document.getElementById('sim-status');
    if (el) el.textContent = 'done';
  }

  if (config.readyDelayMs)
    await new Promise(function (r) {
      setTimeout(r, config.readyDelayMs);
    });
  raise('lcw:ready');
})();
