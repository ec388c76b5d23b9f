/**
 * Which top-frame document a tab shows, from browser signals only: `webNavigation.onCommitted` for the
 * top frame, and the `documentId` the browser puts on every message's sender (Chromium 106+; where a
 * browser gives none, commits alone decide). Never from what a page sends: a page can dispatch any
 * event it likes, including one that looks like the hook's `hook.installed`.
 *
 * Pure: the state is a value the log store persists with the tab's meta, so a restarted worker keeps
 * telling the current document from an old one.
 */

export interface DocState {
  /** The current top document's id; null when a commit was seen but the browser gave no id. */
  current: string | null;
  /** Ids of the tab's earlier top documents, newest first (bounded). */
  retired: string[];
}

/** How many earlier documents to remember per tab. */
const RETIRED = 16;

/** What a message from a tab's top frame is. */
export type TopFrameVerdict =
  /** From the current document (or the browser does not say). */
  | 'current'
  /** From a document the tab has not shown before: the tab navigated (its commit was not seen yet). */
  | 'new'
  /** From a document the tab already left: a late message of the previous page. */
  | 'stale';

function retire(state: DocState | undefined, next: string | null): DocState {
  const retired = [...(state?.current ? [state.current] : []), ...(state?.retired ?? [])]
    .filter((id) => id !== next)
    .slice(0, RETIRED);
  return { current: next, retired };
}

/** The tab's top frame committed a navigation to a new document (`documentId` when the browser gives it). */
export function commitTopDocument(
  state: DocState | undefined,
  documentId: string | undefined,
): { state: DocState; isNew: boolean } {
  if (documentId && state?.current === documentId) return { state, isNew: false }; // the same commit, seen twice
  return { state: retire(state, documentId ?? null), isNew: true };
}

/** Classifies a message from the tab's top frame by its sender's `documentId`. */
export function classifyTopFrameMessage(
  state: DocState | undefined,
  documentId: string | undefined,
): { state: DocState | undefined; verdict: TopFrameVerdict } {
  if (!documentId) return { state, verdict: 'current' };
  if (!state) return { state: { current: documentId, retired: [] }, verdict: 'current' }; // the first document seen
  if (state.current === documentId) return { state, verdict: 'current' };
  // The committed document's id, learnt.
  if (state.current === null) return { state: { ...state, current: documentId }, verdict: 'current' };
  if (state.retired.includes(documentId)) return { state, verdict: 'stale' };
  return { state: retire(state, documentId), verdict: 'new' };
}
