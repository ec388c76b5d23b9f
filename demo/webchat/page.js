// The site's own code on the Web Chat demo page: gets a Direct Line token from its backend, loads
// the real Web Chat bundle, and runs the documented SSO store middleware (the Copilot Studio
// sample pattern): hold the bot's OAuthCard, post a signin/tokenExchange invoke, and release the
// card only if the exchange did not go through. window.__webchatDemo is what the tests read.
import { SSO_DEMO } from '/webchat/config.js';

const OAUTH_CARD = 'application/vnd.microsoft.card.oauth';
const params = new URLSearchParams(location.search);
/** Options read by the site backend (token service mode, Direct Line mapping, bot routing, echo). */
const SERVER_KEYS = ['mode', 'dl', 'route', 'echo', 'ter', 'boterror'];
const options = {
  mode: params.get('mode') === 'failure' ? 'failure' : 'success',
  dl: params.get('dl') === '502' ? '502' : 'passthrough',
  route: params.get('route') !== '0',
  echo: params.get('echo') !== '0',
  ws: params.get('ws') === '1',
  aud: params.get('aud') === 'wrong' ? 'wrong' : 'resource',
  private: params.get('private') === '1',
  sso: params.get('sso') !== '0',
  /** Mistakes the page can make in its invoke: wrongid, wrongconn, notoken, fromother, twice. */
  invoke: params.get('invoke') ?? '',
  /** expired=1: the exchangeable token expired an hour ago. */
  expired: params.get('expired') === '1',
  /** release=always: pass the card on to Web Chat even after a successful exchange (a page bug). */
  release: params.get('release') ?? '',
};

const demo = (window.__webchatDemo = {
  options,
  /** Set once directLine.postActivity() settles: { result: 'id', id } | { result: 'retry' } | { result: 'error', error, status } */
  invoke: undefined,
  invokeSent: false,
  /** The card the middleware held (connectionName and tokenExchangeResource), if any. */
  card: undefined,
  cardShown: false,
  signedIn: false,
  finished: false,
  transcript: [],
  userId: undefined,
  conversationId: undefined,
  /** private=1: whether window.WebChat stayed undefined, and globals the bundle still wrote on window. */
  privateCheck: undefined,
  error: undefined,
});

const b64url = (bytes) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const b64json = (v) => b64url(new TextEncoder().encode(JSON.stringify(v)));

/** Mints the "exchangeable token": an HS256 JWT signed in the browser with WebCrypto. */
async function mintExchangeToken(aud) {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SSO_DEMO.exchangeSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const now = Math.floor(Date.now() / 1000) - (options.expired ? 7200 : 0);
  const head = `${b64json({ alg: 'HS256', typ: 'JWT' })}.${b64json({ aud, sub: SSO_DEMO.user.sub, name: SSO_DEMO.user.name, upn: SSO_DEMO.user.upn, iat: now, exp: now + 3600 })}`;
  const sig = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(head));
  return `${head}.${b64url(sig)}`;
}

/** Loads the bundle with a plain script tag: it assigns window.WebChat. */
function loadWebChat() {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/webchat.js';
    s.onload = () => resolve(window.WebChat);
    s.onerror = () => reject(new Error('could not load /vendor/webchat.js'));
    document.head.append(s);
  });
}

/**
 * Loads the same bundle without ever exposing window.WebChat: evaluates its text with `window` and
 * `self` bound to a proxy of the real window that keeps every NEW global the bundle writes
 * (WebChat, and the UMD wrapper's copies of its exports such as `renderWebChat`) on a private
 * object. `globalThis` stays the real one: Web Chat binds native timers to it
 * (`setTimeout.bind(globalThis)`), and a function bound to a Proxy throws "Illegal invocation".
 * Bare globals (document, XMLHttpRequest, WebSocket, fetch…) resolve to the real window, so
 * network hooks on the page still see Web Chat's traffic.
 */
async function loadWebChatPrivately() {
  const src = await (await fetch('/vendor/webchat.js')).text();
  const before = new Set(Object.getOwnPropertyNames(window));
  const own = Object.create(null);
  const bound = new WeakMap();
  const shim = new Proxy(window, {
    get(target, key) {
      if (key === 'WebChat' || key in own) return own[key];
      const v = Reflect.get(target, key);
      // Native methods such as addEventListener need the real window as `this`; constructors stay as they are.
      if (typeof v === 'function' && !('prototype' in v)) {
        if (!bound.has(v)) bound.set(v, v.bind(target));
        return bound.get(v);
      }
      return v;
    },
    set(target, key, value) {
      // WebChat stays private even if the page (or an extension) already defined window.WebChat.
      if (key === 'WebChat' || key in own || !(key in target)) own[key] = value;
      else Reflect.set(target, key, value);
      return true;
    },
    has: (target, key) => key === 'WebChat' || key in own || key in target,
  });
  new Function('window', 'self', `${src}\n//# sourceURL=webchat-private.js`).call(shim, shim, shim);
  const leaked = Object.getOwnPropertyNames(window).filter((k) => !before.has(k));
  demo.privateCheck = {
    windowWebChatUndefined: window.WebChat === undefined,
    leakedGlobals: leaked,
    privateGlobals: Object.keys(own),
  };
  return own.WebChat;
}

const QUIET_MS = 300;
let lastSnapshot = '';
let lastChange = 0;

/** Visible text of the transcript, one entry per activity, and whether an OAuth card is rendered. */
function readDom() {
  const root = document.getElementById('webchat');
  // Web Chat 4.18 renders each activity as an <article>; its bubbles hold what the user sees
  // (the rest of the article is screen-reader text such as "Bot said:").
  const articles = [...root.querySelectorAll('article')];
  const visible = (el) => (el.innerText ?? el.textContent ?? '').replace(/\s+/g, ' ').trim();
  demo.transcript = articles
    .map((a) => [...a.querySelectorAll('.webchat__bubble__content')].map(visible).filter(Boolean).join(' '))
    .filter(Boolean);
  // The OAuth card renders as an Adaptive Card with the card text and a "Sign In" button.
  demo.cardShown = articles.some(
    (a) =>
      [...a.querySelectorAll('button')].some((b) => visible(b) === 'Sign In') ||
      visible(a).includes(SSO_DEMO.text.prompt),
  );
  const texts = demo.transcript;
  demo.signedIn = texts.some((t) => t.includes(SSO_DEMO.text.signedIn));
  // When the "signed in" reply first showed (ms since navigation): how long Web Chat held it after the invoke.
  if (demo.signedIn && demo.signedInAt === undefined) demo.signedInAt = Math.round(performance.now());
  const failedText = texts.some((t) => t.includes(SSO_DEMO.text.failed) || t.includes('The bot encountered an error'));
  const invokeSettled = !demo.invokeSent || demo.invoke !== undefined;
  const settled = Boolean(demo.error) || (invokeSettled && (demo.signedIn || demo.cardShown || failedText));
  // Finished = settled, and the transcript has not changed for QUIET_MS (Web Chat may still be
  // rendering the user's own "hello" right after the outcome shows).
  const snapshot = JSON.stringify([demo.transcript, demo.cardShown, demo.invoke]);
  if (snapshot !== lastSnapshot) {
    lastSnapshot = snapshot;
    lastChange = performance.now();
  }
  if (!demo.finished && settled && performance.now() - lastChange >= QUIET_MS) {
    demo.finished = true; // sticky: later re-renders do not un-finish the page
    demo.finishedAt = Math.round(performance.now());
  }
  document.getElementById('wc-status').textContent = demo.finished ? 'finished' : 'running';
  document.getElementById('wc-state').textContent = JSON.stringify({ ...demo, transcript: undefined }, null, 2);
}

async function main() {
  document.getElementById('wc-options').textContent = JSON.stringify(options);
  const serverQuery = new URLSearchParams([...params].filter(([k]) => SERVER_KEYS.includes(k)));
  const { token, userId, userName, conversationId } = await (
    await fetch(`/api/directline/token?${serverQuery}`)
  ).json();
  Object.assign(demo, { userId, conversationId });

  const WebChat = options.private ? await loadWebChatPrivately() : await loadWebChat();
  const directLine = WebChat.createDirectLine({
    domain: `${location.origin}/v3/directline`,
    token,
    webSocket: options.ws,
    ...(options.ws ? {} : { pollingInterval: 300 }),
  });

  /** Posts one invoke; resolves true when the exchange went through. */
  function postInvoke(card, ssoToken) {
    const value = {
      id: options.invoke === 'wrongid' ? 'not-the-card-id' : card.tokenExchangeResource.id,
      connectionName: options.invoke === 'wrongconn' ? 'WrongConnection' : card.connectionName,
      ...(options.invoke === 'notoken' ? {} : { token: ssoToken }),
    };
    // The same user id Web Chat uses (the token's `user` claim), unless the scenario copies the sample's MSAL account id.
    const from = {
      id: options.invoke === 'fromother' ? 'msal-00000000-0000-0000-0000-00000000acc1' : userId,
      name: userName,
      role: 'user',
    };
    return new Promise((resolve) => {
      directLine.postActivity({ type: 'invoke', name: 'signin/tokenExchange', value, from }).subscribe(
        (id) => {
          demo.invoke ??= id === 'retry' ? { result: 'retry' } : { result: 'id', id };
          resolve(id !== 'retry');
        },
        (error) => {
          demo.invoke ??= { result: 'error', error: String(error?.message ?? error), status: error?.status };
          resolve(false);
        },
      );
    });
  }

  /** Posts the invoke (twice for invoke=twice); resolves true when the exchange went through (the card stays hidden). */
  async function exchange(card) {
    const aud = options.aud === 'wrong' ? SSO_DEMO.wrongResourceUri : card.tokenExchangeResource.uri;
    const ssoToken = await mintExchangeToken(aud);
    demo.invokeSent = true;
    demo.invokeSentAt = Math.round(performance.now());
    const ok = await postInvoke(card, ssoToken);
    if (options.invoke === 'twice') await postInvoke(card, ssoToken);
    return ok && options.release !== 'always';
  }

  let greeted = false;
  const store = WebChat.createStore({}, ({ dispatch }) => (next) => (action) => {
    if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED' && !greeted) {
      greeted = true;
      const result = next(action);
      // Start the bot's OAuthPrompt without typing.
      dispatch({ type: 'WEB_CHAT/SEND_MESSAGE', payload: { text: 'hello' } });
      return result;
    }
    if (options.sso && action.type === 'DIRECT_LINE/INCOMING_ACTIVITY') {
      const activity = action.payload.activity;
      const card =
        activity.from?.role === 'bot' && activity.attachments?.find((a) => a.contentType === OAUTH_CARD)?.content;
      if (card?.tokenExchangeResource?.uri) {
        demo.card = { connectionName: card.connectionName, tokenExchangeResource: card.tokenExchangeResource };
        exchange(card)
          .catch((e) => ((demo.invoke = { result: 'error', error: String(e) }), false))
          .then((ok) => ok || next(action)); // fallback: show the card
        return undefined; // hold the card
      }
    }
    return next(action);
  });

  WebChat.renderWebChat(
    { directLine, store, userID: userId, username: userName, styleOptions: { hideUploadButton: true } },
    document.getElementById('webchat'),
  );
  new MutationObserver(readDom).observe(document.getElementById('webchat'), {
    childList: true,
    subtree: true,
    characterData: true,
  });
  setInterval(readDom, 100);
}

main().catch((e) => {
  demo.error = String(e?.stack ?? e);
  readDom();
});
