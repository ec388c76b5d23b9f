/**
 * Groups a capture into SSO attempts (per auth token provider invocation, per bot sign-in card
 * (signInId), per OAuthCard) and tells, for each, the chain of steps and its outcome in one sentence.
 */
import { errorMessage, formatDuration, safeText } from '../model/format';
import {
  budgetStatus,
  ProviderLabel,
  providerLabel,
  tokenPostNote,
  tokenPostSignedIn,
  BUDGET_TEXT,
  type Invocation,
} from '../model/invocations';
import { isShown, WIDGET_BUS, WIDGET_DECISION_WINDOW_MS, type WidgetCard } from '../model/widgetCards';
import { lcwErrorCode, lcwErrorName } from '../model/lcwErrors';
import { redactionOf } from '../formats/redact';
import { tokenOneLiner } from '../rows/timeline';
import type { OAuthCardOutcome } from '../model/webchat';
import { audienceText } from '../rows/webchatRows';
import {
  cardAttemptId,
  invokeEvidence,
  invokeStatus,
  lcwErrorsAfter,
  postOf,
  registrationCallOf,
  tokenOfInvocation,
  widgetAttemptId,
  type Model,
} from './model';
import type { SsoAttempt, Step } from './types';

/**
 * How many times the widget invoked the same auth function before `inv` since the frame's last chat
 * start (the chat SDK calls getAuthToken in initialize() and again in startChat()): 1 for the first.
 */
function callNumberInChatStart(m: Model, inv: Invocation): { n: number; of: number } {
  const frame = inv.invoke.frameId;
  // One marker per chat start: the widget's lcw:startChat, or the page's SDK.startChat() where no event is seen.
  const events = m.lcw.filter((x) => x.frameId === frame && x.event.name === 'lcw:startChat');
  const starts = events.length ? events : m.sdkCallsOf('startChat').filter((x) => x.frameId === frame);
  // Which chat start an invocation belongs to: the last start before it; calls before the first start
  // (the chat SDK's initialize()) belong to the first.
  const windowOf = (seq: number) => Math.max(0, starts.filter((x) => x.seq < seq).length - 1);
  const mine = windowOf(inv.invoke.seq);
  const same = m.invocations.filter(
    (o) =>
      o.role === 'auth' &&
      o.invoke.frameId === frame &&
      o.invoke.event.source === inv.invoke.event.source &&
      o.invoke.event.functionName === inv.invoke.event.functionName &&
      windowOf(o.invoke.seq) === mine,
  );
  return { n: same.indexOf(inv) + 1, of: same.length };
}

const TOKEN_VERDICTS: ReadonlySet<string> = new Set([
  WIDGET_BUS.tokenValidationCompleted,
  WIDGET_BUS.tokenValidationFailed,
  WIDGET_BUS.nullOrEmptyToken,
]);

/** The widget's own check of the token an auth invocation handed over (its facade's telemetry on the bus), if seen. */
function widgetVerdict(m: Model, inv: Invocation) {
  const after = (inv.callbacks[0] ?? inv.end)?.seq;
  if (after === undefined) return undefined;
  const verdict = m
    .ofKind('bus.message')
    .find((b) => b.frameId === inv.invoke.frameId && b.seq > after && TOKEN_VERDICTS.has(b.event.eventName ?? ''));
  if (!verdict) return undefined;
  const p =
    verdict.event.payload && typeof verdict.event.payload === 'object' && !Array.isArray(verdict.event.payload)
      ? (verdict.event.payload as Record<string, unknown>)
      : {};
  const why =
    typeof p.Description === 'string'
      ? p.Description
      : typeof p.ExceptionDetails === 'string'
        ? p.ExceptionDetails
        : undefined;
  return { entry: verdict, ok: verdict.event.eventName === WIDGET_BUS.tokenValidationCompleted, why };
}

/**
 * The livechatconnector call that carried this invocation's token, and what it answered. A call is
 * credited to the latest invocation that handed over the token it carried (the chat SDK asks twice per
 * chat start, and the widget sends the last token it got).
 */
function connectorUse(m: Model, inv: Invocation, token: string | undefined) {
  if (!token) return undefined;
  return m.connector.find((c) => {
    if (c.frameId !== inv.invoke.frameId || c.seq < inv.invoke.seq || c.event.authenticatedUserToken !== token)
      return false;
    const latest = m.invocations
      .filter(
        (o) =>
          o.role === 'auth' &&
          o.invoke.frameId === c.frameId &&
          o.callbacks.some((cb) => cb.event.token === token && cb.seq < c.seq),
      )
      .at(-1);
    return latest === inv;
  });
}

/** A later invocation of the same auth function in the same chat start whose token the widget used instead. */
function supersededBy(m: Model, inv: Invocation, count: { n: number; of: number }): Invocation | undefined {
  if (count.n >= count.of) return undefined;
  return m.invocations.find(
    (o) =>
      o.role === 'auth' &&
      o !== inv &&
      o.invoke.frameId === inv.invoke.frameId &&
      o.invoke.seq > inv.invoke.seq &&
      o.invoke.event.source === inv.invoke.event.source &&
      m.connector.some(
        (c) => c.event.authenticatedUserToken !== undefined && connectorUse(m, o, c.event.authenticatedUserToken) === c,
      ),
  );
}

function authAttempt(m: Model, inv: Invocation): SsoAttempt {
  const count = callNumberInChatStart(m, inv);
  const label = providerLabel(inv);
  const steps: Step[] = [
    {
      text:
        'The widget invoked the ' +
        `${label}${count.of > 1 ? ` (call ${count.n} of ${count.of} in this chat start)` : ''}`,
      status: 'info',
      evidence: [inv.invoke.seq],
    },
  ];
  const s = budgetStatus(inv, m.nowMs);
  const t = tokenOfInvocation(inv);
  const cb = inv.callbacks[0];
  let problem: string | undefined;
  if (inv.end?.event.outcome === 'threw' || inv.end?.event.outcome === 'rejected') {
    problem =
      `the ${label} ${inv.end.event.outcome === 'threw' ? 'threw' : 'rejected'} ` +
      `(${inv.end.event.error?.message ?? 'error'})`;
    steps.push({
      text:
        `The ${label} ${inv.end.event.outcome} after ${formatDuration(inv.end.event.elapsedMs)}: ` +
        `${inv.end.event.error?.name}: ${inv.end.event.error?.message}`,
      status: 'fail',
      evidence: [inv.end.seq],
    });
  }
  if (inv.budgetFlag)
    steps.push({
      text: `No callback within the documented ${BUDGET_TEXT}`,
      status: 'fail',
      evidence: [inv.budgetFlag.seq],
    });
  if (cb) {
    const late = s.state === 'over';
    const how =
      cb.event.via === 'promise'
        ? 'resolved with a value'
        : cb.event.via === 'return'
          ? 'returned a value'
          : 'called back';
    const syncText = cb.event.sync ? ', synchronously' : '';
    const lateText = late ? ` (over ${BUDGET_TEXT})` : '';
    steps.push({
      text: `The ${label} ${how} after ${formatDuration(cb.event.elapsedMs)}${syncText}${lateText}`,
      status: late ? 'fail' : 'ok',
      evidence: [cb.seq],
    });
    if (late) problem ??= `the ${label} took ${formatDuration(cb.event.elapsedMs)}, over the ${BUDGET_TEXT} limit`;
  } else if (!problem && s.state === 'over') {
    problem = `the ${label} never handed over a token within ${BUDGET_TEXT}`;
  }
  if (t) {
    const line = tokenOneLiner(t.cb.event.token!, t.cb.event.at);
    steps.push({ text: `Token: ${line.text}`, status: line.severity === 'info' ? 'ok' : 'fail', evidence: [t.cb.seq] });
    if (line.severity !== 'info') problem ??= `the token is not acceptable (${line.text})`;
  } else if (cb && typeof cb.event.token === 'string' && redactionOf(cb.event.token) === 'token') {
    // An export's redaction removed it: the capture no longer says what the token was, not that there was none.
    steps.push({
      text: `Token: ${tokenOneLiner(cb.event.token, cb.event.at).text}`,
      status: 'info',
      evidence: [cb.seq],
    });
  } else if (cb) {
    steps.push({
      text: `The widget got ${cb.event.valueType === 'string' ? 'an empty string' : cb.event.valueType}, not a token`,
      status: 'fail',
      evidence: [cb.seq],
    });
    problem ??= `the ${label} handed over no token`;
  }
  const verdict = widgetVerdict(m, inv);
  if (verdict) {
    steps.push({
      text: verdict.ok
        ? 'The widget accepted the token (NewTokenValidationCompleted)'
        : `The widget rejected the token (${verdict.entry.event.eventName}${verdict.why ? `: ${verdict.why}` : ''})`,
      status: verdict.ok ? 'ok' : 'fail',
      evidence: [verdict.entry.seq],
    });
    if (!verdict.ok) problem ??= `the widget rejected the token${verdict.why ? ` (${verdict.why})` : ''}`;
  }
  const used = connectorUse(m, inv, t?.cb.event.token);
  if (used) {
    const ok = used.event.status !== null && used.event.status < 400;
    steps.push({
      text: `livechatconnector ${
        used.event.endpoint
          .split('/')
          .filter((x) => !/^[0-9a-f-]{16,}$/i.test(x))
          .slice(-1)[0] ?? ''
      } with this token answered ${used.event.status ?? 'nothing'}`,
      status: ok ? 'ok' : 'fail',
      evidence: [used.seq],
    });
    if (!ok) problem ??= `livechatconnector answered ${used.event.status ?? 'nothing'} to the token`;
  }
  const errors = lcwErrorsAfter(m, inv);
  for (const e of errors) {
    const code = lcwErrorCode(e.event.detail);
    steps.push({ text: `The widget raised ${lcwErrorName(code)}`, status: 'fail', evidence: [e.seq] });
  }
  const next = m.invocations.find(
    (o) => o.role === 'auth' && o.invoke.frameId === inv.invoke.frameId && o.invoke.seq > inv.invoke.seq,
  );
  const queued = m.lcw.find(
    (e) =>
      (e.event.name === 'lcw:chatQueued' || e.event.name === 'lcw:chatRetrieved') &&
      e.frameId === inv.invoke.frameId &&
      e.seq > inv.invoke.seq &&
      (!next || e.seq < next.invoke.seq),
  );
  if (queued && !errors.length)
    steps.push({ text: `The widget raised ${queued.event.name}`, status: 'ok', evidence: [queued.seq] });
  // LCW v1 reads the token right after calling the provider inside setAuthTokenProvider.
  const reg = registrationCallOf(m, inv);
  if (reg && cb && !cb.event.sync) {
    steps.splice(1, 0, {
      text: 'The widget called the provider inside setAuthTokenProvider and read the token at once',
      status: 'fail',
      evidence: [reg.seq],
    });
    problem =
      `the provider called back asynchronously (${formatDuration(cb.event.elapsedMs)} ` +
      'later) while the widget read the token synchronously at registration';
  }
  let outcome: SsoAttempt['outcome'];
  let sentence: string;
  const accepted = used && used.event.status !== null && used.event.status < 400;
  if (errors.length) {
    const code = lcwErrorCode(errors[0]!.event.detail);
    outcome = 'chat failed';
    sentence = `Authenticated chat failed with ${lcwErrorName(code)}${problem ? ` because ${problem}` : ''}.`;
  } else if (verdict && !verdict.ok) {
    outcome = 'chat failed';
    const whyText = verdict.why ? ` (${verdict.why})` : '';
    const becauseText = problem && !problem.startsWith('the widget rejected') ? ` because ${problem}` : '';
    sentence = `Authenticated chat failed: the widget rejected the token${whyText}${becauseText}.`;
  } else if (used && !accepted) {
    outcome = 'chat failed';
    sentence =
      `Authenticated chat failed: livechatconnector answered ${used.event.status ?? 'nothing'} ` +
      `to the token${problem && !problem.startsWith('livechatconnector') ? `; ${problem}` : ''}.`;
  } else if (!used && supersededBy(m, inv, count)) {
    outcome = 'unknown';
    sentence =
      `This token was not the one the chat used: the widget asked the ${label} again (call ` +
      `${count.n + 1} of ${count.of}) and sent that token${problem ? `; ${problem}` : ''}.`;
  } else if (accepted && !problem) {
    outcome = 'chat authenticated';
    sentence =
      `Chat authenticated: the ${label} answered${cb ? ` in ${formatDuration(cb.event.elapsedMs)}` : ''} ` +
      `and livechatconnector accepted the token (${used.event.status}).`;
  } else if (queued) {
    outcome = 'chat authenticated';
    sentence =
      `Chat authenticated: the provider answered${cb ? ` in ${formatDuration(cb.event.elapsedMs)}` : ''} ` +
      `and the widget queued the chat${problem ? `, although ${problem}` : ''}.`;
  } else if (problem) {
    outcome = 'unknown';
    sentence = `No widget verdict was seen, but ${problem}.`;
  } else {
    outcome = 'unknown';
    sentence =
      s.state === 'waiting'
        ? `Waiting for the provider (${formatDuration(s.elapsedMs)} so far).`
        : 'The provider answered; the widget did not report the chat as queued or failed.';
  }
  const title = `${ProviderLabel(inv)} invocation${count.of > 1 ? ` ${count.n} of ${count.of}` : ''}`;
  return {
    id: `auth:${inv.invocationId}`,
    kind: 'auth-provider',
    title,
    outcome,
    sentence,
    steps,
    startSeq: inv.invoke.seq,
  };
}

function botAttempt(m: Model, inv: Invocation): SsoAttempt {
  const e = inv.invoke.event;
  const steps: Step[] = [];
  const card = m.lcw
    .filter(
      (x) => x.event.name === 'lcw:signInCardReceived' && x.frameId === inv.invoke.frameId && x.seq < inv.invoke.seq,
    )
    .at(-1);
  if (card)
    steps.push({
      text: 'The widget received a bot sign-in card (lcw:signInCardReceived)',
      status: 'info',
      evidence: [card.seq],
    });
  steps.push({
    text: `The bot auth token provider was invoked for signInId ${e.signInId ?? '(none)'}`,
    status: e.signInId ? 'info' : 'fail',
    evidence: [inv.invoke.seq],
  });
  const post = postOf(inv);
  const s = post?.event.status;
  const postOk = tokenPostSignedIn(s);
  if (post)
    steps.push({
      text: `The token POST to botTokenUrl was answered ${s === null ? 'nothing' : s}${tokenPostNote(s)}`,
      status: postOk ? 'ok' : 'fail',
      evidence: [post.seq],
    });
  else steps.push({ text: 'No POST to botTokenUrl was seen', status: 'fail', evidence: [inv.invoke.seq] });
  const cb = inv.callbacks[0];
  if (cb)
    steps.push({
      text: `callback({show: ${safeText(cb.event.show)}}) after ${formatDuration(cb.event.elapsedMs)}`,
      status: cb.event.show === false && cb.event.elapsedMs <= WIDGET_DECISION_WINDOW_MS ? 'ok' : 'fail',
      evidence: [cb.seq],
    });
  else if (inv.end)
    steps.push({ text: 'The provider finished without calling the callback', status: 'fail', evidence: [inv.end.seq] });
  let outcome: SsoAttempt['outcome'];
  let sentence: string;
  if (cb && cb.event.show === false && cb.event.elapsedMs <= WIDGET_DECISION_WINDOW_MS) {
    outcome = 'card hidden';
    sentence =
      `Sign-in card hidden: ${post ? `the token POST was answered ${s ?? 'nothing'}` : 'no token POST was seen'} ` +
      `and the provider called back {show: false} after ${formatDuration(cb.event.elapsedMs)}.`;
  } else if (cb || inv.end || m.nowMs - e.at > WIDGET_DECISION_WINDOW_MS) {
    outcome = 'card shown';
    const postText = post ? ` (its POST was answered ${s ?? 'nothing'})` : '';
    const failedPostText = post && !postOk ? ` after its POST was answered ${s ?? 'nothing'}` : '';
    const why = !cb
      ? `the provider never called back${postText}`
      : cb.event.show !== false
        ? `the provider asked to show it (callback({show: ${safeText(cb.event.show)}}))${failedPostText}`
        : `the provider called back after ${formatDuration(cb.event.elapsedMs)}, past the widget's ~2 s window`;
    sentence = `Sign-in card shown because ${why}.`;
  } else {
    outcome = 'unknown';
    sentence = 'Waiting for the bot auth token provider.';
  }
  return {
    id: `bot:${inv.invocationId}`,
    kind: 'bot-signin',
    title: `Bot sign-in card ${e.signInId ?? ''}`.trim(),
    outcome,
    sentence,
    steps,
    startSeq: card?.seq ?? inv.invoke.seq,
  };
}

function cardAttempt(card: OAuthCardOutcome): SsoAttempt {
  const ter = card.oauth.tokenExchangeResource;
  const start = card.record.sightings[0]!.entry.seq;
  const resourceText = ter ? `, tokenExchangeResource uri ${ter.uri ?? '(none)'}` : ', no tokenExchangeResource';
  const steps: Step[] = [
    {
      text: `The bot sent an OAuthCard (connectionName ${card.oauth.connectionName ?? '(none)'}${resourceText})`,
      status: ter ? 'info' : 'fail',
      evidence: [start],
    },
  ];
  for (const inv of card.invokes) {
    const status = invokeStatus(inv);
    steps.push({
      text: `A signin/tokenExchange invoke was sent (${audienceText(inv, card)})`,
      status: inv.tokenAud && ter?.uri && inv.tokenAud !== ter.uri ? 'fail' : 'info',
      evidence: [inv.record.sightings[0]!.entry.seq],
    });
    steps.push({
      text: `Result: ${inv.verdict}${typeof status === 'number' ? '' : ''}`,
      status: inv.succeeded ? 'ok' : 'fail',
      evidence: invokeEvidence(inv),
    });
  }
  if (card.invokes.length === 0 && ter)
    steps.push({ text: 'No signin/tokenExchange invoke was sent', status: 'fail', evidence: [start] });
  steps.push({
    text:
      card.basis === 'store'
        ? card.passedOn
          ? "The page's middleware passed the card on to Web Chat"
          : "The page's middleware kept the card from Web Chat"
        : `Inferred from the network: the card was ${card.outcome}`,
    status: card.outcome === 'hidden' ? 'ok' : 'fail',
    evidence: card.passedOn ? [card.passedOn.seq] : [start],
  });
  const last = card.invokes.at(-1);
  let sentence: string;
  if (card.outcome === 'hidden') {
    const why = last?.succeeded ? `the token exchange succeeded (${last.verdict})` : card.reason;
    sentence = `Sign-in card hidden: ${why}.`;
  } else if (!ter) {
    sentence =
      'Sign-in card shown because it has no tokenExchangeResource (no Token ' +
      'Exchange URL on the OAuth connection), so SSO could not be tried.';
  } else if (!last) {
    sentence =
      'Sign-in card shown because no signin/tokenExchange invoke was sent: the client did not intercept the card.';
  } else if (last.succeeded) {
    sentence = `Sign-in card shown although the token exchange succeeded (${last.verdict}).`;
  } else {
    sentence = `Sign-in card shown because ${last.verdict.replace(/^the /, 'the ')}.`;
  }
  return {
    id: cardAttemptId(card),
    kind: 'oauthcard',
    title: `OAuthCard ${card.oauth.connectionName ?? ''}`.trim(),
    outcome: card.outcome === 'hidden' ? 'card hidden' : 'card shown',
    sentence,
    steps,
    startSeq: start,
  };
}

/**
 * One LCW v2 sign-in card, told from the widget's own events: the outcome is the widget's decision,
 * never the page's callback value alone (a callback {show: false} after the window still leaves the card shown).
 */
function widgetCardAttempt(m: Model, card: WidgetCard): SsoAttempt {
  const steps: Step[] = [];
  const start = card.held ?? card.received ?? card.entries[0]!;
  if (card.held)
    steps.push({
      text: 'A sign-in card arrived; the widget held it back while deciding',
      status: 'info',
      evidence: [card.held.seq],
    });
  if (card.getTestUrl) {
    const r = card.getTestUrl.event;
    steps.push({
      text:
        'The card had no tokenPostResource.sasUrl; the widget asked gettesturl, ' +
        `which ${r.status === null ? `failed (${r.error ?? 'network error'})` : `answered ${r.status}`}`,
      status: 'fail',
      evidence: [card.getTestUrl.seq],
    });
  }
  if (card.received) {
    const signInIdText = card.signInId ? ` for signInId ${card.signInId}` : '';
    const sasUrlText = card.sasUrl ? '' : ' without a sasUrl';
    steps.push({
      text: `The widget broadcast SignInCardReceived${signInIdText}${sasUrlText}`,
      status: 'info',
      evidence: [card.received.seq],
    });
  }
  const inv = m.cardInvocations.get(card.id);
  if (inv) {
    steps.push({
      text:
        `The page's ${providerLabel(inv)} was invoked ` +
        `${formatDuration(inv.invoke.event.at - start.event.at)} after the card`,
      status: 'info',
      evidence: [inv.invoke.seq],
    });
    const post = postOf(inv);
    if (post) {
      const st = post.event.status;
      const ok = tokenPostSignedIn(st);
      steps.push({
        text: `Its token POST to the sasUrl was answered ${st ?? 'nothing'}${tokenPostNote(st)}`,
        status: ok ? 'ok' : 'fail',
        evidence: [post.seq],
      });
    }
    const cb = inv.callbacks[0];
    if (cb) {
      const inTime = cb.event.at - start.event.at <= WIDGET_DECISION_WINDOW_MS;
      steps.push({
        text:
          `callback({show: ${safeText(cb.event.show)}}) ` +
          `${formatDuration(cb.event.at - start.event.at)} after the card`,
        status: cb.event.show === false && inTime ? 'ok' : 'fail',
        evidence: [cb.seq],
      });
    } else if (inv.end)
      steps.push({
        text: 'The provider finished without calling the callback',
        status: 'fail',
        evidence: [inv.end.seq],
      });
  } else if (card.received) {
    steps.push({
      text: "The page's bot auth token provider was not called",
      status: 'fail',
      evidence: [card.received.seq],
    });
  }
  if (card.requests.length)
    steps.push({
      text:
        `The widget asked for the decision ${card.requests.length} ` +
        `time${card.requests.length > 1 ? 's' : ''} (BotAuthConfigRequest)`,
      status: 'info',
      evidence: card.requests.map((r) => r.seq),
    });
  if (card.response)
    steps.push({
      text: `The scripting layer answered BotAuthConfigResponse {response: ${safeText(card.responseValue, 80)}}`,
      status: card.responseValue === false ? 'ok' : 'fail',
      evidence: [card.response.seq],
    });
  const decisionText: Record<WidgetCard['decision'], string> = {
    hidden: 'The widget hid the card (SetBotAuthProviderHideCard)',
    shown: 'The widget showed the card (SetBotAuthProviderDisplayCard)',
    'shown-no-answer': 'No answer within ~2 s: the widget showed the card (SetBotAuthProviderNotFound)',
    'shown-no-sas-url': 'No sasUrl: the widget showed the card (BotAuthActivityEmptySasUrl)',
    'shown-bad-sign-in-url':
      'No signInId in the sign-in URL: the widget showed the card (BotAuthActivityUndefinedSignInId)',
    'dropped-seen': 'The widget dropped the card without a word: it had already seen its signInId',
    pending: 'The widget has not decided yet',
  };
  steps.push({
    text: decisionText[card.decision],
    status: card.decision === 'hidden' ? 'ok' : card.decision === 'pending' ? 'info' : 'fail',
    evidence: seqsOf(card.decisionEntry ?? start),
  });
  if (card.passed) steps.push({ text: 'The card reached Web Chat', status: 'fail', evidence: [card.passed.seq] });
  const post = inv ? postOf(inv) : undefined;
  const cb = inv?.callbacks[0];
  let outcome: SsoAttempt['outcome'] = isShown(card.decision)
    ? 'card shown'
    : card.decision === 'hidden'
      ? 'card hidden'
      : card.decision === 'dropped-seen'
        ? 'card dropped'
        : 'unknown';
  let sentence: string;
  switch (card.decision) {
    case 'hidden': {
      const postText = post ? ` after the token POST was answered ${post.event.status ?? 'nothing'}` : '';
      sentence = `Sign-in card hidden: the widget got {show: false}${postText} within its window.`;
      break;
    }
    case 'shown': {
      const show = safeText(card.responseValue, 80);
      const postText =
        post && !tokenPostSignedIn(post.event.status)
          ? ` after its token POST was answered ${post.event.status ?? 'nothing'}`
          : '';
      sentence = `Sign-in card shown because the page answered {show: ${show}}${postText}.`;
      break;
    }
    case 'shown-no-answer': {
      const postText = post ? `, although the token was posted (${post.event.status ?? 'no answer'})` : '';
      const providerText = inv
        ? ': the bot auth token provider never called back'
        : ': no bot auth token provider was called';
      sentence = cb
        ? `Sign-in card shown because the page's callback came ${formatDuration(cb.event.at - start.event.at)} ` +
          `after the card, past the widget's ~2 s window${postText}.`
        : `Sign-in card shown because the widget got no answer within its ~2 s window${providerText}.`;
      break;
    }
    case 'shown-no-sas-url':
      sentence =
        'Sign-in card shown because it had no tokenPostResource.sasUrl ' +
        'and the widget could not get one from token.botframework.com.';
      break;
    case 'shown-bad-sign-in-url':
      sentence =
        'Sign-in card shown because the widget could not read a signInId ' +
        "from its sign-in URL; the page's provider was never called.";
      break;
    case 'dropped-seen':
      sentence =
        'Sign-in card dropped: the widget had already seen its signInId, so it neither showed it nor called the page.';
      break;
    default:
      outcome = 'unknown';
      sentence = 'The widget is still deciding about this card.';
  }
  return {
    id: widgetAttemptId(card),
    kind: 'bot-signin',
    title: `Sign-in card${card.signInId ? ` ${card.signInId}` : ''} (live chat widget)`,
    outcome,
    sentence,
    steps,
    startSeq: start.seq,
  };
}

const seqsOf = (...xs: ({ seq: number } | undefined)[]) =>
  xs.filter((x): x is { seq: number } => !!x).map((x) => x.seq);

/**
 * An attempt that could not be told (odd input the analysis did not expect): it says so, with its
 * first event as evidence, instead of taking the other attempts down with it.
 */
function guarded(
  id: string,
  kind: SsoAttempt['kind'],
  title: string,
  startSeq: number,
  tell: () => SsoAttempt,
): SsoAttempt {
  try {
    return tell();
  } catch (e) {
    const message = errorMessage(e, 200).replace(/\.$/, '');
    return {
      id,
      kind,
      title,
      outcome: 'unknown',
      sentence: `This attempt could not be analysed (${message}); its events are in the timeline.`,
      steps: [
        { text: 'The analysis of this attempt stopped on unexpected data', status: 'fail', evidence: [startSeq] },
      ],
      startSeq,
    };
  }
}

/** Every attempt of the capture, in the order they started. */
export function collectAttempts(m: Model): SsoAttempt[] {
  const linked = new Set(m.cardInvocations.values());
  return [
    ...m.invocations
      .filter((i) => i.role === 'auth')
      .map((i) =>
        guarded(`auth:${i.invocationId}`, 'auth-provider', 'Auth token provider invocation', i.invoke.seq, () =>
          authAttempt(m, i),
        ),
      ),
    ...m.widgetCards.map((c) =>
      guarded(
        widgetAttemptId(c),
        'bot-signin',
        'Sign-in card (live chat widget)',
        (c.held ?? c.received ?? c.entries[0])?.seq ?? 0,
        () => widgetCardAttempt(m, c),
      ),
    ),
    // Invocations the widget's own events do not cover (LCW v1, the simulator) are told from the page's side.
    ...m.invocations
      .filter((i) => i.role === 'bot' && !linked.has(i))
      .map((i) =>
        guarded(`bot:${i.invocationId}`, 'bot-signin', 'Bot sign-in card', i.invoke.seq, () => botAttempt(m, i)),
      ),
    ...m.cards.map((c) =>
      guarded(cardAttemptId(c), 'oauthcard', 'OAuthCard', c.record.sightings[0]?.entry.seq ?? 0, () => cardAttempt(c)),
    ),
  ].sort((a, b) => a.startSeq - b.startSeq);
}
