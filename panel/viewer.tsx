/**
 * The standalone viewer (an extension page that works without DevTools): opens a capture exported
 * by the panel, or a HAR saved from the browser's Network panel, and shows the same timeline,
 * details and diagnosis. Files are read locally; nothing is sent anywhere.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { parseCaptureFile } from '../src/analysis/formats/capture';
import { errorMessage } from '../src/analysis/model/format';
import { harToEntries, isHar } from '../src/analysis/formats/har';
import type { LogEntry } from '../src/shared/events';
import { ErrorBoundary } from './ErrorBoundary';
import { Inspector } from './Inspector';

interface Loaded {
  name: string;
  kind: 'capture' | 'HAR';
  entries: LogEntry[];
  warnings: string[];
  dropped?: number;
}

/** Reads a capture or HAR file; throws an Error whose message tells the user what is wrong. */
async function load(file: File): Promise<Loaded> {
  const text = await file.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `${file.name} is not JSON. Open a capture exported by Chat SSO Inspector (.json) or a HAR file (.har).`,
    );
  }
  if (isHar(json)) {
    const r = harToEntries(json);
    return {
      name: file.name,
      kind: 'HAR',
      entries: r.entries,
      warnings: [...r.warnings, ...(r.skipped ? [`${r.skipped} HAR entries could not be read and were skipped.`] : [])],
    };
  }
  const r = parseCaptureFile(json);
  const dropped = (r.meta as { dropped?: number }).dropped;
  return {
    name: file.name,
    kind: 'capture',
    entries: r.entries,
    warnings: r.warnings,
    ...(dropped ? { dropped } : {}),
  };
}

function Viewer() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
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
