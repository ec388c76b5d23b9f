/**
 * The sequence diagram of each SSO attempt (src/analysis/diagram): for every captured demo scenario its
 * lanes and arrows follow the attempt's steps, the branch and the deciding step are marked, the spans
 * are where they apply; the SVG string escapes hostile page strings and stays well-formed.
 */
import { describe, expect, it } from 'vitest';
import {
  diagramCss,
  diagramOf,
  diagramSvg,
  escapeXml,
  GEOMETRY,
  layoutDiagram,
  LANE_ORDER,
  LIGHT_PALETTE,
  type SequenceDiagram,
} from '../../src/analysis/diagram';
import type { SsoAttempt } from '../../src/analysis/diagnosis';
import { LogModel } from '../../src/analysis/logModel';
import { WIDGET_DECISION_WINDOW_MS } from '../../src/analysis/model/widgetCards';
import { AUTH_PROVIDER_BUDGET_MS } from '../../src/shared/constants';
import type { LogEntry } from '../../src/shared/events';
import { CAPTURE_IDS, capture, capturedAt, editEvents } from '../helpers/captures';
import { NASTY_JSON } from '../helpers/nasty';

function diagnosed(entries: LogEntry[], nowMs?: number) {
  const model = LogModel.of(entries);
  const diagnosis = model.diagnose(nowMs ?? model.index.lastAt);
  return { model, attempts: diagnosis.attempts };
}

function diagramsOf(id: string): { attempt: SsoAttempt; d: SequenceDiagram }[] {
  const { model, attempts } = diagnosed(capture(id), capturedAt(id));
  return attempts.map((attempt) => ({ attempt, d: diagramOf(attempt, model.index) }));
}

const TAGS = new Set(['svg', 'title', 'style', 'g', 'rect', 'line', 'polygon', 'text']);

/** Checks that `svg` is well-formed XML made of the drawing's tags only, with no event handler; returns the tags. */
function checkSvg(svg: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  // Text between tags may hold no markup character; entities only the five XML ones or numeric.
  for (const m of svg.matchAll(/<(\/?)([a-z]+)((?:\s+[a-zA-Z0-9:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g)) {
    const [, close, tag, attrs, selfClose, text, stray] = m;
    if (stray) throw new Error(`stray < at ${m.index}`);
    if (text !== undefined) {
      expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos|#\d+);)/);
      continue;
    }
    expect(TAGS.has(tag!), `tag ${tag}`).toBe(true);
    for (const [, name] of (attrs ?? '').matchAll(/\s([a-zA-Z0-9:-]+)="[^"]*"/g))
      expect(name).not.toMatch(/^on|href$/i);
    if (close) expect(stack.pop()).toBe(tag);
    else {
      if (!selfClose) stack.push(tag!);
      seen.push(tag!);
    }
  }
  expect(stack).toEqual([]);
  // eslint-disable-next-line no-control-regex
  expect(svg).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
  expect(svg).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  return seen;
}

describe('every captured demo scenario', () => {
  const cases = CAPTURE_IDS.flatMap((id) => diagramsOf(id).map(({ attempt, d }) => ({ id, attempt, d })));

  it('has diagrams to check', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(new Set(cases.map((c) => c.attempt.kind))).toEqual(new Set(['auth-provider', 'bot-signin', 'oauthcard']));
  });

  it.each(cases.map((c) => [`${c.id} ${c.attempt.id}`, c] as const))(
    '%s: lanes and arrows follow the steps',
    (_, c) => {
      const { attempt, d } = c;
      const { model } = diagnosed(capture(c.id), capturedAt(c.id));
      attempt.steps.forEach((step, i) => {
        const mine = d.messages.filter((m) => m.step === i);
        expect(mine.length, `step ${i} "${step.text}" has a message`).toBeGreaterThan(0);
        for (const m of mine) {
          expect(step.evidence).toContain(m.seq);
          expect(m.detail).toBe(step.text);
          expect(m.status).toBe(step.status);
        }
      });
      // Every cited entry is drawn.
      const drawn = new Set(d.messages.map((m) => m.seq));
      for (const seq of attempt.steps.flatMap((s) => s.evidence)) expect(drawn.has(seq)).toBe(true);
      // Lanes: exactly the participants the messages involve, in the fixed order.
      const used = new Set(d.messages.flatMap((m) => [m.from, m.to]));
      expect(d.lanes.map((l) => l.id)).toEqual(LANE_ORDER.filter((l) => used.has(l)));
      // In time order, offsets from the attempt's start entry.
      const start = model.index.entryAt(attempt.startSeq)!.event.at;
      expect(d.startAt).toBe(start);
      const offsets = d.messages.map((m) => m.offsetMs);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
      for (const m of d.messages.filter((x) => !x.reply && x.seq !== null && x.from !== x.to)) {
        expect(m.offsetMs).toBeCloseTo(model.index.entryAt(m.seq!)!.event.at - start, 6);
      }
    },
  );

  it.each(cases.map((c) => [`${c.id} ${c.attempt.id}`, c] as const))('%s: branch and deciding step', (_, c) => {
    const { attempt, d } = c;
    const expected = {
      'card hidden': 'normal',
      'chat authenticated': 'normal',
      'card shown': 'fallback',
      'chat failed': 'failed',
      'card dropped': 'failed',
      unknown: 'unknown',
    }[attempt.outcome];
    expect(d.branch).toBe(expected);
    if (d.branch === 'fallback' || d.branch === 'failed') {
      expect(d.decidingStep).toBe(attempt.steps.findIndex((s) => s.status === 'fail'));
    }
    if (d.branch === 'normal') expect(attempt.steps[d.decidingStep!]!.status).toBe('ok');
    const deciding = d.messages.filter((m) => m.deciding);
    if (d.decidingStep === undefined) expect(deciding).toEqual([]);
    else {
      expect(deciding.length).toBeGreaterThan(0);
      expect(new Set(deciding.map((m) => m.step))).toEqual(new Set([d.decidingStep]));
      expect(d.messages.filter((m) => m.step === d.decidingStep).every((m) => m.deciding)).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.id} ${c.attempt.id}`, c] as const))('%s: spans where they apply', (_, c) => {
    const { attempt, d } = c;
    if (attempt.kind === 'auth-provider') {
      expect(d.spans).toHaveLength(1);
      expect(d.spans[0]).toMatchObject({ kind: 'budget' });
      expect(d.spans[0]!.toMs - d.spans[0]!.fromMs).toBe(AUTH_PROVIDER_BUDGET_MS);
      // It starts at the invocation, the chain's first arrow.
      expect(d.spans[0]!.fromMs).toBe(d.messages.find((m) => m.step === 0)!.offsetMs);
    } else if (attempt.kind === 'oauthcard') {
      expect(d.spans).toEqual([]);
    } else {
      const asked = d.messages.some((m) => /BotAuthConfigRequest|botAuthTokenProvider/.test(m.label));
      expect(d.spans.map((s) => s.kind)).toEqual(asked ? ['window'] : []);
      for (const s of d.spans) expect(s.toMs - s.fromMs).toBe(WIDGET_DECISION_WINDOW_MS);
    }
  });

  it.each(cases.map((c) => [`${c.id} ${c.attempt.id}`, c] as const))('%s: a well-formed SVG', (_, c) => {
    const svg = diagramSvg(c.d);
    const tags = checkSvg(svg);
    expect(tags.filter((t) => t === 'g').length).toBe(c.d.lanes.length + c.d.spans.length + c.d.messages.length);
    expect(svg.match(/class="sd-msg[^"]*"/g)).toHaveLength(c.d.messages.length);
    expect(svg.match(/class="sd-msg[^"]*sd-deciding/g)?.length ?? 0).toBe(
      c.d.messages.filter((m) => m.deciding).length,
    );
    const layout = layoutDiagram(c.d);
    // The header lines fit (estimated with the labels' character width).
    expect(layout.width).toBeGreaterThanOrEqual(16 + layout.branchLine.length * GEOMETRY.charW);
    expect(layout.branchLine.startsWith(c.d.branchText)).toBe(true);
    const ys = layout.messages.map((m) => m.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    for (const m of layout.messages) {
      for (const x of [m.x1, m.x2, m.box?.x ?? 0, (m.box?.x ?? 0) + (m.box?.w ?? 0)]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(layout.width);
      }
    }
  });
});

describe('the 502 fallback (Web Chat, real bot stack)', () => {
  const [{ attempt, d }] = diagramsOf('sso-failure-502') as [{ attempt: SsoAttempt; d: SequenceDiagram }];

  it('draws the exchange between Web Chat, Direct Line and the bot, and the card released', () => {
    expect(d.lanes.map((l) => l.name)).toEqual(['Host page code', 'Web Chat', 'Direct Line', 'Bot']);
    expect(d.messages.map((m) => [m.from, m.to, m.label])).toEqual([
      ['bot', 'widget', 'OAuthCard (SsoConnection)'],
      ['page', 'transport', 'postActivity(signin/tokenExchange)'],
      ['widget', 'transport', 'POST activity (signin/tokenExchange)'],
      ['transport', 'widget', '502'],
      ['transport', 'page', "'retry'"],
      ['page', 'widget', 'next(card): passed on'],
    ]);
    expect(d.branch).toBe('fallback');
    expect(attempt.steps[d.decidingStep!]!.text).toMatch(/^Result: Direct Line answered 502/);
    expect(d.messages.find((m) => m.label === '502')).toMatchObject({ deciding: true, reply: true, status: 'fail' });
    expect(d.messages.find((m) => m.label.startsWith('OAuthCard'))).toMatchObject({ deciding: false });
  });
});

describe('live chat attempts', () => {
  it('a fast provider: the 10 s budget runs past the chain; the chat queued decided it', () => {
    const [{ attempt, d }] = diagramsOf('fast') as [{ attempt: SsoAttempt; d: SequenceDiagram }];
    expect(d.lanes.map((l) => l.id)).toEqual(['page', 'widget']);
    expect(attempt.steps[d.decidingStep!]!.text).toBe('The widget raised lcw:chatQueued');
    const layout = layoutDiagram(d);
    expect(layout.spans[0]).toMatchObject({ kind: 'budget', open: true });
    expect(layout.spans[0]!.y2).toBeGreaterThan(layout.messages.at(-1)!.y);
  });

  it('a slow provider: the budget ends between the invocation and the late callback', () => {
    const [{ d }] = diagramsOf('slow') as [{ attempt: SsoAttempt; d: SequenceDiagram }];
    const layout = layoutDiagram(d);
    const span = layout.spans[0]!;
    expect(span.open).toBe(false);
    const callback = layout.messages.find((m) => m.label.startsWith('callback('))!;
    expect(callback.offsetMs).toBeGreaterThan(AUTH_PROVIDER_BUDGET_MS);
    expect(span.y2).toBeLessThan(callback.y);
    expect(span.y2).toBeGreaterThan(layout.messages[0]!.y);
  });

  it("a late callback: the widget's ~2 s window closes before the callback", () => {
    const [{ attempt, d }] = diagramsOf('rc-bot-late-callback') as [{ attempt: SsoAttempt; d: SequenceDiagram }];
    expect(d.lanes.map((l) => l.id)).toEqual(['page', 'widget', 'bot', 'token']);
    expect(attempt.steps[d.decidingStep!]!.text).toMatch(/^callback\(\{show: false\}\) 3\.05 s after the card/);
    const layout = layoutDiagram(d);
    const callback = layout.messages.find((m) => m.deciding)!;
    expect(callback).toMatchObject({ from: 'page', to: 'widget', label: 'callback({show: false})' });
    expect(layout.spans[0]!.y2).toBeLessThan(callback.y);
  });

  it('the livechatconnector lane appears only when the token was sent there', () => {
    const [first, second] = diagramsOf('rc-connector-401');
    expect(first!.d.lanes.map((l) => l.id)).toEqual(['page', 'widget']);
    expect(second!.d.lanes.map((l) => l.id)).toEqual(['page', 'widget', 'connector']);
    expect(second!.d.messages.filter((m) => m.to === 'widget' && m.from === 'connector')).toMatchObject([
      { label: '401', deciding: true, status: 'fail', reply: true },
    ]);
  });
});

describe('odd input', () => {
  it('an entry the log no longer holds gives a note, not a crash', () => {
    const { model, attempts } = diagnosed(capture('sso-failure-502'));
    const attempt = attempts[0]!;
    const gone = new Set(attempt.steps[2]!.evidence);
    const d = diagramOf(attempt, { entryAt: (seq) => (gone.has(seq) ? undefined : model.index.entryAt(seq)) });
    const note = d.messages.find((m) => m.step === 2)!;
    expect(note).toMatchObject({ seq: null, from: 'widget', to: 'widget' });
    expect(note.label).toMatch(/^\(event no longer in the log\) Result: /);
    checkSvg(diagramSvg(d));
  });

  it('an attempt whose start entry is gone starts at its first message', () => {
    const { model, attempts } = diagnosed(capture('fast'));
    const attempt = attempts[0]!;
    const d = diagramOf(attempt, {
      entryAt: (seq) => (seq === attempt.startSeq ? undefined : model.index.entryAt(seq)),
    });
    expect(d.messages[0]!.offsetMs).toBe(0);
  });

  const values = NASTY_JSON.map(([label, json]) => [label, JSON.parse(json) as unknown] as const);

  it.each(values)('hostile page value in every label slot (%s): escaped, well-formed', (_, value) => {
    // Strings where the event schema has strings (the relay and the capture reader check the types).
    const str = typeof value === 'string' ? value : JSON.stringify(value);
    let entries = editEvents(capture('sso-failure-502'), 'directline.activities', (e) => {
      for (const a of e.activities) for (const x of a.attachments ?? []) if (x.oauth) x.oauth.connectionName = str;
    });
    entries = editEvents(entries, 'directline.http', (e) => {
      if (e.activity) e.activity.name = str;
    });
    const { model, attempts } = diagnosed(entries);
    const fc = editEvents(capture('rc-auth-ok'), 'provider.invoke', (e) => {
      e.functionName = str;
    });
    const live = diagnosed(
      editEvents(fc, 'bus.message', (e) => {
        e.eventName = str;
      }),
    );
    const diagrams = [
      ...attempts.map((a) =>
        diagramOf({ ...a, title: str, steps: a.steps.map((s) => ({ ...s, text: str })) }, model.index),
      ),
      ...live.attempts.map((a) => diagramOf(a, live.model.index)),
    ];
    expect(diagrams.length).toBeGreaterThan(1);
    for (const d of diagrams) {
      const svg = diagramSvg(d);
      checkSvg(svg);
      expect(svg).not.toContain('<img');
      expect(svg.length).toBeLessThan(200_000);
    }
  });

  it('markup in a label is text', () => {
    const { model, attempts } = diagnosed(capture('sso-failure-502'));
    const evil = '"><script>alert(1)</script><g onload="x">&amp;';
    const d = diagramOf({ ...attempts[0]!, title: evil }, model.index);
    const svg = diagramSvg(d);
    checkSvg(svg);
    expect(svg).toContain(escapeXml(evil));
    expect(svg).not.toContain('<script');
  });

  it('a palette value cannot break out of the stylesheet', () => {
    const css = diagramCss({ ...LIGHT_PALETTE, bg: 'red}</style><script>x</script>', fg: 'var(--fg)' });
    expect(css).not.toMatch(/[<>]/);
    expect(css).toContain(`.sd-bg{fill:${LIGHT_PALETTE.bg}}`);
    expect(css).toContain('fill:var(--fg)');
  });
});
