// The SITE's own code on a /realcode/ page (not Microsoft code, not a stand-in: what a customer writes):
//   - the auth client function the widget configuration names (auth.getAuthenticationToken), in the documented
//     callback style: it gets a token from the site's backend (/api/token) and calls callback(token);
//   - a bot auth token provider in the documented pattern: POST the token to the sasUrl (botTokenUrl), then
//     callback({ show: false }) when the POST succeeded, { show: true } otherwise;
//   - on lcw:ready, registers the bot provider and calls startChat().
// What each function does is set by the scenario (/realcode/scenarios.js).
import { AUTH_CLIENT_FUNCTION, realcodeScenarioById } from '/realcode/scenarios.js';

const scenario = realcodeScenarioById(new URLSearchParams(location.search).get('scenario'));
const harness = window.__realcodeHarness;
const pending = (delta, note) => harness?.sitePending(delta, note);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function siteToken(kind) {
  const res = await fetch(`/api/token?kind=${encodeURIComponent(kind ?? 'valid')}`);
  return res.text();
}

/** Defines `auth.getAuthenticationToken` (the configured name) unless the scenario leaves it out. */
function defineAuthClientFunction(auth) {
  if (!auth || auth.client === 'missing') return;
  const [ns, fnName] = AUTH_CLIENT_FUNCTION.split('.');
  const holder = (window[ns] = window[ns] || {});
  holder[fnName] = function getAuthenticationToken(callback) {
    if (auth.client === 'throws') throw new Error('Token endpoint unreachable (site code)');
    pending(+1);
    const started = performance.now();
    siteToken(auth.tokenKind)
      .then(async (token) => {
        if (auth.delayMs) await sleep(Math.max(0, auth.delayMs - (performance.now() - started)));
        callback(token);
      })
      .finally(() => pending(-1));
  };
}

function botAuthTokenProvider(bot) {
  return async (botTokenUrl, callback) => {
    pending(+1);
    try {
      const token = await siteToken('valid');
      let ok = false;
      try {
        const res = await fetch(botTokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token }),
        });
        ok = res.ok;
      } catch {
        ok = false;
      }
      if (bot.callbackDelayMs) await sleep(bot.callbackDelayMs);
      callback({ show: !ok });
    } finally {
      pending(-1);
    }
  };
}

if (scenario) {
  defineAuthClientFunction(scenario.auth);
  window.addEventListener('lcw:ready', () => {
    const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
    if (scenario.bot) SDK.setBotAuthTokenProvider(botAuthTokenProvider(scenario.bot));
    SDK.startChat({ inNewWindow: false });
  });
}
