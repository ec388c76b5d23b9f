/**
 * The sequence diagram as a self-contained SVG document (for "Save SVG", "Save PNG" and the HTML
 * report): the drawing of drawing.ts written out with its own stylesheet. Every string that can come
 * from the page is escaped, and characters XML cannot hold are replaced, so the file always parses.
 * https://www.w3.org/TR/SVG2/
 */
import { drawDiagram, type SvgNode } from './drawing';
import { layoutDiagram } from './layout';
import type { SequenceDiagram } from './model';

/** The colours a diagram is drawn with (CSS colour values). */
export interface Palette {
  bg: string;
  fg: string;
  muted: string;
  line: string;
  head: string;
  /** The deciding step's band. */
  sel: string;
  ok: string;
  err: string;
  warn: string;
  link: string;
}

/** The palette's roles; the panel's theme variables are named after them (`--bg`, `--fg`, …; `--ok-fg` etc.). */
export const PALETTE_ROLES = ['bg', 'fg', 'muted', 'line', 'head', 'sel', 'ok', 'err', 'warn', 'link'] as const;

/** The panel's theme variable behind each role (panel/panel.css). */
export const THEME_VARIABLE: Record<keyof Palette, string> = {
  bg: '--bg',
  fg: '--fg',
  muted: '--muted',
  line: '--line',
  head: '--head',
  sel: '--sel',
  ok: '--ok-fg',
  err: '--err-fg',
  warn: '--warn-fg',
  link: '--link',
};

/** The panel's theme, by reference: the live diagram follows DevTools' light or dark theme. */
export const THEME_PALETTE: Palette = Object.fromEntries(
  PALETTE_ROLES.map((role) => [role, `var(${THEME_VARIABLE[role]})`]),
) as unknown as Palette;

/** The light theme's colours, for a diagram saved or reported outside the panel (panel/panel.css :root). */
export const LIGHT_PALETTE: Palette = {
  bg: '#ffffff',
  fg: '#1f1f1f',
  muted: '#5f6368',
  line: '#e0e0e0',
  head: '#f1f3f4',
  sel: '#cfe8fc',
  ok: '#137333',
  err: '#b3261e',
  warn: '#8a5300',
  link: '#1a73e8',
};

/** A colour value safe inside a stylesheet (no markup, no declarations of its own), else `fallback`. */
function colour(value: string, fallback: string): string {
  return /^[#\w(),.%\s-]{1,64}$/.test(value) ? value.trim() : fallback;
}

/**
 * The diagram's stylesheet (classes of drawing.ts) in `palette`'s colours. `injected`: include the rules
 * for steps an injected fault changed (a saved diagram without any leaves them out).
 */
export function diagramCss(palette: Palette, injected = true): string {
  const c = Object.fromEntries(
    PALETTE_ROLES.map((r) => [r, colour(palette[r], LIGHT_PALETTE[r])]),
  ) as unknown as Palette;
  return [
    `.sd-bg{fill:${c.bg}}`,
    `.sd-title{fill:${c.fg};font-size:12px;font-weight:600}`,
    `.sd-branch{fill:${c.muted};font-size:11px}`,
    `.sd-branch-normal{fill:${c.ok}}`,
    `.sd-branch-fallback,.sd-branch-failed{fill:${c.err}}`,
    `.sd-lane-head{fill:${c.head};stroke:${c.line}}`,
    `.sd-lane-name{fill:${c.fg};font-size:11px;font-weight:600}`,
    `.sd-lifeline{stroke:${c.line};stroke-dasharray:4 3}`,
    `.sd-band{fill:transparent}`,
    `.sd-deciding .sd-band{fill:${c.sel}}`,
    `.sd-arrow{stroke:${c.fg};stroke-width:1.2}`,
    `.sd-head{fill:${c.fg}}`,
    `.sd-reply .sd-arrow{stroke-dasharray:5 3}`,
    `.sd-ok .sd-arrow{stroke:${c.ok}}.sd-ok .sd-head{fill:${c.ok}}`,
    `.sd-fail .sd-arrow{stroke:${c.err}}.sd-fail .sd-head{fill:${c.err}}.sd-fail .sd-label{fill:${c.err}}`,
    `.sd-deciding .sd-arrow{stroke-width:2.6}.sd-deciding .sd-label{font-weight:600}`,
    `.sd-label{fill:${c.fg};font-size:11px;paint-order:stroke;stroke:${c.bg};stroke-width:3px;stroke-linejoin:round}`,
    `.sd-note{fill:${c.head};stroke:${c.line}}`,
    `.sd-fail .sd-note{stroke:${c.err}}.sd-deciding .sd-note{stroke-width:2}`,
    `.sd-offset{fill:${c.muted};font-size:10px}`,
    `.sd-step{fill:${c.muted};font-size:10px;font-weight:600}.sd-deciding .sd-step{fill:${c.fg}}`,
    `.sd-span-bar{stroke:${c.warn};stroke-width:2}`,
    `.sd-open .sd-span-bar:first-of-type{stroke-dasharray:4 3}`,
    `.sd-span-label,.sd-span-end{fill:${c.warn};font-size:10px}`,
    ...(injected
      ? [
          `.sd-injected .sd-label{fill:${c.warn};font-style:italic}`,
          `.sd-injected .sd-note{stroke:${c.warn};stroke-dasharray:3 2}`,
        ]
      : []),
  ].join('');
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * `text` for XML text or a quoted attribute: markup characters as entities; characters XML 1.0 cannot
 * hold (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF) as U+FFFD.
 */
export function escapeXml(text: string): string {
  return text
    .replace(
      // eslint-disable-next-line no-control-regex
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      '\uFFFD',
    )
    .replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

function write(node: SvgNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
  const inner = node.text !== undefined ? escapeXml(node.text) : (node.children ?? []).map(write).join('');
  return `<${node.tag}${attrs}>${inner}</${node.tag}>`;
}

/** The diagram's font (the panel's). */
export const FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif";

/** The words a diagram is announced with: "Sequence diagram: <title>: <branch>". */
export function diagramLabel(d: SequenceDiagram): string {
  return `Sequence diagram of ${d.title}: ${d.branchText} (${d.outcome})`;
}

/**
 * The diagram as a standalone SVG document (UTF-8 text), drawn in `palette` (light by default).
 * Opens in any browser or image viewer; contains no script, no external reference, no id.
 */
export function diagramSvg(d: SequenceDiagram, palette: Palette = LIGHT_PALETTE): string {
  const layout = layoutDiagram(d);
  const { width, height } = layout;
  const label = escapeXml(diagramLabel(d));
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="${FONT}" role="img" aria-label="${label}">` +
    `<title>${label}</title><style>${diagramCss(
      palette,
      d.messages.some((m) => m.injected),
    )}</style>` +
    drawDiagram(d, layout).map(write).join('') +
    '</svg>'
  );
}
