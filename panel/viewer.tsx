/**
 * The standalone viewer (an extension page that works without DevTools): opens a capture exported
 * by the panel, or a HAR saved from the browser's Network panel, and shows the same timeline,
 * details and diagnosis. Files are read locally; nothing is sent anywhere.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { readLogFile, type LoadedLog } from '../src/analysis/formats/logFile';
import { errorMessage } from '../src/analysis/model/format';
import { ErrorBoundary } from './ErrorBoundary';
import { Inspector } from './Inspector';

/** Reads a capture or HAR file (readLogFile: one reader with the CLI); throws an Error that says what to open. */
async function load(file: File): Promise<LoadedLog> {
  return readLogFile(file.name, await file.text());
}

function Viewer() {
  const [loaded, setLoaded] = useState<LoadedLog | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setLoaded(await load(file));
    } catch (e) {
      setError(errorMessage(e, 1000));
    } finally {
      setBusy(false);
    }
  };
  const picker = (
    <label class="button" title="Open a capture (.json) or a HAR (.har)">
      Open file…
      <input
        type="file"
        accept=".json,.har,application/json"
        class="visually-hidden"
        onChange={(e) => void open(e.currentTarget.files?.[0])}
        data-testid="file-input"
      />
    </label>
  );
  return (
    <div
      class="viewer"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void open(e.dataTransfer?.files[0]);
      }}
    >
      {(error || busy || (loaded && loaded.warnings.length > 0)) && (
        <div class={`notice ${error ? 'sev-error' : 'sev-warning'}`} role="status" data-testid="viewer-notice">
          {busy ? 'Reading the file…' : error ? `✖ ${error}` : loaded!.warnings.map((w) => <div key={w}>⚠ {w}</div>)}
        </div>
      )}
      <ErrorBoundary part="viewer" resetKey={loaded} extra={<p>{picker}</p>}>
        <Inspector
          entries={loaded?.entries ?? []}
          mode="file"
          status={loaded ? `${loaded.kind}: ${loaded.name}` : 'no file open'}
          logState={
            loaded?.dropped ? { dropped: loaded.dropped, preserveLog: true, maxEntries: loaded.entries.length } : null
          }
          extensionVersion={browser.runtime.getManifest().version}
          tools={picker}
          empty={
            <>
              <h2>Open a capture or a HAR file</h2>
              <p>
                Drop a file here, or use <b>Open file…</b>: a capture exported from the Chat SSO panel (.json), or a HAR
                saved from the browser's Network panel (Chrome: <i>Export HAR</i>; Firefox: <i>Save All As HAR</i>). The
                file is read in this page only and is not sent anywhere.
              </p>
              <p>
                From a HAR the viewer rebuilds the Direct Line traffic, token POSTs and live chat connector requests,
                and runs the same diagnosis. Web Chat's store, SDK calls and provider timings are only visible to the
                live extension.
              </p>
            </>
          }
        />
      </ErrorBoundary>
    </div>
  );
}

const theme = new URLSearchParams(location.search).get('theme');
if (theme === 'dark' || theme === 'light') document.documentElement.dataset.theme = theme;
render(<Viewer />, document.getElementById('app')!);
