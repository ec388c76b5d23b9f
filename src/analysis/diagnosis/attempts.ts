/**
 * Groups a capture into SSO attempts (per auth token provider invocation, per bot sign-in card
 * (signInId), per OAuthCard) and tells, for each, the chain of steps and its outcome in one sentence.
 */
import { formatDuration } from '../format';
import { budgetStatus, type Invocation } from '../invocations';
import { LCW_ERROR_CODES } from '../lcwErrors';
import { tokenOneLiner } from '../timeline';
import type { CardAttempt } from '../webchat';
import { audienceText } from '../webchatRows';
import { cardAttemptId, invokeEvidence, invokeStatus } from './botFramework';
import type { Model } from './model';
import { BOT_CALLBACK_WINDOW_MS, postOf } from './omnichannelBot';
import { lcwErrorsAfter, registrationCallOf, tokenOfInvocation } from './omnichannelAuth';
import type { Attempt, Step } from './types';

function errorCode(detail: unknown): number | undefined {
  const code = detail && typeof detail === 'object' ? (detail as Record<string, unknown>).errorCode : undefined;
  const n = typeof code === 'string' ? Number(code) : code;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function authAttempt(m: Model, inv: Invocation): Attempt {
  const steps: Step[] = [{ text: 'The widget invoked the auth token provider', status: 'info', evidence: [inv.invoke.seq] }];
  const s = budgetStatus(inv, m.nowMs);
  const t = tokenOfInvocation(inv);
  const cb = inv.callbacks[0];
  let problem: string | undefined;
  if (inv.end?.event.outcome === 'threw' || inv.end?.event.outcome === 'rejected') {
    problem = `the provider ${inv.end.event.outcome === 'threw' ? 'threw' : 'rejected'} (${inv.end.event.error?.message ?? 'error'})`;
    steps.push({ text: `The provider ${inv.end.event.outcome} after ${formatDuration(inv.end.event.elapsedMs)}: ${inv.end.event.error?.name}: ${inv.end.event.error?.message}`, status: 'fail', evidence: [inv.end.seq] });
  }
  if (inv.budgetFlag) steps.push({ text: 'No callback within the documented 10 s', status: 'fail', evidence: [inv.budgetFlag.seq] });
  if (cb) {
    const late = s.state === 'over';
    steps.push({ text: `The provider called back after ${formatDuration(cb.event.elapsedMs)}${cb.event.sync ? ', synchronously' : ''}${late ? ' (over 10 s)' : ''}`, status: late ? 'fail' : 'ok', evidence: [cb.seq] });
    if (late) problem ??= `the provider took ${formatDuration(cb.event.elapsedMs)}, over the 10 s limit`;
  } else if (!problem && s.state === 'over') {
    problem = 'the provider never called back within 10 s';
  }
  if (t) {
    const line = tokenOneLiner(t.cb.event.token!, t.cb.event.at);
    steps.push({ text: `Token: ${line.text}`, status: line.severity === 'info' ? 'ok' : 'fail', evidence: [t.cb.seq] });
    if (line.severity !== 'info') problem ??= `the token is not acceptable (${line.text})`;
  } else if (cb) {
    steps.push({ text: `The callback got ${cb.event.valueType === 'string' ? 'an empty string' : cb.event.valueType}, not a token`, status: 'fail', evidence: [cb.seq] });
    problem ??= 'the provider handed over no token';
  }
  const errors = lcwErrorsAfter(m, inv);
  for (const e of errors) {
    const code = errorCode(e.event.detail);
    steps.push({ text: `The widget raised lcw:error${code !== undefined ? ` ${code}` : ''}${code !== undefined && LCW_ERROR_CODES[code] ? ` (${LCW_ERROR_CODES[code]})` : ''}`, status: 'fail', evidence: [e.seq] });
  }
  const next = m.invocations.find((o) => o.role === 'auth' && o.invoke.frameId === inv.invoke.frameId && o.invoke.seq > inv.invoke.seq);
  const queued = m.lcw.find((e) => (e.event.name === 'lcw:chatQueued' || e.event.name === 'lcw:chatRetrieved') && e.frameId === inv.invoke.frameId && e.seq > inv.invoke.seq && (!next || e.seq < next.invoke.seq));
  if (queued && !errors.length) steps.push({ text: `The widget raised ${queued.event.name}`, status: 'ok', evidence: [queued.seq] });
  // LCW v1 reads the token right after calling the provider inside setAuthTokenProvider.
  const reg = registrationCallOf(m, inv);
  if (reg && cb && !cb.event.sync) {
    steps.splice(1, 0, { text: 'The widget called the provider inside setAuthTokenProvider and read the token at once', status: 'fail', evidence: [reg.seq] });
    problem = `the provider called back asynchronously (${formatDuration(cb.event.elapsedMs)} later) while the widget read the token synchronously at registration`;
  }
  let outcome: Attempt['outcome'];
  let sentence: string;
  if (errors.length) {
    const code = errorCode(errors[0]!.event.detail);
    outcome = 'chat failed';
    sentence = `Authenticated chat failed with lcw:error${code !== undefined ? ` ${code}` : ''}${code !== undefined && LCW_ERROR_CODES[code] ? ` (${LCW_ERROR_CODES[code]})` : ''}${problem ? ` because ${problem}` : ''}.`;
  } else if (queued) {
    outcome = 'chat authenticated';
    sentence = `Chat authenticated: the provider answered${cb ? ` in ${formatDuration(cb.event.elapsedMs)}` : ''} and the widget queued the chat${problem ? `, although ${problem}` : ''}.`;
  } else if (problem) {
    outcome = 'unknown';
    sentence = `No widget verdict was seen, but ${problem}.`;
  } else {
    outcome = 'unknown';
    sentence = s.state === 'waiting' ? `Waiting for the provider (${formatDuration(s.elapsedMs)} so far).` : 'The provider answered; the widget did not report the chat as queued or failed.';
  }
  return { id: `auth:${inv.invocationId}`, kind: 'auth-provider', title: 'Auth token provider invocation', outcome, sentence, steps, startSeq: inv.invoke.seq };
}

function botAttempt(m: Model, inv: Invocation): Attempt {
  const e = inv.invoke.event;
  const steps: Step[] = [];
  const card = m.lcw.filter((x) => x.event.name === 'lcw:signInCardReceived' && x.frameId === inv.invoke.frameId && x.seq < inv.invoke.seq).at(-1);
  if (card) steps.push({ text: 'The widget received a bot sign-in card (lcw:signInCardReceived)', status: 'info', evidence: [card.seq] });
  steps.push({ text: `The bot auth token provider was invoked for signInId ${e.signInId ?? '(none)'}`, status: e.signInId ? 'info' : 'fail', evidence: [inv.invoke.seq] });
  const post = postOf(inv);
  const s = post?.event.status;
  const postOk = s === 200 || s === 202 || s === 404;
  if (post) steps.push({ text: `The token POST to botTokenUrl was answered ${s === null ? 'nothing' : s}${s === 200 ? ' (signed in)' : s === 202 || s === 404 ? ' (already signed in)' : ''}`, status: postOk ? 'ok' : 'fail', evidence: [post.seq] });
  else steps.push({ text: 'No POST to botTokenUrl was seen', status: 'fail', evidence: [inv.invoke.seq] });
  const cb = inv.callbacks[0];
  if (cb) steps.push({ text: `callback({show: ${String(cb.event.show)}}) after ${formatDuration(cb.event.elapsedMs)}`, status: cb.event.show === false && cb.event.elapsedMs <= BOT_CALLBACK_WINDOW_MS ? 'ok' : 'fail', evidence: [cb.seq] });
  else if (inv.end) steps.push({ text: 'The provider finished without calling the callback', status: 'fail', evidence: [inv.end.seq] });
  let outcome: Attempt['outcome'];
  let sentence: string;
  if (cb && cb.event.show === false && cb.event.elapsedMs <= BOT_CALLBACK_WINDOW_MS) {
    outcome = 'card hidden';
    sentence = `Sign-in card hidden: ${post ? `the token POST was answered ${s ?? 'nothing'}` : 'no token POST was seen'} and the provider called back {show: false} after ${formatDuration(cb.event.elapsedMs)}.`;
  } else if (cb || inv.end || m.nowMs - e.at > BOT_CALLBACK_WINDOW_MS) {
    outcome = 'card shown';
    const why = !cb
      ? `the provider never called back${post ? ` (its POST was answered ${s ?? 'nothing'})` : ''}`
      : cb.event.show !== false
        ? `the provider asked to show it (callback({show: ${String(cb.event.show)}}))${post && !postOk ? ` after its POST was answered ${s ?? 'nothing'}` : ''}`
        : `the provider called back after ${formatDuration(cb.event.elapsedMs)}, past the widget's ~2 s window`;
    sentence = `Sign-in card shown because ${why}.`;
  } else {
    outcome = 'unknown';
    sentence = 'Waiting for the bot auth token provider.';
  }
  return { id: `bot:${inv.invocationId}`, kind: 'bot-signin', title: `Bot sign-in card ${e.signInId ?? ''}`.trim(), outcome, sentence, steps, startSeq: card?.seq ?? inv.invoke.seq };
}

function cardAttempt(card: CardAttempt): Attempt {
  const ter = card.oauth.tokenExchangeResource;
  const start = card.record.sightings[0]!.entry.seq;
  const steps: Step[] = [
    {
      text: `The bot sent an OAuthCard (connectionName ${card.oauth.connectionName ?? '(none)'}${ter ? `, tokenExchangeResource uri ${ter.uri ?? '(none)'}` : ', no tokenExchangeResource'})`,
      status: ter ? 'info' : 'fail',
      evidence: [start],
    },
  ];
  for (const inv of card.invokes) {
    const status = invokeStatus(inv);
    steps.push({ text: `A signin/tokenExchange invoke was sent (${audienceText(inv, card)})`, status: inv.tokenAud && ter?.uri && inv.tokenAud !== ter.uri ? 'fail' : 'info', evidence: [inv.record.sightings[0]!.entry.seq] });
    steps.push({ text: `Result: ${inv.verdict}${typeof status === 'number' ? '' : ''}`, status: inv.succeeded ? 'ok' : 'fail', evidence: invokeEvidence(inv) });
  }
  if (card.invokes.length === 0 && ter) steps.push({ text: 'No signin/tokenExchange invoke was sent', status: 'fail', evidence: [start] });
  steps.push({
    text: card.basis === 'store' ? (card.passedOn ? "The page's middleware passed the card on to Web Chat" : "The page's middleware kept the card from Web Chat") : `Inferred from the network: the card was ${card.outcome}`,
    status: card.outcome === 'hidden' ? 'ok' : 'fail',
    evidence: card.passedOn ? [card.passedOn.seq] : [start],
  });
  const last = card.invokes.at(-1);
  let sentence: string;
  if (card.outcome === 'hidden') {
    sentence = `Sign-in card hidden: ${last?.succeeded ? `the token exchange succeeded (${last.verdict})` : card.reason}.`;
  } else if (!ter) {
    sentence = 'Sign-in card shown because it has no tokenExchangeResource (no Token Exchange URL on the OAuth connection), so SSO could not be tried.';
  } else if (!last) {
    sentence = 'Sign-in card shown because no signin/tokenExchange invoke was sent: the client did not intercept the card.';
  } else if (last.succeeded) {
    sentence = `Sign-in card shown although the token exchange succeeded (${last.verdict}).`;
  } else {
    sentence = `Sign-in card shown because ${last.verdict.replace(/^the /, 'the ')}.`;
  }
  return { id: cardAttemptId(card), kind: 'oauthcard', title: `OAuthCard ${card.oauth.connectionName ?? ''}`.trim(), outcome: card.outcome === 'hidden' ? 'card hidden' : 'card shown', sentence, steps, startSeq: start };
}

/** Every attempt of the capture, in the order they started. */
export function collectAttempts(m: Model): Attempt[] {
  return [
    ...m.invocations.filter((i) => i.role === 'auth').map((i) => authAttempt(m, i)),
    ...m.invocations.filter((i) => i.role === 'bot').map((i) => botAttempt(m, i)),
    ...m.cards.map(cardAttempt),
  ].sort((a, b) => a.startSeq - b.startSeq);
}
