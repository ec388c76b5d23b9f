/** The "Chat SSO" DevTools panel: the live log of the inspected tab. */
import browser from 'webextension-polyfill';
import { SETTINGS_KEY, type Settings } from '../src/shared/messages';
import { ErrorBoundary } from './ErrorBoundary';
import { Inspector } from './Inspector';
import type { ConnectionStatus } from './connection';
import { useLiveLog } from './useLiveLog';

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'background restarting, reconnecting…',
};

export function App({ tabId }: { tabId: number }) {
  const live = useLiveLog(tabId);
  // The last line of defence: each part of the Inspector has its own boundary; this one keeps the
  // connection status on screen if the Inspector itself fails.
  return (
    <ErrorBoundary
      part="panel"
      resetKey={live.entries}
      extra={
        <p class="muted">
          tab {tabId}: {STATUS_TEXT[live.status]}
        </p>
      }
    >
      <Inspector
        entries={live.entries}
        model={live.model}
        mode="live"
        status={`tab ${tabId}: ${STATUS_TEXT[live.status]}`}
        statusClass={`status-${live.status}`}
        logState={live.state}
        onClear={() => live.send({ type: 'clear' })}
        onSetPreserveLog={(value) => live.send({ type: 'set-preserve-log', value })}
        onSetFaults={(faults) => live.send({ type: 'set-faults', faults })}
        onSetMaxEntries={(value) =>
          void browser.storage.local.set({ [SETTINGS_KEY]: { maxEntriesPerTab: value } satisfies Settings })
        }
        extensionVersion={browser.runtime.getManifest().version}
        tools={
          <a
            class="button"
            href={browser.runtime.getURL('viewer.html')}
            target="_blank"
            rel="noopener"
            title="Open a saved capture or HAR file in the standalone viewer"
            data-testid="open-viewer"
          >
            Open viewer
          </a>
        }
        empty={
          <>
            <h2>No chat SSO activity captured in this tab yet</h2>
            <p>
              The inspector records the live chat widget's SDK calls (
              <code>Microsoft.Omnichannel.LiveChatWidget.SDK</code>), the auth token provider and bot auth token
              provider invocations, <code>lcw:*</code> events and token POSTs, and Bot Framework Web Chat's activities,
              OAuthCards, <code>signin/tokenExchange</code> invokes and Direct Line traffic, from the moment a page
              starts loading.
            </p>
            <p>
              Start a chat on the page. If the widget loaded before DevTools was opened, events are still here; if
              nothing shows up, reload the page.
            </p>
          </>
        }
      />
    </ErrorBoundary>
  );
}
