/**
 * A decoded JWT: header, payload, time claims with their age at capture, and `lwicontexts` as a table.
 * Header and claims are the page's (any JSON): they are written with the safe helpers of format.ts.
 */
import { cut, safeJson, safeText } from '../src/analysis/model/format';
import { decodeJwtView } from '../src/analysis/model/jwt';
import { redactionOf } from '../src/analysis/formats/redact';
import type { LwiContextsView } from '../src/analysis/model/lwicontexts';
import { SignatureCheck } from './SignatureCheck';
import { copyText } from './clipboard';

function LwiContexts({ view }: { view: LwiContextsView }) {
  if (view.state === 'absent')
    return (
      <p class="muted">
        No <code>lwicontexts</code> claim.
      </p>
    );
  const problem = view.state === 'ok' ? null : view.message;
  const rows = view.state === 'ok' || view.state === 'not-string' ? view.rows : [];
  return (
    <div data-testid="lwicontexts">
      {problem && <p class="sev-warning">⚠ {problem}</p>}
      {rows.length > 0 && (
        <table class="lwi">
          <thead>
            <tr>
              <th>Context variable</th>
              <th>Value</th>
              <th>Type</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} class={r.problems.length ? 'sev-warning' : ''}>
                <td>{cut(r.key, 2_000)}</td>
                <td>{cut(r.display, 20_000)}</td>
                <td>
                  {r.type}
                  {r.problems.map((p) => (
                    <div key={p} class="problem">
                      ⚠ {p}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {'raw' in view && <pre class="json">{cut(view.raw, 20_000)}</pre>}
    </div>
  );
}

export function JwtDetails({ token, capturedAt }: { token: string; capturedAt: number }) {
  const hidden = redactionOf(token);
  if (hidden === 'token') {
    const removedText =
      'The token was removed by the export\'s redaction ("remove" profile); only its length and fingerprint are left:';
    return (
      <section data-testid="jwt">
        <h3>Token</h3>
        <p class="muted">
          {removedText} {token}
        </p>
      </section>
    );
  }
  const view = decodeJwtView(token, capturedAt);
  if (!view.ok) {
    return (
      <section data-testid="jwt">
        <h3>Token</h3>
        <p class="sev-error" data-testid="jwt-error" data-reason={view.reason}>
          ✖ Cannot decode this token: {view.message}
        </p>
        {hidden === 'value' && (
          <p class="muted">
            The export's redaction masked parts of this token (•••), so it may have decoded before export.
          </p>
        )}
        <pre class="json token-raw">{safeText(token, 401)}</pre>
      </section>
    );
  }
  return (
    <section data-testid="jwt">
      <h3>
        Token (JWT, {view.signatureLength ? 'signed' : 'no signature'}, signature not verified){' '}
        <button
          type="button"
          class="link"
          onClick={() =>
            void copyText(safeJson({ header: view.header, payload: view.payload }, { indent: 2, max: 1_000_000 }))
          }
          data-testid="copy-token"
        >
          copy decoded
        </button>
      </h3>
      {view.notes.map((n) => (
        <p key={n} class="sev-warning" data-testid="jwt-note">
          ⚠ {n}
        </p>
      ))}
      <h4>Header</h4>
      <pre class="json" data-testid="jwt-header">
        {safeJson(view.header, { indent: 2 })}
      </pre>
      <h4>Time claims</h4>
      {view.times.length === 0 ? (
        <p class="muted">No iat, nbf or exp claims.</p>
      ) : (
        <table class="times" data-testid="jwt-times">
          <tbody>
            {view.times.map((c) => (
              <tr key={c.claim}>
                <th>{c.claim}</th>
                <td>{safeText(c.value, 80)}</td>
                <td>{c.iso ?? 'invalid'}</td>
                <td>
                  {c.relative}
                  {c.unit === 'milliseconds' ? ' (value is in milliseconds; NumericDate is seconds)' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4>lwicontexts</h4>
      <LwiContexts view={view.lwicontexts} />
      <h4>Payload</h4>
      <pre class="json" data-testid="jwt-payload">
        {safeJson(view.payload, { indent: 2 })}
      </pre>
      {hidden === 'signature' ? (
        <p class="muted">The signature was removed by the export's redaction; it cannot be verified.</p>
      ) : (
        <SignatureCheck token={token} />
      )}
    </section>
  );
}
