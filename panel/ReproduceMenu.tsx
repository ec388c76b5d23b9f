/**
 * The Reproduce menu (live panel only) and the fault banner: switch on, for the inspected tab, the faults of
 * src/shared/faults.ts that make the page's own code take its SSO fallback path. The menu shows the tab's
 * faults as the background reports them (LogState.faults) and sends `set-faults` only on a user's click or
 * change; a setting of a fault that is off is only remembered here until the fault is switched on.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  AUTH_FAIL_MODES,
  DEFAULT_AUTH_DELAY_S,
  DEFAULT_BOT_AUTH_DELAY_S,
  describeFault,
  FAULT_IDS,
  MAX_FAULT_DELAY_S,
  NO_FAULTS,
  POST_TOKEN_STATUSES,
  readFault,
  type AuthFailMode,
  type Fault,
  type FaultId,
  type FaultSet,
  type PostTokenStatus,
} from '../src/shared/faults';

/** Each fault's name in the menu. */
const FAULT_LABELS: Record<FaultId, string> = {
  'auth-delay': 'Delay the auth token provider',
  'auth-fail': 'Make the auth token provider fail',
  'bot-auth-delay': 'Delay the bot auth token provider',
  'post-token-status': 'Force the status of the POST to botTokenUrl',
  'exchange-502': 'Fail the signin/tokenExchange invoke (502, as Direct Line does)',
  'strip-exchange-resource': 'Strip tokenExchangeResource from OAuthCards',
};

const AUTH_FAIL_LABELS: Record<AuthFailMode, string> = {
  throw: 'throws',
  expired: 'expired token (unsigned, built locally)',
  malformed: 'malformed token (not a JWT)',
};

/** Settings of every fault, on or off: what the menu's inputs show (seconds as typed). */
interface Drafts {
  authDelay: string;
  authFail: AuthFailMode;
  botAuthDelay: string;
  status: PostTokenStatus;
}
const DEFAULT_DRAFTS: Drafts = {
  authDelay: String(DEFAULT_AUTH_DELAY_S),
  authFail: 'throw',
  botAuthDelay: String(DEFAULT_BOT_AUTH_DELAY_S),
  status: 500,
};

/** The fault `id` with the drafts' setting, or null when the setting is not valid (a delay out of range). */
function faultFrom(id: FaultId, d: Drafts): Fault | null {
  switch (id) {
    case 'auth-delay':
      return readFault({ id, seconds: Number(d.authDelay) });
    case 'bot-auth-delay':
      return readFault({ id, seconds: Number(d.botAuthDelay) });
    case 'auth-fail':
      return { id, mode: d.authFail };
    case 'post-token-status':
      return { id, status: d.status };
    default:
      return { id };
  }
}

/** The drafts updated with the settings of the active faults. */
function draftsOf(set: FaultSet, d: Drafts): Drafts {
  const next = { ...d };
  for (const f of set.faults) {
    if (f.id === 'auth-delay') next.authDelay = String(f.seconds);
    else if (f.id === 'bot-auth-delay') next.botAuthDelay = String(f.seconds);
    else if (f.id === 'auth-fail') next.authFail = f.mode;
    else if (f.id === 'post-token-status') next.status = f.status;
  }
  return next;
}

/** `set` with the fault `id` replaced by `fault`, or removed when null; faults kept in the menu's order. */
function withFault(set: FaultSet, id: FaultId, fault: Fault | null): Fault[] {
  const others = set.faults.filter((f) => f.id !== id);
  const all = fault ? [...others, fault] : others;
  return FAULT_IDS.flatMap((i) => all.filter((f) => f.id === i));
}

const delayError = `Enter seconds between 0 and ${MAX_FAULT_DELAY_S}.`;

export function ReproduceMenu({ faults, onSetFaults }: { faults: FaultSet; onSetFaults(set: FaultSet): void }) {
  const [open, setOpen] = useState(false);
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(faults, DEFAULT_DRAFTS));
  // "Keep across reload" is remembered here while every fault is off (the background keeps no empty set).
  const [keep, setKeep] = useState(faults.keepAcrossReload);
  const [invalid, setInvalid] = useState<FaultId | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLSpanElement>(null);
  const active = faults.faults.length > 0;
  useEffect(() => {
    setDrafts((d) => draftsOf(faults, d));
    if (faults.faults.length > 0) setKeep(faults.keepAcrossReload);
  }, [faults]);

  // A press outside the menu closes it, as DevTools' menus do.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!menuRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const isOn = (id: FaultId) => faults.faults.some((f) => f.id === id);
  const send = (list: Fault[], keepAcrossReload = keep) => onSetFaults({ faults: list, keepAcrossReload });

  /** The user switched `id` on or off, or changed its setting (`d`): sends when it is, or becomes, on. */
  const change = (id: FaultId, on: boolean, d: Drafts = drafts) => {
    setDrafts(d);
    if (!on) {
      setInvalid(null);
      if (isOn(id)) send(withFault(faults, id, null));
      return;
    }
    const fault = faultFrom(id, d);
    setInvalid(fault ? null : id);
    if (fault) send(withFault(faults, id, fault));
  };

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const delayInput = (id: 'auth-delay' | 'bot-auth-delay', key: 'authDelay' | 'botAuthDelay') => (
    <label class="fault-setting">
      <input
        type="number"
        min="0.1"
        max={MAX_FAULT_DELAY_S}
        step="0.5"
        value={drafts[key]}
        aria-invalid={invalid === id}
        aria-label={`${FAULT_LABELS[id]}: seconds`}
        data-testid={`fault-${id}-seconds`}
        onChange={(e) => change(id, isOn(id), { ...drafts, [key]: e.currentTarget.value })}
      />{' '}
      s
    </label>
  );

  const setting = (id: FaultId) => {
    switch (id) {
      case 'auth-delay':
        return delayInput(id, 'authDelay');
      case 'bot-auth-delay':
        return delayInput(id, 'botAuthDelay');
      case 'auth-fail':
        return (
          <select
            aria-label={`${FAULT_LABELS[id]}: how`}
            value={drafts.authFail}
            data-testid="fault-auth-fail-mode"
            onChange={(e) => change(id, isOn(id), { ...drafts, authFail: e.currentTarget.value as AuthFailMode })}
          >
            {AUTH_FAIL_MODES.map((m) => (
              <option key={m} value={m}>
                {AUTH_FAIL_LABELS[m]}
              </option>
            ))}
          </select>
        );
      case 'post-token-status':
        return (
          <select
            aria-label={`${FAULT_LABELS[id]}: status`}
            value={String(drafts.status)}
            data-testid="fault-post-token-status-status"
            onChange={(e) =>
              change(id, isOn(id), { ...drafts, status: Number(e.currentTarget.value) as PostTokenStatus })
            }
          >
            {POST_TOKEN_STATUSES.map((s) => (
              <option key={s} value={String(s)}>
                {s}
              </option>
            ))}
          </select>
        );
      default:
        return null;
    }
  };

  return (
    <span class="reproduce" ref={menuRef}>
      <button
        type="button"
        ref={buttonRef}
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls="reproduce-menu"
        class={active ? 'fault-on' : ''}
        title="Inject a fault in this tab to make the page take its SSO fallback path"
        data-testid="reproduce"
        onClick={() => setOpen(!open)}
      >
        Reproduce{active ? ` (${faults.faults.length} on)` : ''} ▾
      </button>
      {open && (
        <div
          id="reproduce-menu"
          class="reproduce-menu"
          role="group"
          aria-label="Fault injection for this tab"
          data-testid="reproduce-menu"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              close();
            }
          }}
        >
          <p class="muted">
            Each fault is off by default, applies to this tab only, and ends when the tab closes, navigates (unless
            kept) or the extension reloads.
          </p>
          <ul>
            {FAULT_IDS.map((id) => {
              const fault = faultFrom(id, drafts);
              return (
                <li key={id}>
                  <label title={fault ? describeFault(fault) : delayError}>
                    <input
                      type="checkbox"
                      checked={isOn(id)}
                      data-testid={`fault-${id}`}
                      onChange={(e) => change(id, e.currentTarget.checked)}
                    />{' '}
                    {FAULT_LABELS[id]}
                  </label>{' '}
                  {setting(id)}
                  {invalid === id && (
                    <span class="sev-error" role="alert">
                      {' '}
                      {delayError}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
          <label title="Keep the faults when the page reloads or navigates (otherwise a new page starts without them)">
            <input
              type="checkbox"
              checked={keep}
              data-testid="fault-keep"
              onChange={(e) => {
                const value = e.currentTarget.checked;
                setKeep(value);
                if (active) send(faults.faults, value);
              }}
            />{' '}
            Keep across reload
          </label>{' '}
          <button type="button" disabled={!active} data-testid="faults-off" onClick={() => onSetFaults(NO_FAULTS)}>
            Turn all off
          </button>{' '}
          <button type="button" onClick={close}>
            Close
          </button>
        </div>
      )}
    </span>
  );
}

/** The banner the live panel shows at its top while any fault is injected in the tab. */
export function FaultBanner({ faults, onTurnOff }: { faults: FaultSet; onTurnOff(): void }) {
  if (faults.faults.length === 0) return null;
  return (
    <div class="fault-banner" role="status" data-testid="fault-banner">
      <strong>Fault injection active on this tab:</strong> {faults.faults.map(describeFault).join('; ')}
      {faults.keepAcrossReload ? ' (kept across reloads)' : ''}{' '}
      <button type="button" data-testid="fault-banner-off" onClick={onTurnOff}>
        Turn all off
      </button>
    </div>
  );
}
