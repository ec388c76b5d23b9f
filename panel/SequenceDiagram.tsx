/**
 * The sequence diagram of one SSO attempt, in the Diagnosis view (panel and viewer): the drawing of
 * src/analysis/diagram rendered as SVG elements (page strings as text nodes only), in the DevTools
 * theme. Keyboard: Tab reaches the diagram's current arrow, the arrow keys (and Home/End) move from
 * arrow to arrow in time order, Enter or Space shows the arrow's event in the timeline (as a click does).
 * "Save SVG" writes the standalone SVG in the current theme's colours; "Save PNG" draws that SVG on a
 * canvas (a blob: image, which the extension pages' CSP allows: it restricts scripts and objects only).
 */
import { h, type VNode } from 'preact';
import { useMemo, useRef, useState } from 'preact/hooks';
import {
  diagramCss,
  diagramLabel,
  diagramOf,
  diagramSvg,
  drawDiagram,
  layoutDiagram,
  LIGHT_PALETTE,
  PALETTE_ROLES,
  THEME_PALETTE,
  THEME_VARIABLE,
  type EntrySource,
  type Palette,
  type SvgNode,
} from '../src/analysis/diagram';
import type { SsoAttempt } from '../src/analysis/diagnosis';
import { errorMessage } from '../src/analysis/model/format';
import { download } from './ExportMenu';

/** How many device pixels a saved PNG has per CSS pixel (sharp on high-density screens and in tickets). */
const PNG_SCALE = 2;

let styled = false;
/**
 * The drawing's stylesheet in the theme's variables, added once as a constructed stylesheet: one home
 * for the diagram's look (the saved SVG embeds the same rules in fixed colours), and no inline <style>.
 */
function adoptDiagramStyles(): void {
  if (styled) return;
  styled = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(diagramCss(THEME_PALETTE));
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    // No constructed stylesheets (an old engine, a test DOM): the diagram is drawn unstyled, still usable.
  }
}

/** The current theme's colours (the panel's CSS variables), for a saved diagram that looks like the one shown. */
function themePalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  return Object.fromEntries(
    PALETTE_ROLES.map((role) => [role, style.getPropertyValue(THEME_VARIABLE[role]).trim() || LIGHT_PALETTE[role]]),
  ) as unknown as Palette;
}

/** Rasterises an SVG document (`width` × `height` CSS px) to a PNG. Rejects when the browser cannot. */
async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image(width, height);
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * PNG_SCALE);
    canvas.height = Math.ceil(height * PNG_SCALE);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gave no 2D canvas');
    ctx.scale(PNG_SCALE, PNG_SCALE);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the browser could not encode the PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A file name part from an attempt id (which holds page values): letters, digits, dashes only. */
const slug = (id: string) => id.replace(/[^\w-]+/g, '_').slice(0, 60);

function renderNode(node: SvgNode, key: number, props: (message: number) => Record<string, unknown>): VNode<unknown> {
  const extra = node.message === undefined ? {} : props(node.message);
  const children = node.text ?? node.children?.map((c, i) => renderNode(c, i, props));
  return h(node.tag, { key, ...node.attrs, ...extra } as Record<string, unknown>, children) as VNode<unknown>;
}

export interface SequenceDiagramProps {
  attempt: SsoAttempt;
  /** The log the attempt was found in (its entries by seq). */
  log: EntrySource;
  /** Shows an event in the timeline (the Inspector's showEvidence). */
  onShow(seq: number): void;
}

export function SequenceDiagram({ attempt, log, onShow }: SequenceDiagramProps) {
  adoptDiagramStyles();
  const d = useMemo(() => diagramOf(attempt, log), [attempt, log]);
  const layout = useMemo(() => layoutDiagram(d), [d]);
  const nodes = useMemo(() => drawDiagram(d, layout), [d, layout]);
  const [current, setCurrent] = useState(0);
  const [notice, setNotice] = useState('');
  const svgRef = useRef<SVGSVGElement>(null);
  const count = layout.messages.length;
  const focused = Math.min(current, count - 1);

  const focusMessage = (k: number) => {
    const next = Math.max(0, Math.min(count - 1, k));
    setCurrent(next);
    (svgRef.current?.querySelector(`[data-index="${next}"]`) as SVGGElement | null)?.focus();
  };
  const show = (k: number) => {
    const seq = layout.messages[k]?.seq;
    if (seq !== null && seq !== undefined) onShow(seq);
  };
  const onKeyDown = (k: number, e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowDown: k + 1,
      ArrowRight: k + 1,
      ArrowUp: k - 1,
      ArrowLeft: k - 1,
      Home: 0,
      End: count - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      focusMessage(moves[e.key]!);
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      show(k);
    }
  };
  const messageProps = (k: number) => {
    const m = layout.messages[k]!;
    return {
      'data-index': k,
      // The attribute's own name: Preact sets SVG attributes as written, and SVG names are case-sensitive.
      tabindex: k === focused ? 0 : -1,
      role: 'button',
      'aria-disabled': m.seq === null ? 'true' : undefined,
      onClick: () => {
        setCurrent(k);
        show(k);
      },
      onFocus: () => setCurrent(k),
      onKeyDown: (e: KeyboardEvent) => onKeyDown(k, e),
    };
  };

  const name = `chat-sso-diagram-${slug(attempt.id)}`;
  const saveSvg = () => {
    download(`${name}.svg`, diagramSvg(d, themePalette()), 'image/svg+xml');
    setNotice('');
  };
  const savePng = async () => {
    try {
      setNotice('Drawing the PNG…');
      download(`${name}.png`, await svgToPng(diagramSvg(d, themePalette()), layout.width, layout.height), 'image/png');
      setNotice('');
    } catch (e) {
      setNotice(`The PNG could not be made (${errorMessage(e, 200)}). Save the SVG instead.`);
    }
  };

  return (
    <figure
      class="sequence-diagram"
      data-testid="sequence-diagram"
      data-attempt={attempt.id}
      data-branch={d.branch}
      data-deciding-step={d.decidingStep ?? ''}
    >
      <div class="sd-tools">
        <button type="button" onClick={saveSvg} data-testid="save-svg" title="Save this diagram as an SVG file">
          Save SVG
        </button>
        <button
          type="button"
          onClick={() => void savePng()}
          data-testid="save-png"
          title="Save this diagram as a PNG image"
        >
          Save PNG
        </button>
        <span class="muted sd-hint">
          ↑↓ move between arrows · Enter shows the event in the timeline
          {notice ? ' · ' : ''}
        </span>
        <span role="status" data-testid="diagram-notice">
          {notice}
        </span>
      </div>
      {/* Not a tab stop of its own (Firefox makes scrollers one): focusing an arrow scrolls it into view. */}
      <div class="sd-scroll" tabIndex={-1}>
        <svg
          ref={svgRef}
          xmlns="http://www.w3.org/2000/svg"
          width={layout.width}
          height={layout.height}
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          role="group"
          aria-label={diagramLabel(d)}
        >
          {nodes.map((node, i) => renderNode(node, i, messageProps))}
        </svg>
      </div>
    </figure>
  );
}
