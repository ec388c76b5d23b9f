// Reads the sequence diagrams the Diagnosis view shows (panel or viewer), in any browser driver that can
// evaluate a function in the page. Plain JavaScript: the function's source runs in the page as written.

/**
 * One attempt as the Diagnosis view shows it: its steps (text, status, evidence seqs) and its diagram.
 * @typedef {{ step: number, seq: number | null, from: string, to: string, deciding: boolean, text: string, index: number }} ShownMessage
 * @typedef {{ id: string, kind: string, outcome: string, steps: { status: string, evidence: number[] }[], diagram: null | { attempt: string, branch: string, decidingStep: number | null, lanes: { id: string, name: string }[], messages: ShownMessage[], spans: string[] } }} ShownAttempt
 */

/**
 * Runs in the page: every attempt of the Diagnosis view with its diagram.
 * @returns {ShownAttempt[]}
 */
export function readDiagramsInPage() {
  return [...document.querySelectorAll('[data-testid=attempt]')].map((a) => {
    const fig = a.querySelector('[data-testid=sequence-diagram]');
    const attr = (el, name) => el.getAttribute(name) ?? '';
    return {
      id: fig ? attr(fig, 'data-attempt') : '',
      kind: attr(a, 'data-kind'),
      outcome: attr(a, 'data-outcome'),
      steps: [...a.querySelectorAll('.steps > li')].map((li) => ({
        status: (/\bstep-(\w+)/.exec(li.className) ?? [])[1] ?? '',
        evidence: [...li.querySelectorAll('.evidence button')].map((b) => Number((b.textContent ?? '').slice(1))),
      })),
      diagram: fig && {
        attempt: attr(fig, 'data-attempt'),
        branch: attr(fig, 'data-branch'),
        decidingStep: attr(fig, 'data-deciding-step') === '' ? null : Number(attr(fig, 'data-deciding-step')),
        lanes: [...fig.querySelectorAll('.sd-lane')].map((l) => ({
          id: attr(l, 'data-lane'),
          name: l.textContent ?? '',
        })),
        messages: [...fig.querySelectorAll('.sd-msg')].map((g) => ({
          index: Number(attr(g, 'data-index')),
          step: Number(attr(g, 'data-step')),
          seq: attr(g, 'data-seq') === '' ? null : Number(attr(g, 'data-seq')),
          from: attr(g, 'data-from'),
          to: attr(g, 'data-to'),
          deciding: attr(g, 'data-deciding') === 'true',
          text: g.querySelector('.sd-label')?.textContent ?? '',
        })),
        spans: [...fig.querySelectorAll('[data-span]')].map((s) => attr(s, 'data-span')),
      },
    };
  });
}
