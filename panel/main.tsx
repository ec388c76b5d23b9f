/** Panel entry: finds the inspected tab and mounts the app. */
import { render } from 'preact';
import browser from 'webextension-polyfill';
import { App } from './App';
import { inspectedTabId } from './connection';

const root = document.getElementById('app')!;
// Follow the DevTools theme when we are inside DevTools; otherwise the OS preference (see panel.css).
const theme = (browser as { devtools?: typeof browser.devtools }).devtools?.panels?.themeName;
if (theme === 'dark' || theme === 'default')
  document.documentElement.dataset.theme = theme === 'dark' ? 'dark' : 'light';
const forced = new URLSearchParams(location.search).get('theme');
if (forced === 'dark' || forced === 'light') document.documentElement.dataset.theme = forced;

const tabId = inspectedTabId();
render(
  tabId === null ? (
    <p class="empty">
      Open this panel from DevTools, or add <code>?tabId=N</code> to its address.
    </p>
  ) : (
    <App tabId={tabId} />
  ),
  root,
);
