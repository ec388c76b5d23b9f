/**
 * A laid-out sequence diagram as a tree of SVG elements (tag, attributes, text), the one drawing that
 * both renderers read: `diagramSvg` writes it as an SVG string (escaped), the panel renders it with
 * Preact (text as text nodes). Colours are classes (`sd-*`), styled by the panel's theme or by the
 * string's own <style>. Arrowheads are polygons, not markers: no ids, so many diagrams share a page.
 */
import type { DiagramLayout, LaidMessage, LaidSpan } from './layout';
import { GEOMETRY } from './layout';
import { offsetText, type SequenceDiagram } from './model';

/** The only elements a drawing contains. */
export type SvgTag = 'g' | 'rect' | 'line' | 'polygon' | 'text' | 'title';

export interface SvgNode {
  tag: SvgTag;
  attrs: Record<string, string | number>;
  /** Text content (text, title). */
  text?: string;
  children?: SvgNode[];
  /** Set on a message's group: its index in `layout.messages` (the panel makes it focusable). */
  message?: number;
}

const n = (tag: SvgTag, attrs: SvgNode['attrs'], more: Partial<SvgNode> = {}): SvgNode => ({ tag, attrs, ...more });
const r1 = (v: number) => Math.round(v * 10) / 10;

/** The points of an arrowhead at (x, y) pointing right (dir 1) or left (dir -1). */
function head(x: number, y: number, dir: number): string {
  return [
    [x, y],
    [x - 8 * dir, y - 4],
    [x - 8 * dir, y + 4],
  ]
    .map(([a, b]) => `${r1(a!)},${r1(b!)}`)
    .join(' ');
}

/** What a message's group says to a screen reader and in its tooltip. */
export function messageDescription(m: LaidMessage, lanes: DiagramLayout['lanes']): string {
  const name = (id: string) => lanes.find((l) => l.id === id)?.name ?? id;
  const who = m.from === m.to ? `note on ${name(m.from)}` : `${name(m.from)} to ${name(m.to)}`;
  const event = m.seq === null ? 'its event is no longer in the log' : `event #${m.seq}`;
  const deciding = m.deciding ? ' (deciding step)' : '';
  return `Step ${m.step + 1}${deciding}, ${m.offset}, ${who}: ${m.label}. ${m.detail} (${event})`;
}

function messageNode(m: LaidMessage, k: number, layout: DiagramLayout): SvgNode {
  const cls = ['sd-msg', `sd-${m.status}`];
  if (m.reply) cls.push('sd-reply');
  if (m.deciding) cls.push('sd-deciding');
  if (m.injected) cls.push('sd-injected');
  const children: SvgNode[] = [n('title', {}, { text: messageDescription(m, layout.lanes) })];
  // The row's band: hit area, focus ring and, for the deciding step, its highlight.
  children.push(
    n('rect', {
      class: 'sd-band',
      x: 2,
      y: m.top,
      width: layout.lanesRight - 2,
      height: GEOMETRY.rowHeight,
      rx: 3,
    }),
  );
  // The step's number (as in the list of steps) and the time, in the gutter.
  children.push(n('text', { class: 'sd-step', x: 8, y: m.y + 4 }, { text: String(m.step + 1) }));
  children.push(
    n('text', { class: 'sd-offset', x: GEOMETRY.gutter - 8, y: m.y + 4, 'text-anchor': 'end' }, { text: m.offset }),
  );
  if (m.box) {
    children.push(
      n('rect', { class: 'sd-note', x: r1(m.box.x), y: m.box.y, width: r1(m.box.w), height: m.box.h, rx: 3 }),
    );
    children.push(
      n('text', { class: 'sd-label', x: r1(m.labelX), y: m.y + 4, 'text-anchor': 'middle' }, { text: m.text }),
    );
  } else {
    const dir = m.x2 > m.x1 ? 1 : -1;
    children.push(n('line', { class: 'sd-arrow', x1: m.x1, y1: m.y, x2: m.x2 - dir, y2: m.y }));
    children.push(n('polygon', { class: 'sd-head', points: head(m.x2, m.y, dir) }));
    children.push(
      n('text', { class: 'sd-label', x: r1(m.labelX), y: m.y - 5, 'text-anchor': 'middle' }, { text: m.text }),
    );
  }
  return n(
    'g',
    {
      class: cls.join(' '),
      'data-step': m.step,
      'data-seq': m.seq ?? '',
      'data-from': m.from,
      'data-to': m.to,
      'data-deciding': String(m.deciding),
    },
    { children, message: k },
  );
}

function spanNode(s: LaidSpan): SvgNode {
  const children: SvgNode[] = [
    n('title', {}, { text: `${s.label}: from ${s.fromMs.toFixed(1)} ms to ${s.toMs.toFixed(1)} ms after the start` }),
    n('line', { class: 'sd-span-bar', x1: s.x, y1: r1(s.y1), x2: s.x, y2: r1(s.y2) }),
    n('line', { class: 'sd-span-bar', x1: s.x - 5, y1: r1(s.y1), x2: s.x + 5, y2: r1(s.y1) }),
  ];
  if (!s.open) children.push(n('line', { class: 'sd-span-bar', x1: s.x - 5, y1: r1(s.y2), x2: s.x + 5, y2: r1(s.y2) }));
  // Two lines beside the bar, centred on it: what the span is, and when it ends.
  const mid = (s.y1 + s.y2) / 2;
  const end = s.open ? `until ${offsetText(s.toMs)}, past the end` : `until ${offsetText(s.toMs)}`;
  children.push(n('text', { class: 'sd-span-label', x: s.x + 8, y: r1(mid - 2) }, { text: s.label }));
  children.push(n('text', { class: 'sd-span-end', x: s.x + 8, y: r1(mid + 10) }, { text: end }));
  return n('g', { class: `sd-span sd-span-${s.kind}${s.open ? ' sd-open' : ''}`, 'data-span': s.kind }, { children });
}

/** The drawing of a laid-out diagram: the root <svg>'s children, and its size. */
export function drawDiagram(d: SequenceDiagram, layout: DiagramLayout): SvgNode[] {
  const nodes: SvgNode[] = [n('rect', { class: 'sd-bg', x: 0, y: 0, width: layout.width, height: layout.height })];
  nodes.push(n('text', { class: 'sd-title', x: 8, y: 16 }, { text: d.title }));
  nodes.push(
    n(
      'text',
      { class: `sd-branch sd-branch-${d.branch}`, x: 8, y: 33, 'data-branch': d.branch },
      { text: layout.branchLine },
    ),
  );
  for (const lane of layout.lanes) {
    const w = GEOMETRY.laneWidth - 16;
    nodes.push(
      n(
        'g',
        { class: 'sd-lane', 'data-lane': lane.id },
        {
          children: [
            n('line', { class: 'sd-lifeline', x1: lane.x, y1: layout.lifeTop, x2: lane.x, y2: layout.lifeBottom }),
            n('rect', {
              class: 'sd-lane-head',
              x: lane.x - w / 2,
              y: GEOMETRY.headTop,
              width: w,
              height: GEOMETRY.headHeight,
              rx: 4,
            }),
            n(
              'text',
              { class: 'sd-lane-name', x: lane.x, y: GEOMETRY.headTop + 16, 'text-anchor': 'middle' },
              { text: lane.name },
            ),
          ],
        },
      ),
    );
  }
  nodes.push(...layout.spans.map(spanNode));
  nodes.push(...layout.messages.map((m, k) => messageNode(m, k, layout)));
  return nodes;
}
