// The symbols that mark a finding's severity and a step's status wherever a diagnosis is written as text:
// the reports (report*.ts), the terminal printer (src/cli/terminal.mjs) and, like them, the panel.
// Plain JavaScript so that Node scripts can load it without a build.

/** Per finding severity. */
export const SEVERITY_MARK = Object.freeze({ error: '✖', warning: '⚠', info: 'ℹ' });

/** Per attempt step status. */
export const STEP_MARK = Object.freeze({ ok: '✔', fail: '✖', info: '•' });
