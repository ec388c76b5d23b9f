/**
 * Where everything of a sequence diagram goes: lanes side by side, one row per message in time order,
 * spans beside the lanes. Rows are evenly spaced (time goes down but is not to scale): a span's ends
 * fall between the rows their times fall between. Pure; coordinates in CSS px.
 */
import { cut } from '../model/format';
import { offsetText, type DiagramMessage, type DiagramSpan, type LaneId, type SequenceDiagram } from './model';

/** The drawing's measures, px. `charW`: average width of a character of the 11 px labels. */
export const GEOMETRY = {
  gutter: 86,
  laneWidth: 170,
  headTop: 44,
  headHeight: 24,
  rowHeight: 30,
  spanWidth: 150,
  bottom: 24,
  charW: 6.4,
} as const;

export interface LaidLane {
  id: LaneId;
  name: string;
  /** Centre of the lane (its lifeline). */
  x: number;
}

export interface LaidMessage extends DiagramMessage {
  /** Top of its row. */
  top: number;
  /** The arrow's (or the note box's middle) y. */
  y: number;
  x1: number;
  x2: number;
  /** The label as drawn (cut to fit), centred on `labelX`. */
  text: string;
  labelX: number;
  /** "+12.3 ms". */
  offset: string;
  /** A note's box. */
  box?: { x: number; y: number; w: number; h: number };
}

export interface LaidSpan extends DiagramSpan {
  x: number;
  y1: number;
  y2: number;
  /** It ends after the last message (drawn running off the bottom). */
  open: boolean;
}

export interface DiagramLayout {
  width: number;
  /** The line under the title: the branch, the outcome and the deciding step. */
  branchLine: string;
  height: number;
  lanes: LaidLane[];
  messages: LaidMessage[];
  spans: LaidSpan[];
  /** Where the lifelines start and end. */
  lifeTop: number;
  lifeBottom: number;
  /** Right edge of the lanes. */
  lanesRight: number;
}

/** `text` cut to what fits in `px`. */
function fit(text: string, px: number): string {
  return cut(text, Math.max(8, Math.floor(px / GEOMETRY.charW)));
}

/**
 * The y of a moment (ms from the start) between the rows: at a row whose offset it equals, between
 * two rows in proportion to time, below the last row when later than all of them (then `open`).
 */
function yAt(ms: number, rows: readonly { offsetMs: number; y: number }[]): { y: number; open: boolean } {
  const first = rows[0];
  if (!first) return { y: GEOMETRY.headTop + GEOMETRY.headHeight + 16, open: true };
  if (ms <= first.offsetMs) return { y: first.y - (ms < first.offsetMs ? GEOMETRY.rowHeight / 2 : 0), open: false };
  for (let k = 0; k + 1 < rows.length; k++) {
    const a = rows[k]!;
    const b = rows[k + 1]!;
    if (ms >= a.offsetMs && ms < b.offsetMs)
      return { y: a.y + ((ms - a.offsetMs) / (b.offsetMs - a.offsetMs)) * (b.y - a.y), open: false };
  }
  const last = rows.at(-1)!;
  return ms === last.offsetMs ? { y: last.y, open: false } : { y: last.y + GEOMETRY.rowHeight, open: true };
}

/** The layout of a diagram. */
export function layoutDiagram(d: SequenceDiagram): DiagramLayout {
  const g = GEOMETRY;
  const lanes = d.lanes.map((l, i) => ({ ...l, x: g.gutter + g.laneWidth * i + g.laneWidth / 2 }));
  const xOf = new Map(lanes.map((l) => [l.id, l.x]));
  const lanesRight = g.gutter + g.laneWidth * lanes.length;
  const firstTop = g.headTop + g.headHeight + 10;
  const messages: LaidMessage[] = d.messages.map((m, k) => {
    const top = firstTop + k * g.rowHeight;
    const x1 = xOf.get(m.from)!;
    const x2 = xOf.get(m.to)!;
    const offset = offsetText(m.offsetMs);
    if (m.from === m.to) {
      const w = Math.min(m.label.length * g.charW + 12, g.laneWidth * 1.6);
      const x = Math.min(Math.max(x1 - w / 2, g.gutter), lanesRight - w);
      return {
        ...m,
        top,
        y: top + g.rowHeight / 2,
        x1,
        x2,
        text: fit(m.label, w - 12),
        labelX: x + w / 2,
        offset,
        box: { x, y: top + 3, w, h: g.rowHeight - 6 },
      };
    }
    // A label may run past a short arrow's ends; its halo keeps it readable over the lifelines.
    return {
      ...m,
      top,
      y: top + 20,
      x1,
      x2,
      text: fit(m.label, Math.abs(x2 - x1) + g.laneWidth * 0.5),
      labelX: (x1 + x2) / 2,
      offset,
    };
  });
  const rows = messages.map((m) => ({ offsetMs: m.offsetMs, y: m.y }));
  const spans: LaidSpan[] = d.spans.map((s, i) => {
    const a = yAt(s.fromMs, rows);
    const b = yAt(s.toMs, rows);
    return { ...s, x: lanesRight + 16 + i * g.spanWidth, y1: a.y, y2: Math.max(b.y, a.y + 8), open: b.open };
  });
  const lifeBottom = firstTop + messages.length * g.rowHeight + 6;
  const lowest = Math.max(lifeBottom, ...spans.map((s) => s.y2 + 8));
  const deciding = d.decidingStep === undefined ? '' : ` · highlighted: step ${d.decidingStep + 1}, which decided it`;
  const branchLine = `${d.branchText} (${d.outcome})${deciding}`;
  // Wide enough for the header lines too (the title is 12 px bold: about 1.15 label characters each).
  const header = 16 + Math.max(d.title.length * g.charW * 1.15, branchLine.length * g.charW);
  return {
    width: Math.ceil(Math.max(lanesRight + spans.length * g.spanWidth + 12, header)),
    branchLine,
    height: lowest + g.bottom,
    lanes,
    messages,
    spans,
    lifeTop: g.headTop + g.headHeight,
    lifeBottom,
    lanesRight,
  };
}
