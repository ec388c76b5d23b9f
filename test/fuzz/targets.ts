/**
 * The fuzz targets: every parser of untrusted input, with how its inputs are made and what counts
 * as a failure. Each target's `run` calls the code the way the extension does (the viewer's file
 * path, the relay's page-message path, the panel's timeline) and lets anything unexpected throw;
 * the engine (engine.ts) records which function threw, times the input and collects leaks.
 *
 * Crash = a throw where the function's docstring promises none, or any throw other than the
 * documented error type with its documented message. The functions without a docstring about
 * throwing (buildTimeline, tokenOneLiner, filterRows, diagramOf, diagramSvg) are what the panel renders:
 * a throw blanks it, so any throw counts.
 */
import { parseCaptureFile, CAPTURE_FORMAT } from '../../src/analysis/formats/capture';
import { diagnose } from '../../src/analysis/diagnosis';
import { diagramOf, diagramSvg } from '../../src/analysis/diagram';
import { LogIndex } from '../../src/analysis/model/logIndex';
import { collectAttempts } from '../../src/analysis/diagnosis/attempts';
import { buildModel } from '../../src/analysis/diagnosis/model';
import { filterRows, type RowFilter } from '../../src/analysis/rows/filter';
import { harToEntries, isHar } from '../../src/analysis/formats/har';
import { decodeJwtView } from '../../src/analysis/model/jwt';
import { parseLwiContexts } from '../../src/analysis/model/lwicontexts';
import { redactEntries, redactString } from '../../src/analysis/formats/redact';
import { buildTimeline, tokenOneLiner, type RowSource } from '../../src/analysis/rows/timeline';
import { parsePageMessage } from '../../src/shared/messages';
import { MAX_TOKEN } from '../../src/shared/constants';
import type { LogEntry } from '../../src/shared/events';
import type { Corpus } from './corpus';
import {
  B64_VARIANTS,
  B64URL_ALPHABET,
  cap,
  claims,
  deepJson,
  encodeB64,
  hostileString,
  hostileValue,
  JsonText,
  jwtLike,
  lwiContextsValue,
  pickDepth,
  setOwn,
  type B64Variant,
} from './gen';
import { mutateJson, mutateLog, mutateString, mutateText, slots } from './mutate';
import type { Rng } from './prng';

/** What a target reports besides throwing: redaction leaks, and checks that failed inside a function that swallows them. */
export interface Probe {
  /** Runs `f` as function `fn`: its time is counted under that name, and a throw is attributed to it. */
  call<T>(fn: string, f: () => T): T;
  /** A secret (or part of it) survived redaction. `shape`: token kind/encoding/placement. */
  leak(shape: string, detail: string): void;
  /** How many secrets this input planted (redaction). */
  planted(count: number): void;
  /** A failure caught inside the code under test (e.g. a diagnosis check that threw), reported as a crash of `fn`. */
  swallowed(fn: string, message: string): void;
}

export interface Target<I = unknown> {
  name: string;
  /** The functions under test, for the report. */
  covers: string;
  generate(rng: Rng, corpus: Corpus): I;
  run(input: I, probe: Probe): void;
}

/** A capture's "now": the last event's time, as the panel's file mode uses. */
const lastAt = (entries: readonly LogEntry[]) =>
  entries.reduce((max, e) => Math.max(max, Number.isFinite(e.event.at) ? e.event.at : 0), 0);

/**
 * What the panel computes for a log: diagnosis (and, called apart, the attempts it would swallow), the
 * attempts' sequence diagrams, timeline rows, a filter.
 */
function panelPipeline(probe: Probe, entries: LogEntry[], nowMs: number | undefined, filter?: RowFilter): void {
  const d = probe.call('diagnose', () => diagnose(entries, nowMs === undefined ? {} : { nowMs }));
  for (const f of d.findings)
    if (f.id === 'inspector.check-failed')
      probe.swallowed(`diagnose (${f.title.replace(/^Check (\S+).*/, 'check $1')}, caught)`, f.explanation);
  probe.call('collectAttempts', () => collectAttempts(buildModel(entries, nowMs === undefined ? {} : { nowMs })));
  // Each attempt's sequence diagram and its standalone SVG, as the Diagnosis view and Save SVG make them.
  const index = LogIndex.of(entries);
  for (const a of d.attempts) probe.call('diagramSvg', () => diagramSvg(diagramOf(a, index)));
  const rows = probe.call('buildTimeline', () => buildTimeline(entries, nowMs ?? lastAt(entries)));
  if (filter) probe.call('filterRows', () => filterRows(rows, filter));
}

/** A random timeline filter: words from the rows' own text or hostile text, sources, kinds, severities. */
function randomFilter(rng: Rng): RowFilter {
  const sources: RowSource[] = ['Omnichannel', 'Web Chat', 'Direct Line', 'network', 'page', 'extension'];
  return {
    text: rng.weighted<() => string>([
      [3, () => ''],
      [3, () => rng.pick(['token', 'JWT RS256', 'lcw:error', 'card', 'SHOWN', '502 retry', 'exp', ' ', '\u0130', 'ß'])],
      [2, () => hostileString(rng).slice(0, 200)],
    ])(),
    sources: sources.filter(() => rng.chance(0.2)),
    kinds: rng.chance(0.2)
      ? [rng.pick(['SDK call', 'auth callback', 'lcw:error', 'POST token', 'OAuthCard', hostileString(rng)])]
      : [],
    severity: rng.pick(['all', 'problems', 'errors'] as const),
  };
}

const CAPTURE_ERRORS = [
  /^This file is not JSON, so it is not a capture\. /,
  /^This file is a JSON array \(a Bot Framework \.transcript\?\), not a capture\. /,
  /^This file is not a JSON object, so it is not a capture\. /,
  /^This file is not a Chat SSO Inspector capture \(/,
  /^This capture has no valid "version" \(/,
  /^This capture was exported by a newer version \(v/,
  /^This capture has no "entries" list; /,
];

/** parseCaptureFile may throw only a plain Error with one of its documented messages. */
const isDocumentedCaptureError = (e: unknown) =>
  e instanceof Error && e.constructor === Error && CAPTURE_ERRORS.some((re) => re.test(e.message));

/** A capture fixture as an export file (the envelope buildCaptureFile writes). */
function captureFile(rng: Rng, entries: unknown[]): Record<string, unknown> {
  return {
    format: CAPTURE_FORMAT,
    version: 1,
    exportedAt: '2026-11-21T10:00:00.000Z',
    extensionVersion: '0.1.0',
    redaction: rng.pick(['none', 'mask', 'remove']),
    source: { tabUrl: 'https://contoso.example/chat/?scenario=x' },
    dropped: rng.pick([0, 0, 0, 5]),
    entries,
  };
}

/** Corpus logs, sometimes two glued together (seq repeated, two pages' events interleaved by time). */
function corpusLog(rng: Rng, corpus: Corpus): unknown[] {
  const first = structuredClone(rng.pick(corpus.captures).entries);
  if (!rng.chance(0.15)) return first;
  return [...first, ...structuredClone(rng.pick(corpus.captures).entries)];
}

/** Mutates JSON documents embedded as strings (HAR bodies, WebSocket frames) structurally. */
function mutateEmbeddedJson(rng: Rng, root: unknown): void {
  const candidates = slots(root).filter(
    (s) => typeof s.value === 'string' && /^\s*[[{]/.test(s.value) && s.value.length < 200_000,
  );
  for (let i = rng.range(1, 3); i > 0 && candidates.length; i--) {
    const slot = rng.pick(candidates);
    try {
      const text = new JsonText(rng);
      const mutated = text.stringify(mutateJson(rng, JSON.parse(slot.value as string), 6, text));
      if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = mutated;
      else setOwn(slot.parent, slot.key as string, mutated);
    } catch {
      // not JSON after all
    }
  }
}

const NOW = 1_795_231_371_942;
/** A capture time: usually near the tokens' times, sometimes at the edges of what `at` (a finite number) can be. */
const captureAt = (rng: Rng) =>
  rng.weighted<() => number>([
    [8, () => NOW + rng.range(-1e8, 1e8)],
    [1, () => rng.pick([0, -1, 8.64e15, 8.64e15 + 1, 1e308, -1e308, Number.MAX_VALUE, 5e-324])],
  ]);

/**
 * Files over this many characters are made again (up to three tries): the mutations that copy
 * items can snowball into 100 MB files, whose time only says that parsing 100 MB takes a while.
 */
const MAX_FILE_CHARS = 2_000_000;
function withinSize<I>(make: () => I, size: (input: I) => number): I {
  for (let i = 0; ; i++) {
    const input = make();
    if (i === 2 || size(input) <= MAX_FILE_CHARS) return input;
  }
}

// ── JWT display ─────────────────────────────────────────────────────────────────────────────────

export interface JwtInput {
  token: string;
  at: number;
}

/** A corpus token with its payload (or header) decoded, mutated as JSON and encoded again. */
function remintToken(rng: Rng, token: string): string {
  const segs = token.split('.');
  const i = rng.chance(0.7) ? 1 : 0;
  try {
    const text = new JsonText(rng);
    const json = JSON.parse(Buffer.from(segs[i]!, 'base64url').toString('utf8')) as unknown;
    segs[i] = encodeB64(text.stringify(mutateJson(rng, json, 6, text)), rng.pick(B64_VARIANTS));
  } catch {
    segs[i] = mutateString(rng, segs[i] ?? '');
  }
  return segs.join('.');
}

export const jwtTarget: Target<JwtInput> = {
  name: 'jwt',
  covers: 'decodeJwtView (src/analysis/jwt.ts), tokenOneLiner (src/analysis/timeline.ts)',
  generate(rng, corpus) {
    const token = rng.weighted<() => string>([
      [11, () => jwtLike(rng)],
      [5, () => remintToken(rng, rng.pick(corpus.tokens))],
      [2, () => mutateText(rng, rng.pick(corpus.tokens))],
      [2, () => hostileString(rng)],
    ])();
    return { token, at: captureAt(rng)() };
  },
  run({ token: raw, at }, probe) {
    // Every path to the display bounds a token to MAX_TOKEN characters (the hook cuts it, the schemas and the HAR import too).
    const token = raw.slice(0, MAX_TOKEN);
    probe.call('decodeJwtView', () => decodeJwtView(token, at));
    probe.call('tokenOneLiner', () => tokenOneLiner(token, at));
  },
};

// ── lwicontexts ─────────────────────────────────────────────────────────────────────────────────

export interface LwiInput {
  /** The JWT payload as JSON text (what jwt-decode parses). */
  payload: string;
}

/** A JWT payload with an lwicontexts claim: a corpus payload with its lwicontexts mutated, or generated claims. */
function lwiPayload(rng: Rng, corpus: Corpus): LwiInput {
  const text = new JsonText(rng);
  if (rng.chance(0.25)) {
    const token = rng.pick(corpus.tokens.filter((t) => t.split('.').length === 3));
    try {
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      if (typeof payload.lwicontexts === 'string') {
        try {
          const inner = new JsonText(rng);
          setOwn(payload, 'lwicontexts', inner.stringify(mutateJson(rng, JSON.parse(payload.lwicontexts), 6, inner)));
        } catch {
          setOwn(payload, 'lwicontexts', mutateString(rng, payload.lwicontexts));
        }
      } else setOwn(payload, 'lwicontexts', lwiContextsValue(rng, text));
      return { payload: text.stringify(payload) };
    } catch {
      // not a JSON payload: generate one
    }
  }
  const p = claims(rng, text, NOW);
  setOwn(p, 'lwicontexts', lwiContextsValue(rng, text));
  return { payload: text.stringify(p) };
}

export const lwiTarget: Target<LwiInput> = {
  name: 'lwicontexts',
  covers:
    'parseLwiContexts (src/analysis/lwicontexts.ts), and the same payload in a JWT through decodeJwtView and tokenOneLiner',
  generate(rng, corpus) {
    // Payloads that fit in a token (MAX_TOKEN characters of base64url): up to three tries, then whatever came out.
    for (let i = 0; ; i++) {
      const input = lwiPayload(rng, corpus);
      if (i === 2 || input.payload.length <= (MAX_TOKEN * 3) / 4 - 64) return input;
    }
  },
  run({ payload }, probe) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      return; // jwt-decode rejects it before lwicontexts is read
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
    const token = `${encodeB64('{"alg":"RS256","typ":"JWT"}', 'b64url')}.${encodeB64(payload, 'b64url')}.c2lnbmF0dXJl`;
    // A payload only comes out of a token, and tokens are cut to MAX_TOKEN characters: a longer one never decodes.
    if (token.length > MAX_TOKEN) return;
    probe.call('parseLwiContexts', () => parseLwiContexts(parsed as Record<string, unknown>));
    probe.call('decodeJwtView', () => decodeJwtView(token, NOW));
    probe.call('tokenOneLiner', () => tokenOneLiner(token, NOW));
  },
};

// ── relay messages ──────────────────────────────────────────────────────────────────────────────

export interface RelayInput {
  /** The `detail` of the page's event: normally a JSON string, but the page decides. */
  detail: unknown;
}

const SUMMARY_FIELDS = ['args', 'result', 'value', 'detail', 'payload'];

export const relayTarget: Target<RelayInput> = {
  name: 'relay',
  covers: 'parsePageMessage (src/shared/messages.ts); accepted events through diagnose, diagramSvg, buildTimeline',
  generate(rng, corpus) {
    const envelope = (events: unknown[]) => ({ channel: 'chat-sso-inspector', v: 1, events });
    const someEvents = () =>
      Array.from({ length: 1 + rng.size(8, 500, 0.03) }, () => structuredClone(rng.pick(corpus.events)));
    return rng.weighted<() => RelayInput>([
      [
        8,
        () => {
          const text = new JsonText(rng);
          return { detail: text.stringify(mutateJson(rng, envelope(someEvents()), 8, text)) };
        },
      ],
      [
        4,
        () => {
          // Schema-preserving: most events pass validation and reach the timeline.
          const entries = mutateLog(
            rng,
            someEvents().map((event, i) => ({ seq: i + 1, frameId: 0, event })),
          );
          return { detail: JSON.stringify(envelope(entries.map((e) => (e as { event: unknown }).event))) };
        },
      ],
      [
        2,
        () => {
          // Deep nesting in a Summary-typed field (the issue: a RangeError on deep nesting).
          const text = new JsonText(rng);
          const events = someEvents();
          const e = rng.pick(events) as Record<string, unknown>;
          const field = SUMMARY_FIELDS.find((f) => f in e) ?? 'detail';
          setOwn(
            e,
            field,
            text.raw(
              deepJson(
                pickDepth(rng),
                rng.pick(['array', 'object', 'mixed'] as const),
                rng.chance(0.5) ? '{"toString":0}' : '0',
              ),
            ),
          );
          return { detail: text.stringify(envelope(events)) };
        },
      ],
      [
        1,
        () => {
          // Around the size limit (MAX_MESSAGE_CHARS = 262,144 characters).
          const base = JSON.stringify(envelope([{ kind: 'lcw.event', t: 1, at: NOW, name: 'lcw:x', detail: '' }]));
          const pad = 262_144 - base.length + rng.range(-2, 2);
          return { detail: base.replace('"detail":""', `"detail":"${'x'.repeat(Math.max(0, pad))}"`) };
        },
      ],
      [2, () => ({ detail: mutateText(rng, JSON.stringify(envelope(someEvents()))) })],
      [1, () => ({ detail: rng.chance(0.5) ? hostileValue(rng, 3) : JSON.stringify(hostileValue(rng, 3)) })],
    ])();
  },
  run({ detail }, probe) {
    const { events } = probe.call('parsePageMessage', () => parsePageMessage(detail));
    if (events.length === 0) return;
    // What the background and the panel make of them (src/background: seq from 1, the sender's frame).
    const entries: LogEntry[] = events.map((event, i) => ({ seq: i + 1, frameId: 0, event }));
    panelPipeline(probe, entries, undefined);
  },
};

// ── HAR import ──────────────────────────────────────────────────────────────────────────────────

export interface HarInput {
  /** The file's text, as the viewer reads it. */
  text: string;
}

const HAR_URLS = [
  'https://directline.botframework.com/v3/directline/conversations',
  'https://directline.botframework.com/v3/directline/conversations/abc/activities',
  'https://directline.botframework.com/v3/directline/conversations/abc/activities?watermark=1',
  'wss://directline.botframework.com/v3/directline/conversations/abc/stream?t=x',
  'https://europe.directline.botframework.com/v3/directline/tokens/generate',
  'https://token.botframework.com/api/sas/postToken?state=S&hmac=H',
  'https://contoso.crm.dynamics.com/livechatconnector/v2/auth/getchattoken',
  'https://contoso.crm.dynamics.com/livechatconnector/config/abc',
  'https://x.test/v3/directline/conversations/%E0%A4%A/activities',
  'https://x.test/v3/directline/conversations/%/activities',
  'https://x.test/v3/directline/%zz',
];

/** A synthetic HAR entry for a watched request, fields drawn from what the import reads. */
function harEntry(rng: Rng, corpus: Corpus): Record<string, unknown> {
  const url = rng.chance(0.8) ? rng.pick(HAR_URLS) : mutateString(rng, rng.pick(HAR_URLS));
  const activities = () =>
    JSON.stringify({
      activities: Array.from({ length: rng.range(0, 3) }, () => hostileActivity(rng, corpus)),
      watermark: rng.pick<unknown>(['1', 2, {}, null]),
    });
  const entry: Record<string, unknown> = {
    startedDateTime: rng.pick([
      '2026-11-21T10:00:00.000Z',
      '2026-11-21T10:00:01.5+01:00',
      'x',
      '275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00Z',
    ]),
    time: rng.pick<unknown>([40, -1, 0, 1e308, 5e-324, 'x']),
    request: {
      method: rng.pick(['GET', 'POST', 'OPTIONS', 'post', '', hostileString(rng)]),
      url,
      headers: rng.chance(0.5)
        ? [{ name: 'AuthenticatedUserToken', value: rng.chance(0.8) ? jwtLike(rng) : hostileValue(rng, 2) }]
        : [],
      ...(rng.chance(0.5)
        ? { postData: { text: rng.chance(0.7) ? JSON.stringify(hostileActivity(rng, corpus)) : hostileString(rng) } }
        : {}),
    },
    response: {
      status: rng.pick<unknown>([200, 201, 502, 412, 0, -1, 101, 1e308, 3.5]),
      headers: [],
      content: rng.chance(0.2)
        ? { size: 10, text: Buffer.from(activities()).toString('base64'), encoding: 'base64' }
        : { size: 10, text: rng.chance(0.8) ? activities() : hostileString(rng) },
      ...(rng.chance(0.2) ? { _error: hostileString(rng) } : {}),
    },
    _resourceType: rng.pick(['fetch', 'xhr', 'websocket', 'document', 'preflight']),
  };
  if (rng.chance(0.3))
    entry._webSocketMessages = Array.from({ length: rng.range(0, 4) }, () => ({
      type: rng.pick(['receive', 'send']),
      time: rng.pick<unknown>([1795255201.5, 0, -1, 1e308, 'x']),
      opcode: rng.pick([1, 2, undefined]),
      data: rng.chance(0.8) ? activities() : hostileString(rng),
    }));
  return entry;
}

/** An activity as a bot sends it: a corpus activity-bearing event's shape, or an OAuthCard with hostile members. */
function hostileActivity(rng: Rng, _corpus: Corpus): unknown {
  const card = {
    contentType: rng.pick([
      'application/vnd.microsoft.card.oauth',
      'application/vnd.microsoft.card.signin',
      hostileString(rng),
    ]),
    content: {
      connectionName: rng.chance(0.8) ? 'SsoConnection' : hostileValue(rng, 2),
      tokenExchangeResource: rng.chance(0.8)
        ? { id: 'c0ffee00', uri: rng.chance(0.8) ? 'api://botid-0b0701' : hostileValue(rng, 2) }
        : hostileValue(rng, 2),
      tokenPostResource: {
        sasUrl: rng.chance(0.8) ? 'https://token.botframework.com/api/sas/postToken?state=abc' : hostileValue(rng, 2),
      },
      buttons: rng.chance(0.8)
        ? [{ type: 'signin', title: 'Sign In', value: 'https://token.botframework.com/api/oauth/signin?signin=abc' }]
        : hostileValue(rng, 2),
    },
  };
  return {
    type: rng.pick(['message', 'invoke', 'event', hostileString(rng)]),
    id: rng.pick(['abc|0000001', hostileString(rng)]),
    name: rng.pick([undefined, 'signin/tokenExchange', hostileString(rng)]),
    from: rng.chance(0.9)
      ? { id: rng.pick(['sso-bot', 'dl_user', hostileString(rng)]), role: rng.pick(['bot', 'user']) }
      : hostileValue(rng, 2),
    attachments: rng.chance(0.7) ? [card] : hostileValue(rng, 2),
    value: rng.chance(0.5) ? { id: 'x', connectionName: 'SsoConnection', token: jwtLike(rng) } : hostileValue(rng, 3),
    channelData: rng.chance(0.5) ? { clientActivityID: hostileString(rng) } : hostileValue(rng, 2),
  };
}

/** A HAR file: a fixture mutated, a synthetic one, damaged text or other JSON. */
function harInput(rng: Rng, corpus: Corpus): HarInput {
  return rng.weighted<() => HarInput>([
    [
      7,
      () => {
        const har = structuredClone(rng.pick(corpus.hars).json);
        const text = new JsonText(rng);
        if (rng.chance(0.6)) mutateEmbeddedJson(rng, har);
        if (rng.chance(0.9)) mutateJson(rng, har, 8, text);
        return { text: text.stringify(har) };
      },
    ],
    [
      3,
      () => {
        const text = new JsonText(rng);
        const entries = Array.from({ length: rng.range(1, 8) }, () => harEntry(rng, corpus));
        if (rng.chance(0.5)) mutateJson(rng, entries, 4, text);
        return {
          text: text.stringify({
            log: {
              version: '1.2',
              pages: rng.chance(0.5)
                ? [{ id: 'page_1', title: rng.pick(['https://contoso.example/', hostileString(rng)]) }]
                : hostileValue(rng, 2),
              entries,
            },
          }),
        };
      },
    ],
    [1, () => ({ text: mutateText(rng, JSON.stringify(rng.pick(corpus.hars).json)) })],
    [1, () => ({ text: JSON.stringify(rng.chance(0.5) ? { log: hostileValue(rng, 3) } : hostileValue(rng, 3)) })],
  ])();
}

export const harTarget: Target<HarInput> = {
  name: 'har',
  covers: 'isHar, harToEntries (src/analysis/har.ts); the imported log through diagnose, diagramSvg, buildTimeline',
  generate(rng, corpus) {
    return withinSize(
      () => harInput(rng, corpus),
      (i) => i.text.length,
    );
  },
  run({ text }, probe) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // the viewer says "not JSON"
    }
    const har = probe.call('isHar', () => isHar(json));
    let entries: LogEntry[];
    try {
      entries = probe.call('harToEntries', () => harToEntries(json).entries);
    } catch (e) {
      // Documented: an Error "Not a HAR file: …", only when the file is not a HAR at all.
      if (!har && e instanceof Error && e.constructor === Error && /^Not a HAR file: /.test(e.message)) return;
      throw e;
    }
    if (entries.length) panelPipeline(probe, entries, undefined);
  },
};

// ── capture import ──────────────────────────────────────────────────────────────────────────────

export interface CaptureInput {
  /** The file's text. */
  text: string;
  /** Pass the text itself (parseCaptureFile parses it) rather than the parsed value. */
  asText: boolean;
}

/** A capture file: a fixture as an export file, mutated; damaged text; or other JSON. */
function captureInput(rng: Rng, corpus: Corpus): CaptureInput {
  const asText = rng.chance(0.3);
  return rng.weighted<() => CaptureInput>([
    [
      8,
      () => {
        const text = new JsonText(rng);
        return { text: text.stringify(mutateJson(rng, captureFile(rng, corpusLog(rng, corpus)), 10, text)), asText };
      },
    ],
    [2, () => ({ text: mutateText(rng, JSON.stringify(captureFile(rng, rng.pick(corpus.captures).entries))), asText })],
    [
      1,
      () => ({
        text: JSON.stringify(
          rng.chance(0.5) ? { ...captureFile(rng, []), entries: hostileValue(rng, 3) } : hostileValue(rng, 3),
        ),
        asText,
      }),
    ],
  ])();
}

export const captureTarget: Target<CaptureInput> = {
  name: 'capture',
  covers: 'parseCaptureFile (src/analysis/capture.ts)',
  generate(rng, corpus) {
    return withinSize(
      () => captureInput(rng, corpus),
      (i) => i.text.length,
    );
  },
  run({ text, asText }, probe) {
    let json: unknown = text;
    if (!asText) {
      try {
        json = JSON.parse(text);
      } catch {
        return;
      }
    }
    try {
      probe.call('parseCaptureFile', () => parseCaptureFile(json));
    } catch (e) {
      if (isDocumentedCaptureError(e)) return;
      throw e;
    }
  },
};

// ── diagnosis, timeline and filters over mutated logs ──────────────────────────────────────────

export interface DiagnosisInput {
  /** A capture file's text: the log, mutated so that most entries stay valid. */
  text: string;
  /** `nowMs` for diagnose and the timeline; absent: the last event's time (file mode). */
  nowMs?: number;
  filter: RowFilter;
}

/** A mutated log as a capture file, a `nowMs` and a filter. */
function diagnosisInput(rng: Rng, corpus: Corpus): DiagnosisInput {
  const log = mutateLog(rng, corpusLog(rng, corpus), 12);
  const text = new JsonText(rng);
  if (rng.chance(0.05) && log.length > 0) {
    // Deep nesting where the schema allows any JSON (Summary).
    const e = (rng.pick(log) as { event?: Record<string, unknown> })?.event;
    if (e && typeof e === 'object')
      setOwn(
        e,
        SUMMARY_FIELDS.find((f) => f in e) ?? 'detail',
        text.raw(deepJson(pickDepth(rng), rng.pick(['array', 'object', 'mixed'] as const))),
      );
  }
  const at = lastAt(
    log.filter((e): e is LogEntry => !!e && typeof (e as LogEntry).event?.at === 'number') as LogEntry[],
  );
  const nowMs = rng.weighted<() => number | undefined>([
    [4, () => undefined],
    [3, () => at + rng.range(-20_000, 60_000)],
    [1, () => rng.pick([0, -1, 8.64e15, 1e308, -1e308])],
  ])();
  return {
    text: text.stringify(captureFile(rng, log)),
    ...(nowMs === undefined ? {} : { nowMs }),
    filter: randomFilter(rng),
  };
}

export const diagnosisTarget: Target<DiagnosisInput> = {
  name: 'diagnosis',
  covers:
    'diagnose, collectAttempts (src/analysis/diagnosis), diagramOf, diagramSvg (src/analysis/diagram), ' +
    'buildTimeline (src/analysis/timeline.ts), filterRows (src/analysis/filter.ts) over logs read by parseCaptureFile',
  generate(rng, corpus) {
    return withinSize(
      () => diagnosisInput(rng, corpus),
      (i) => i.text.length,
    );
  },
  run({ text, nowMs, filter }, probe) {
    let entries: LogEntry[];
    try {
      entries = probe.call('parseCaptureFile', () => parseCaptureFile(text).entries);
    } catch (e) {
      if (isDocumentedCaptureError(e)) return;
      throw e;
    }
    panelPipeline(probe, entries, nowMs, filter);
  },
};

// ── redaction with planted secrets ─────────────────────────────────────────────────────────────

/** A secret planted in the input, as it appears there (its encoding included). */
export interface Needle {
  /** The planted text that must not survive (a signature, a JWE part, an opaque secret). */
  secret: string;
  /** kind/encoding/placement, e.g. "jws/b64/url-param". */
  shape: string;
}

/**
 * Free text (`repeat`: [unit, count] appended to `text`, so that a long reproducer stays short in a
 * file) or a log, with the secrets planted in it.
 */
export type RedactionInput =
  | { mode: 'string'; text: string; repeat?: [unit: string, count: number]; needles: Needle[] }
  | { mode: 'entries'; entries: LogEntry[]; needles: Needle[] };

interface Planted {
  /** The token or secret in plain form. */
  value: string;
  /** Its secret parts (signature, JWE parts, or the whole opaque value). */
  parts: string[];
  kind: string;
  encoding: string;
}

/** A real-looking JWS or JWE in one base64 variant: header and claims JSON, random signature or JWE parts. */
function plantToken(rng: Rng): Planted {
  const variant: B64Variant = rng.pick(B64_VARIANTS);
  const enc = (b: Uint8Array | string) => encodeB64(b, variant);
  if (rng.chance(0.3)) {
    const alg = rng.pick(['RSA-OAEP', 'RSA-OAEP-256', 'dir', 'ECDH-ES+A256KW']);
    const h = enc(
      JSON.stringify({
        alg,
        enc: rng.pick(['A256GCM', 'A128CBC-HS256']),
        ...(rng.chance(0.5) ? { kid: rng.chars(12, 'abcdef0123456789') } : {}),
      }),
    );
    const parts = [
      alg === 'dir' ? '' : enc(rng.bytes(rng.pick([128, 256]))),
      enc(rng.bytes(12 + 3 * rng.int(2))),
      enc(rng.bytes(rng.range(16, 600))),
      enc(rng.bytes(16 + 3 * rng.int(2))),
    ];
    return { value: [h, ...parts].join('.'), parts: parts.filter((p) => p.length > 0), kind: 'jwe', encoding: variant };
  }
  const h = enc(
    JSON.stringify({
      alg: rng.pick(['RS256', 'RS512', 'PS256', 'ES256', 'HS256']),
      typ: 'JWT',
      ...(rng.chance(0.5) ? { kid: rng.chars(rng.range(8, 40), 'ABCDEFabcdef0123456789-_') } : {}),
    }),
  );
  const p = enc(
    JSON.stringify({
      sub: rng.chars(12, 'abcdef0123456789'),
      aud: 'api://botid-0b0701',
      exp: 1_795_234_976 + rng.range(-9999, 9999),
      ...(rng.chance(0.4) ? { lwicontexts: JSON.stringify({ msdyn_cartvalue: String(rng.range(1, 99_999)) }) } : {}),
      ...(rng.chance(0.3) ? { name: hostileString(rng).slice(0, 80) } : {}),
    }),
  );
  const sig = enc(rng.bytes(rng.pick([32, 64, 256, 512])));
  return { value: `${h}.${p}.${sig}`, parts: [sig], kind: 'jws', encoding: variant };
}

const OPAQUE_ALPHABETS: [string, string][] = [
  ['hex', '0123456789abcdef'],
  ['b64url', B64URL_ALPHABET],
  ['b64', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'],
  ['alnum', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'],
  ['dotted', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.'],
];

/** An opaque secret (not a JWT): a random string of 16–200 characters; standard base64 may end in padding. */
function plantOpaque(rng: Rng): Planted {
  const [name, alphabet] = rng.pick(OPAQUE_ALPHABETS);
  let value = rng.chars(rng.pick([16, 24, 32, 43, 64, 200]), alphabet);
  if (name === 'dotted') value = value.replace(/^\.+|\.+$/g, 'x').replace(/\.{2,}/g, '.');
  if (name === 'b64' && rng.chance(0.5)) value += rng.pick(['=', '==']);
  return { value, parts: [value], kind: 'opaque', encoding: name };
}

/** Query/fragment parameters and keys the redaction documents as secret (docs/capture-format.md, "Redaction"). */
const SECRET_PARAMS = [
  'access_token',
  'id_token',
  'token',
  'code',
  'hmac',
  'sig',
  'signature',
  'key',
  'secret',
  'password',
];
const SECRET_KEYS = [
  'token',
  'id_token',
  'auth_token',
  'access_token',
  'accessToken',
  'refresh_token',
  'authenticatedUserToken',
  'AuthenticatedUserToken',
  'client_secret',
  'clientSecret',
  'password',
  'apiKey',
  'authorization',
  'Authorization',
  'hmac',
  'signature',
];
const ANY_PARAMS = ['state', 'assertion', 'jwt', 'x', 'redirect_uri', 'data'];

/** Text around a planted secret; `big`: a long run (16 K to the profile's limit) that also times the redaction. */
function filler(rng: Rng, big = false): string {
  if (big) {
    const unit = rng.pick(['x', 'ey', 'a.', 'e.y', 'eyJ.', 'ab=', 'a%2F']);
    return unit.repeat(Math.ceil(rng.range(cap(16_384), cap(70_000)) / unit.length));
  }
  return rng.weighted<() => string>([
    [6, () => rng.pick(['', 'Token was', 'callback failed:', 'see', 'GET', '→', '(', '"', 'then', 'at 10:00.'])],
    [2, () => hostileString(rng).slice(0, 300)],
  ])();
}

/** Inputs with one long run of filler: rare, since the redaction's time on them is what they measure. */
const P_BIG = 0.002;

/** Where a secret goes in free text, and how its parts then read there. */
type Placement = { name: string; wrap: (v: string) => string; encode: (part: string) => string };
const identity = (s: string) => s;
const escSlash = (s: string) => s.replace(/\//g, '\\/');
const pct = encodeURIComponent;
const pct2 = (s: string) => encodeURIComponent(encodeURIComponent(s));

function tokenPlacements(rng: Rng): Placement[] {
  const param = rng.pick([...SECRET_PARAMS, ...ANY_PARAMS]);
  return [
    { name: 'bare', wrap: identity, encode: identity },
    {
      name: 'url-param',
      wrap: (v) => `https://login.contoso.example/cb?foo=1&${param}=${v}&state=abc`,
      encode: identity,
    },
    {
      name: 'url-fragment',
      wrap: (v) => `https://contoso.example/cb#${param}=${v}&token_type=Bearer`,
      encode: identity,
    },
    { name: 'url-path', wrap: (v) => `https://api.contoso.example/session/${v}/start`, encode: identity },
    { name: 'percent-param', wrap: (v) => `https://x.test/?${param}=${pct(v)}&y=1`, encode: pct },
    {
      name: 'percent-json-param',
      wrap: (v) => `https://x.test/?state=${pct(JSON.stringify({ t: v, n: 1 }))}`,
      encode: pct,
    },
    {
      name: 'double-encoded',
      wrap: (v) => `https://x.test/login?redirect_uri=${pct(`https://app.test/cb?id_token=${pct(v)}`)}`,
      encode: pct2,
    },
    { name: 'header-authorization', wrap: (v) => `Authorization: Bearer ${v}`, encode: identity },
    { name: 'header-authenticated-user-token', wrap: (v) => `AuthenticatedUserToken: ${v}`, encode: identity },
    {
      name: 'cookie',
      wrap: (v) => `Cookie: ai_session=abc; ${rng.pick(['token', 'session', 'auth', 'x'])}=${v}; lang=en`,
      encode: identity,
    },
    {
      name: 'json-text',
      wrap: (v) => JSON.stringify({ ok: false, [rng.pick(['value', 'token', 'jwt', 'x'])]: v, n: 1 }),
      encode: identity,
    },
    { name: 'json-escaped-slash', wrap: (v) => `{"value":"${escSlash(v)}"}`, encode: escSlash },
    {
      name: 'prose',
      wrap: (v) =>
        `${rng.pick(['Token was', 'got', 'The provider returned'])} ${v}${rng.pick(['.', '. Then it failed.', ',', '', ')', '!'])}`,
      encode: identity,
    },
    {
      name: 'quoted',
      wrap: (v) => `${rng.pick(['"', "'", '`', '(', '<', '['])}${v}${rng.pick(['"', "'", '`', ')', '>', ']'])}`,
      encode: identity,
    },
    { name: 'glued', wrap: (v) => `${rng.pick(['22', 'x', '%22', '=', ':', '0'])}${v}`, encode: identity },
  ];
}

function opaquePlacements(rng: Rng): Placement[] {
  const param = rng.pick(SECRET_PARAMS);
  const key = rng.pick(SECRET_KEYS);
  return [
    { name: `url-param:${param}`, wrap: (v) => `https://x.test/cb?foo=1&${param}=${v}&state=abc`, encode: identity },
    {
      name: `url-fragment:${param}`,
      wrap: (v) => `https://x.test/cb#${param}=${v}&token_type=Bearer`,
      encode: identity,
    },
    { name: `percent-param:${param}`, wrap: (v) => `https://x.test/?${param}=${pct(v)}`, encode: pct },
    { name: `json-text:${key}`, wrap: (v) => JSON.stringify({ ok: true, [key]: v }), encode: identity },
    { name: 'header-authorization', wrap: (v) => `Authorization: Bearer ${v}`, encode: identity },
  ];
}

/** One planted secret in free text: its text and needles. */
function plantInText(rng: Rng): { text: string; needles: Needle[] } {
  const secret = rng.chance(0.7) ? plantToken(rng) : plantOpaque(rng);
  const placement = rng.pick(secret.kind === 'opaque' ? opaquePlacements(rng) : tokenPlacements(rng));
  const shape = `${secret.kind}/${secret.encoding}/${placement.name}`;
  return {
    text: placement.wrap(secret.value),
    needles: secret.parts.map((p) => ({ secret: placement.encode(p), shape })),
  };
}

/** Free text with 1–3 planted secrets among filler. */
function redactionText(rng: Rng): { text: string; needles: Needle[] } {
  const pieces: string[] = [];
  const needles: Needle[] = [];
  const plants = rng.range(1, 3);
  const big = rng.chance(P_BIG) ? rng.int(plants) : -1;
  for (let n = 0; n < plants; n++) {
    pieces.push(filler(rng, n === big));
    const p = plantInText(rng);
    pieces.push(p.text);
    needles.push(...p.needles);
  }
  pieces.push(filler(rng));
  return { text: pieces.join(rng.pick([' ', '\n', ' | ', ''])), needles };
}

/** A log with secrets in token fields, secret-named keys of page values, URLs and messages. */
function redactionEntries(rng: Rng): { entries: LogEntry[]; needles: Needle[] } {
  const needles: Needle[] = [];
  const entries: LogEntry[] = [];
  const base = (kind: string) => ({ t: 100 + entries.length, at: NOW + entries.length, kind });
  const push = (event: Record<string, unknown>) =>
    entries.push({ seq: entries.length + 1, frameId: 0, event: event as unknown as LogEntry['event'] });
  const events = rng.range(1, 4);
  const big = rng.chance(P_BIG) ? rng.int(events) : -1;
  for (let n = 0; n < events; n++) {
    const secret = rng.chance(0.6) ? plantToken(rng) : plantOpaque(rng);
    const mark = (field: string) =>
      needles.push(...secret.parts.map((p) => ({ secret: p, shape: `${secret.kind}/${secret.encoding}/${field}` })));
    const inText = () => {
      const p = plantInText(rng);
      needles.push(...p.needles.map((x) => ({ ...x, shape: `${x.shape} (in an event)` })));
      return `${filler(rng, n === big)} ${p.text}`;
    };
    rng.weighted<() => void>([
      [
        3,
        () => {
          mark('provider.callback.token');
          push({
            ...base('provider.callback'),
            invocationId: 'a1',
            role: 'auth',
            elapsedMs: 5,
            sync: false,
            callCount: 1,
            token: secret.value,
            valueType: 'string',
          });
        },
      ],
      [
        2,
        () => {
          mark('omnichannel.http.authenticatedUserToken');
          push({
            ...base('omnichannel.http'),
            requestId: 'o1',
            method: 'POST',
            url: inText(),
            endpoint: 'v2/auth/getchattoken',
            status: 200,
            elapsedMs: 5,
            authenticatedUserToken: secret.value,
          });
        },
      ],
      [
        2,
        () => {
          mark('directline.post.activity.tokenExchange.token');
          push({
            ...base('directline.post'),
            callId: 'p1',
            outcome: 'id',
            elapsedMs: 5,
            activity: {
              type: 'invoke',
              name: 'signin/tokenExchange',
              tokenExchange: { id: 'x', connectionName: 'SsoConnection', token: secret.value, tokenType: 'jwt' },
            },
          });
        },
      ],
      [
        3,
        () => {
          // A secret-named key somewhere inside a page value (Summary).
          const key = rng.pick(SECRET_KEYS);
          mark(`lcw.event.detail key ${key}`);
          const inner: Record<string, unknown> = {};
          setOwn(
            inner,
            key,
            key.toLowerCase() === 'authorization' && rng.chance(0.5) ? `Bearer ${secret.value}` : secret.value,
          );
          const detail = rng.pick([inner, { headers: inner }, { config: { auth: [inner] } }, [inner]]);
          push({ ...base('lcw.event'), name: 'lcw:custom', detail });
        },
      ],
      [
        2,
        () => {
          const key = rng.pick(SECRET_KEYS);
          mark(`sdk.call.args key ${key}`);
          const arg: Record<string, unknown> = { inNewWindow: false };
          setOwn(arg, key, secret.value);
          push({
            ...base('sdk.call'),
            callId: 'c1',
            method: 'startChat',
            args: [arg, inText()],
            outcome: 'returned',
            durationMs: 1,
            returnedPromise: false,
          });
        },
      ],
      [
        2,
        () =>
          push({
            ...base('net.request'),
            requestId: 'n1',
            api: 'fetch',
            method: 'POST',
            url: inText(),
            status: 200,
            elapsedMs: 3,
          }),
      ],
      [2, () => push({ ...base('page.error'), errorType: 'error', name: 'Error', message: inText() })],
      [1, () => push({ ...base('hook.error'), where: 'network', message: inText() })],
    ])();
  }
  return { entries, needles };
}

/** Every string of a value (keys too), for the leak check. */
function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => allStrings(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allStrings(v, out);
    }
  return out;
}

/** Length of the windows a leak is looked for with: any run of ≥ WINDOW + STRIDE − 1 characters of a secret that survives is found. */
const WINDOW = 16;
const STRIDE = 4;

/** The part of `secret` found in `text`, if any: the whole of a short secret, or a WINDOW-long piece of a longer one. */
export function survivingPart(secret: string, text: string): string | undefined {
  if (secret.length <= WINDOW + STRIDE) return text.includes(secret) ? secret : undefined;
  for (let i = 0; i + WINDOW <= secret.length; i += STRIDE) {
    const piece = secret.slice(i, i + WINDOW);
    if (text.includes(piece)) return piece;
  }
  const tail = secret.slice(-WINDOW);
  return text.includes(tail) ? tail : undefined;
}

export const redactionTarget: Target<RedactionInput> = {
  name: 'redaction',
  covers:
    "redactString, redactEntries (src/analysis/redact.ts), profile 'mask'; leak = a signature, JWE part or opaque secret (or 16+ characters of one) surviving",
  generate(rng) {
    if (rng.chance(0.5)) return { mode: 'string', ...redactionText(rng) };
    return { mode: 'entries', ...redactionEntries(rng) };
  },
  run(input, probe) {
    probe.planted(input.needles.length);
    const text =
      input.mode === 'string' && input.repeat
        ? input.text + input.repeat[0].repeat(input.repeat[1])
        : input.mode === 'string'
          ? input.text
          : '';
    const out =
      input.mode === 'string'
        ? probe.call('redactString', () => redactString(text, 'mask'))
        : allStrings(probe.call('redactEntries', () => redactEntries(input.entries, 'mask'))).join('\n');
    for (const needle of input.needles) {
      const part = survivingPart(needle.secret, out);
      if (part !== undefined)
        probe.leak(
          needle.shape,
          part === needle.secret
            ? `the whole secret survived (${needle.secret.length} chars)`
            : `part of a ${needle.secret.length}-char secret survived: ${part}`,
        );
    }
  },
};

/** Every target, in report order. */
export const TARGETS: readonly Target<any>[] = [
  jwtTarget,
  lwiTarget,
  relayTarget,
  harTarget,
  captureTarget,
  diagnosisTarget,
  redactionTarget,
];

export const targetByName = (name: string): Target<any> | undefined => TARGETS.find((t) => t.name === name);
