/**
 * Sequence diagrams of SSO attempts: the model (model.ts), its layout (layout.ts), the drawing both
 * renderers read (drawing.ts) and the standalone SVG (svg.ts). Pure: no browser API.
 */
export {
  branchOf,
  diagramOf,
  offsetText,
  LANE_ORDER,
  WINDOW_TEXT,
  type Branch,
  type DiagramMessage,
  type DiagramSpan,
  type EntrySource,
  type Lane,
  type LaneId,
  type SequenceDiagram,
} from './model';
export { layoutDiagram, GEOMETRY, type DiagramLayout, type LaidMessage, type LaidSpan } from './layout';
export { drawDiagram, messageDescription, type SvgNode, type SvgTag } from './drawing';
export {
  diagramCss,
  diagramLabel,
  diagramSvg,
  escapeXml,
  LIGHT_PALETTE,
  PALETTE_ROLES,
  THEME_PALETTE,
  THEME_VARIABLE,
  type Palette,
} from './svg';
export { reportDiagrams } from './forReport';
