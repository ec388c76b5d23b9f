/**
 * "Signature check" for one token: the user pastes a key, we verify locally with WebCrypto (via jose).
 * Nothing is sent anywhere and nothing is stored; page-supplied strings are rendered as text only.
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { describeKeyInput, verifyTokenSignature, type SignatureVerdict } from '../src/analysis/formats/signature';

type State = { phase: 'idle' } | { phase: 'verifying' } | { phase: 'done'; verdict: SignatureVerdict };

const ICON = { valid: '✔', invalid: '✖', error: '⚠' } as const;
const TITLE = { valid: 'Valid signature', invalid: 'Invalid', error: 'Cannot check' } as const;
const CLASS = { valid: 'sev-ok', invalid: 'sev-error', error: 'sev-warning' } as const;

/**
 * A textarea for a key, a Verify button and the verdict (`data-testid="signature-verdict"`,
 * `data-status` = valid | invalid | error, `data-reason` when not valid). `token`: the JWS compact string.
 */
export function SignatureCheck({ token }: { token: string }) {
  const id = useId();
  const [keyText, setKeyText] = useState('');
  const [state, setState] = useState<State>({ phase: 'idle' });
  // Counts requests so a slow answer for an older token or key never replaces a newer one.
  const request = useRef(0);

  useEffect(() => {
    request.current++;
    setState({ phase: 'idle' });
  }, [token]);

  const onVerify = async () => {
    const mine = ++request.current;
    setState({ phase: 'verifying' });
    const verdict = await verifyTokenSignature(token, keyText);
    if (mine === request.current) setState({ phase: 'done', verdict });
  };

  const input = keyText.trim() ? describeKeyInput(keyText) : undefined;
  const verdict = state.phase === 'done' ? state.verdict : undefined;
  return (
    <section data-testid="signature-check">
      <h3>Signature check</h3>
      <label for={id}>Paste a PEM public key, a JWK, a JWKS, or what your Omnichannel public key URL serves</label>
      <textarea
        id={id}
        rows={6}
        spellcheck={false}
        autocomplete="off"
        class="json key-input"
        value={keyText}
        onInput={(e) => {
          request.current++;
          setKeyText(e.currentTarget.value);
          setState({ phase: 'idle' });
        }}
      />
      {input && (
        <p class={input.usable ? 'muted' : 'sev-warning'} data-testid="signature-key-format">
          {input.usable ? `Recognised: ${input.label}.` : `⚠ ${input.problem ?? input.label}`}
        </p>
      )}
      <p>
        <button type="button" onClick={onVerify} disabled={state.phase === 'verifying' || !keyText.trim()}>
          {state.phase === 'verifying' ? 'Verifying…' : 'Verify'}
        </button>{' '}
        <span class="muted">Checked in this panel only; the key is not sent or stored.</span>
      </p>
      {state.phase === 'verifying' && (
        <p class="muted" role="status" data-testid="signature-progress">
          Verifying the signature…
        </p>
      )}
      {verdict && (
        <p
          role="status"
          class={CLASS[verdict.status]}
          data-testid="signature-verdict"
          data-status={verdict.status}
          data-reason={verdict.status === 'valid' ? undefined : verdict.reason}
        >
          {ICON[verdict.status]} {TITLE[verdict.status]}: {verdict.message}
        </p>
      )}
    </section>
  );
}
