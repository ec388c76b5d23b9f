/** DevTools page: registers the "Chat SSO" panel. */
import browser from 'webextension-polyfill';

void browser.devtools.panels.create('Chat SSO', 'icons/icon16.png', 'panel.html');
