/**
 * The end-to-end tests' side of the sequence diagrams: every capture fixture (one per demo scenario) as
 * a capture file the viewer opens, the diagrams the pure module gives for it, and the checks of what a
 * browser showed (see diagramReader.mjs) against the attempt's steps and against those diagrams.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { diagramOf, layoutDiagram } from '../../src/analysis/diagram';
import { buildCaptureFile, parseCaptureFile } from '../../src/analysis/formats/capture';
import { LogModel } from '../../src/analysis/logModel';
import type { LogEntry } from '../../src/shared/events';
import { CAPTURE_IDS, capture } from './captures';
import type { ShownAttempt } from './diagramReader.mjs';

type ShownDiagram = NonNullable<ShownAttempt['diagram']>;

/** The diagrams of a log as the Diagnosis view should show them, analysed as of its last event (a file's clock). */
export function expectedDiagrams(entries: readonly LogEntry[], nowMs?: number): ShownDiagram[] {
  const model = LogModel.of(entries);
  return model.diagnose(nowMs ?? model.index.lastAt).attempts.map((attempt) => {
    const d = diagramOf(attempt, model.index);
    const layout = layoutDiagram(d);
    return {
      attempt: attempt.id,
      branch: d.branch,
      decidingStep: d.decidingStep ?? null,
      lanes: d.lanes.map((l) => ({ id: l.id, name: l.name })),
      messages: layout.messages.map((m, index) => ({
        index,
        step: m.step,
        seq: m.seq,
        from: m.from,
        to: m.to,
        deciding: m.deciding,
        text: m.box ? '' : m.text,
      })),
      spans: d.spans.map((s) => s.kind),
    };
  });
}

/** The fixtures written as capture files (unredacted: the demo tokens are not secrets) with their diagrams. */
export function fixtureCaptureFiles(): { id: string; name: string; path: string; expected: ShownDiagram[] }[] {
  const dir = mkdtempSync(join(tmpdir(), 'chat-sso-diagram-'));
  return CAPTURE_IDS.map((id) => {
    const file = buildCaptureFile(capture(id), { exportedAt: 0, extensionVersion: 'test', redaction: 'none' });
    const name = `${id}.json`;
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(file));
    // What the viewer reads back from that file.
    return { id, name, path, expected: expectedDiagrams(parseCaptureFile(file).entries) };
  });
}

/**
 * Checks what a browser showed: every attempt has a diagram whose arrows follow its steps (each step
 * has an arrow or note, on an event it cites), whose lanes are the participants its arrows involve,
 * and whose deciding step is marked (the first failed step when the card was shown or the chat failed).
 */
export function checkShownDiagrams(shown: ShownAttempt[], where: string): void {
  for (const a of shown) {
    const d = a.diagram;
    expect(d, `${where}: attempt ${a.id} has a diagram`).toBeTruthy();
    if (!d) continue;
    a.steps.forEach((step, i) => {
      const mine = d.messages.filter((m) => m.step === i);
      expect(mine.length, `${where} ${a.id}: step ${i + 1} has an arrow`).toBeGreaterThan(0);
      for (const m of mine) if (m.seq !== null) expect(step.evidence).toContain(m.seq);
    });
    expect(Math.max(-1, ...d.messages.map((m) => m.step))).toBe(a.steps.length - 1);
    const used = new Set(d.messages.flatMap((m) => [m.from, m.to]));
    expect(new Set(d.lanes.map((l) => l.id))).toEqual(used);
    expect(d.messages.map((m) => m.index)).toEqual(d.messages.map((_, i) => i));
    const bad = a.outcome === 'card shown' || a.outcome === 'chat failed' || a.outcome === 'card dropped';
    if (bad) {
      expect(d.decidingStep, `${where} ${a.id}: deciding step`).toBe(a.steps.findIndex((s) => s.status === 'fail'));
      expect(d.branch).toBe(a.outcome === 'card shown' ? 'fallback' : 'failed');
    }
    const deciding = d.messages.filter((m) => m.deciding);
    expect(deciding.every((m) => m.step === d.decidingStep)).toBe(true);
    if (d.decidingStep !== null) expect(deciding.length).toBeGreaterThan(0);
  }
}

/** `shown` diagrams without the note texts (notes are drawn in boxes; their text is checked by the unit tests). */
export function comparable(shown: ShownAttempt[]): ShownDiagram[] {
  return shown.map((a) => ({
    ...a.diagram!,
    messages: a.diagram!.messages.map((m) => (m.from === m.to ? { ...m, text: '' } : m)),
  }));
}

/**
 * Opens every fixture with `show` (which returns what the viewer showed, and how many diagram error
 * notices) and checks it: the arrows follow the steps (`checkShownDiagrams`), the diagrams equal what
 * the analysis gives, none failed.
 */
export async function checkEveryFixture<F extends { id: string; expected: ShownDiagram[] }>(
  files: readonly F[],
  show: (f: F) => Promise<{ shown: ShownAttempt[]; failed: number }>,
): Promise<void> {
  let diagrams = 0;
  for (const f of files) {
    const { shown, failed } = await show(f);
    checkShownDiagrams(shown, f.id);
    expect(comparable(shown), f.id).toEqual(f.expected);
    expect(failed, `${f.id}: no diagram failed`).toBe(0);
    diagrams += shown.length;
  }
  expect(files.length).toBe(CAPTURE_IDS.length);
  expect(diagrams).toBeGreaterThan(40);
}
