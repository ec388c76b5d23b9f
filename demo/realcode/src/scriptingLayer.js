/*
 * STAND-IN — not Microsoft code: the live chat SCRIPTING LAYER (LiveChatBootstrapper.js).
 *
 * Why: Microsoft ships that layer only as a closed-source script on its CDN (not on npm, not fetchable offline).
 * It is what a site's page talks to: `window.Microsoft.Omnichannel.LiveChatWidget.SDK` and the `lcw:*` window
 * events. Everything below it on this page is Microsoft's published code (see widgetHost.js).
 *
 * What this stand-in does, and nothing more:
 *   - loads asynchronously (an `async` script) and reads the snippet's data-app-id / data-org-id / data-org-url;
 *   - starts the widget's BroadcastService (BroadcastServiceInitialize(widgetId)), creates and initializes the
 *     real chat SDK (GET …/livechatconnector/config/…), then builds the page SDK by REUSING existing namespace
 *     objects (`window.Microsoft || (window.Microsoft = {})`, and so on down) and assigning its members one at a
 *     time, yielding to the event loop between them, and raises `lcw:ready` once the page has loaded;
 *   - SDK: setAuthTokenProvider, getAuthTokenProvider, removeAuthTokenProvider, setBotAuthTokenProvider,
 *     startChat (raises `lcw:startChat`, then runs the widget's start sequence), closeChat (`lcw:closeChat`);
 *   - getAuthToken for the chat SDK and for the widget's facade: the provider set with setAuthTokenProvider, else
 *     the function named by the config's LiveChatConfigAuthSettings.msdyn_javascriptclientfunction
 *     (e.g. `auth.getAuthenticationToken`), RESOLVED AT CALL TIME on `window`; it is called with a callback
 *     (the documented contract) and must call it with the token within 10 s. `lcw:error` {errorCode,
 *     errorDescription}: 8 when the function cannot be found, 2 when it throws, 3 when no token came within
 *     10 s or the token is empty. (The docs name the codes; which situation raises which is this stand-in's
 *     reading of them.) It does not check the token: the widget's facade does;
 *   - bot auth: on the widget's `SignInCardReceived` it calls the page's bot auth token provider with
 *     `(sasUrl, callback)` and remembers the last `show` the callback gave; it answers each
 *     `BotAuthConfigRequest` with `BotAuthConfigResponse` `{ response, functionIsSet }` (response = that last
 *     `show`). Until a callback has come it does not answer, so the widget's own retry window (3 tries,
 *     1 s apart in 1.8.3) decides.
 */
import 'core-js/proposals/observable'; // window.Observable, which Microsoft's ChatAdapterShim requires
import { BroadcastService, BroadcastServiceInitialize } from '@microsoft/omnichannel-chat-components';
import { bench } from './benchState.js';
import { recordBus } from './recorder.js';
import { createWidgetHost, errorName } from './widgetHost.js';

const AUTH_BUDGET_MS = 10_000;
const ERRORS = {
  2: 'Auth token provider method execution failed',
  3: "Auth token provider didn't provide any token",
  8: 'Auth function cannot be found on webpage',
};

const snippet = document.getElementById('Microsoft_Omnichannel_LCWidget') ?? document.currentScript;

function raise(name, detail) {
  bench.log(`scripting layer raised ${name}${detail ? ' ' + JSON.stringify(detail) : ''}`);
  window.dispatchEvent(detail === undefined ? new CustomEvent(name) : new CustomEvent(name, { detail }));
}
const raiseError = (code) => raise('lcw:error', { errorCode: code, errorDescription: ERRORS[code] });

/** `a.b.c` on window, read when called. */
function resolveName(name) {
  if (typeof name !== 'string' || !name) return undefined;
  return name.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), window);
}

function tokenShape(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not-jwt';
  try {
    const payload = JSON.parse(
      atob(
        parts[1]
          .replace(/-/g, '+')
          .replace(/_/g, '/')
          .padEnd(Math.ceil(parts[1].length / 4) * 4, '='),
      ),
    );
    return typeof payload.exp === 'number' && payload.exp * 1000 < Date.now() ? 'expired-jwt' : 'jwt';
  } catch {
    return 'not-jwt';
  }
}

(async function bootstrap() {
  const widgetId = snippet?.dataset.appId;
  const orgId = snippet?.dataset.orgId;
  const orgUrl = snippet?.dataset.orgUrl;
  const state = {
    authProvider: null,
    botProvider: null,
    lastShow: undefined,
    haveShow: false,
    unansweredRequests: 0,
    started: false,
  };
  const authCalls = (bench.records().authCalls = []);
  const botCalls = (bench.records().botProviderCalls = []);
  const pending = (bench.records().scriptingLayerPending = { n: 0 });

  // The widget's event bus, named after the widget id.
  BroadcastServiceInitialize(widgetId);
  recordBus();

  /** The scripting layer's getAuthToken (see the header). `via`: who asked (chat SDK or widget facade). */
  function getAuthToken(via, name) {
    const call = { via, name: name ?? null, outcome: 'pending', t0: performance.now(), t1: null, lateCallbackMs: null };
    authCalls.push(call);
    pending.n++;
    bench.changed();
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer;
      const settle = (outcome) => {
        settled = true;
        clearTimeout(timer);
        call.outcome = outcome;
        call.t1 = performance.now();
        if (outcome !== 'timeout') pending.n--;
        bench.changed();
      };
      const fn = state.authProvider ?? resolveName(name);
      if (typeof fn !== 'function') {
        settle('missing');
        raiseError(8);
        return reject(new Error(ERRORS[8]));
      }
      timer = setTimeout(() => {
        settle('timeout');
        raiseError(3);
        reject(new Error(ERRORS[3]));
      }, AUTH_BUDGET_MS);
      const callback = (token) => {
        if (settled) {
          if (call.outcome === 'timeout' && call.lateCallbackMs === null) {
            call.lateCallbackMs = performance.now() - call.t0;
            pending.n--;
            bench.log(
              `auth client function called back after ${(call.lateCallbackMs / 1000).toFixed(2)} s, too late: ignored`,
            );
            bench.changed();
          }
          return;
        }
        if (typeof token !== 'string' || token === '') {
          settle('token:empty');
          raiseError(3);
          return reject(new Error(ERRORS[3]));
        }
        settle(`token:${tokenShape(token)}`);
        resolve(token);
      };
      try {
        fn(callback);
      } catch (e) {
        if (settled) return;
        settle('threw');
        call.error = String(e?.message ?? e);
        raiseError(2);
        reject(new Error(ERRORS[2]));
      }
    });
  }

  // Bot auth: the widget asks the page through the scripting layer, on its BroadcastService.
  const seen = new Set();
  const once = (message) => {
    if (!message?.eventId) return true;
    if (seen.has(message.eventId)) return false;
    seen.add(message.eventId);
    return true;
  };
  BroadcastService.getMessageByEventName('SignInCardReceived').subscribe((message) => {
    if (!once(message)) return;
    const sasUrl = message.payload?.sasUrl;
    const provider = state.botProvider;
    if (typeof provider !== 'function') return;
    const call = { sasUrl, t0: performance.now(), callbackShow: null, callbackAt: null, threw: null };
    botCalls.push(call);
    pending.n++;
    let calledBack = false;
    try {
      const result = provider(sasUrl, (cfg) => {
        if (calledBack) return;
        calledBack = true;
        pending.n--;
        call.callbackShow = cfg?.show ?? null;
        call.callbackAt = performance.now();
        state.lastShow = cfg?.show;
        state.haveShow = true;
        bench.log(`page's bot provider called back {show: ${cfg?.show}}`);
        if (state.unansweredRequests > 0) answerConfigRequest(); // the widget is still listening for an answer
        bench.changed();
      });
      if (result && typeof result.then === 'function')
        result.then(undefined, (e) => (call.threw = String(e?.message ?? e)));
    } catch (e) {
      call.threw = String(e?.message ?? e);
      if (!calledBack) {
        calledBack = true;
        pending.n--;
      }
    }
    bench.changed();
  });
  function answerConfigRequest() {
    state.unansweredRequests = 0;
    BroadcastService.postMessage({
      eventName: 'BotAuthConfigResponse',
      payload: { response: state.lastShow, functionIsSet: typeof state.botProvider === 'function' },
    });
  }
  BroadcastService.getMessageByEventName('BotAuthConfigRequest').subscribe((message) => {
    if (!once(message)) return;
    if (state.haveShow) return answerConfigRequest();
    // No callback yet: no answer now. The request is answered as soon as the page's callback comes; the
    // widget's own retry window (~2 s in 1.8.3) decides whether that is in time.
    state.unansweredRequests++;
  });

  const host = createWidgetHost({ widgetId, orgId, orgUrl, getAuthToken });
  const initialized = host.initialize().catch((e) => {
    bench.log(`chat SDK initialize() failed: ${errorName(e)}`);
    return null;
  });

  // The page SDK: existing namespace objects are reused, members are assigned one at a time.
  const Microsoft = window.Microsoft || (window.Microsoft = {});
  const Omnichannel = Microsoft.Omnichannel || (Microsoft.Omnichannel = {});
  const LiveChatWidget = Omnichannel.LiveChatWidget || (Omnichannel.LiveChatWidget = {});
  const SDK = LiveChatWidget.SDK || (LiveChatWidget.SDK = {});
  const tick = () => new Promise((r) => setTimeout(r, 0));

  SDK.setAuthTokenProvider = function setAuthTokenProvider(provider) {
    if (typeof provider !== 'function') throw new TypeError('setAuthTokenProvider expects a function');
    state.authProvider = provider;
  };
  await tick();
  SDK.getAuthTokenProvider = function getAuthTokenProvider() {
    return state.authProvider;
  };
  SDK.removeAuthTokenProvider = function removeAuthTokenProvider() {
    state.authProvider = null;
  };
  await tick();
  SDK.setBotAuthTokenProvider = function setBotAuthTokenProvider(provider) {
    state.botProvider = typeof provider === 'function' ? provider : null;
  };
  await tick();
  SDK.startChat = function startChat() {
    raise('lcw:startChat');
    if (state.started) return;
    state.started = true;
    bench.records().flow = 'starting';
    initialized
      .then((config) =>
        config
          ? host.startChat(
              document.getElementById('webchat') ?? document.body.appendChild(document.createElement('div')),
            )
          : false,
      )
      .catch((e) => bench.log(`start sequence failed: ${errorName(e)}`))
      .finally(() => {
        bench.records().flow = 'started';
        bench.records().flowEndedAt = performance.now();
        bench.changed();
      });
  };
  SDK.closeChat = function closeChat() {
    raise('lcw:closeChat');
  };

  await initialized;
  if (document.readyState !== 'complete') await new Promise((r) => window.addEventListener('load', r, { once: true }));
  raise('lcw:ready');
})();
