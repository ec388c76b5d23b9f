/**
 * Error boundaries: a part of the panel (timeline, details, diagnosis, the viewer) that fails to
 * render shows what went wrong in its own place, and the rest of the panel keeps working. The message
 * is rendered as text; nothing of the failure (whose message may quote page data) is logged but its
 * error class.
 */
import { Component, type ComponentChildren } from 'preact';
import { errorMessage } from '../src/analysis/model/format';

/** The sentence shown in place of a part that failed. `message`: what failed, as text. */
export function partFailedText(message: string): string {
  return (
    `This part could not be shown: ${message.replace(/[.\s]+$/, '')}. ` +
    'The rest of the panel still works. Please export the capture and report it.'
  );
}

/** The notice shown in place of a part that failed (also used where a computation, not a render, failed). */
export function PartFailed({
  part,
  message,
  children,
}: {
  part: string;
  message: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="part-failed sev-error" role="alert" data-testid="part-failed" data-part={part}>
      <p>✖ {partFailedText(message)}</p>
      {children}
    </div>
  );
}

interface Props {
  /** Which part this guards: "timeline", "details", "diagnosis", "token", "viewer"… (data-part of the notice). */
  part: string;
  /** When this value changes, the part is tried again (new entries, another selected row, another file). */
  resetKey?: unknown;
  /** Shown below the notice (e.g. the viewer's file picker). */
  extra?: ComponentChildren;
  children?: ComponentChildren;
}

interface State {
  error: { message: string } | null;
  resetKey: unknown;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static override getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: { message: errorMessage(error) } };
  }

  static override getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return Object.is(props.resetKey, state.resetKey) ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: unknown): void {
    // The class only: a message can quote page data (a token, a claim).
    let kind = 'error';
    try {
      if (error instanceof Error) kind = error.constructor.name || 'Error';
    } catch {
      // keep 'error'
    }
    console.error(`Chat SSO Inspector: the ${this.props.part} could not be rendered (${kind}).`);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children as preact.ComponentChild;
    return (
      <PartFailed part={this.props.part} message={error.message}>
        {this.props.extra}
      </PartFailed>
    );
  }
}
