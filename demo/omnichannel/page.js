// The site's own code in the simulator page: registers the providers the scenario calls for,
// waits for lcw:ready, then starts the chat. Its measurements are what the tests compare with the panel.
import { scenarioById } from '/omnichannel/scenarios.js';

const params = new URLSearchParams(location.search);
const scenario = scenarioById(params.get('scenario') ?? 'fast') ?? scenarioById('fast');
const sim = (window.__sim = window.__sim || { measurements: [], log: [], done: false });
sim.scenario = scenario.id;
let pending = 0; // provider work still running (a slow provider outlives the widget's timeout)

const show = () => {
  document.getElementById('sim-measurements').textContent = JSON.stringify(sim.measurements, null, 2);
  const finished = sim.done && pending === 0;
  document.getElementById('sim-status').textContent = finished ? 'done' : 'running';
  sim.finished = finished;
  if (!finished) setTimeout(show, 100);
};

async function fetchToken(kind) {
  const res = await fetch(`/api/token?kind=${encodeURIComponent(kind)}`);
  return res.text();
}

function authProvider() {
  switch (scenario.auth) {
    case 'fast':
      return (callback) => {
        pending++;
        fetchToken(scenario.tokenKind).then((token) => {
          pending--;
          callback(token);
        });
      };
    case 'slow':
      return (callback) => {
        pending++;
        const started = performance.now();
        fetchToken(scenario.tokenKind).then((token) =>
          setTimeout(
            () => {
              pending--;
              callback(token);
            },
            Math.max(0, 10_500 - (performance.now() - started)),
          ),
        );
      };
    case 'never':
      return () => {
        /* never calls back */
      };
    case 'throws':
      return () => {
        throw new Error('Token service unreachable (simulated)');
      };
    case 'empty':
      return (callback) => callback('');
    default:
      return null;
  }
}

/** POSTs JSON and resolves with the HTTP status, by fetch or by XMLHttpRequest. */
function postJson(url, body) {
  if (scenario.transport !== 'xhr') {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.status);
  }
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => reject(new Error('network error'));
    xhr.send(JSON.stringify(body));
  });
}

function botProvider() {
  // The documented pattern, written correctly: POST the token to botTokenUrl, then decide.
  return async (botTokenUrl, callback) => {
    pending++;
    try {
      const token = await fetchToken('valid');
      const status = await postJson(botTokenUrl, { token, type: 'TokenExchangeRequest' });
      if (scenario.bot === 'no-callback') return; // the bug this scenario shows
      if (scenario.botDelayMs) await new Promise((r) => setTimeout(r, scenario.botDelayMs));
      callback({ show: !(status === 200 || status === 202 || status === 404) });
    } catch {
      callback({ show: true });
    } finally {
      pending--;
    }
  };
}

document.getElementById('sim-scenario').textContent = `${scenario.id}: ${scenario.title}`;
document.getElementById('sim-title').textContent = scenario.title;
/** Registers the scenario's providers (the bot one as many times as the scenario says). */
function register(SDK) {
  const auth = authProvider();
  if (auth) SDK.setAuthTokenProvider(auth);
  if (scenario.bot) {
    const provider = botProvider();
    for (let i = 0; i < (scenario.botRegistrations ?? 1); i++) SDK.setBotAuthTokenProvider(provider);
  }
}
if (scenario.early) {
  // A mistake seen on real sites: registering as soon as the SDK object exists, before lcw:ready.
  const poll = setInterval(() => {
    const SDK = window.Microsoft?.Omnichannel?.LiveChatWidget?.SDK;
    if (SDK?.setAuthTokenProvider) {
      clearInterval(poll);
      register(SDK);
    }
  }, 5);
}
window.addEventListener('lcw:ready', () => {
  const SDK = window.Microsoft.Omnichannel.LiveChatWidget.SDK;
  if (!scenario.early) register(SDK);
  if (scenario.widget?.contextProviderThrows) {
    SDK.setContextProvider(() => {
      throw new Error('Cart service unavailable (simulated)');
    });
  }
  SDK.startChat({ inNewWindow: false });
});
show();
document.getElementById('sim-start').addEventListener('click', () => {
  sim.done = false;
  window.Microsoft.Omnichannel.LiveChatWidget.SDK.startChat({ inNewWindow: false });
  show();
});
