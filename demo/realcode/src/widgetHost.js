/*
 * BENCH GLUE — not Microsoft code, but it only calls Microsoft's code: the part of the widget's React shell
 * (LiveChatWidget.js, livechatwidget/common/startChat.js) that the bench does not run. It creates the real
 * OmnichannelChatSDK, initializes it, wraps it in the widget's real FacadeChatSDK, starts the chat through the
 * facade (as startChat.js does), then builds the chat adapter with the widget's real createAdapter
 * (ChatAdapterShim + BotAuthActivitySubscriber) and renders the real Web Chat with React.
 *
 * Why not the whole LiveChatWidget component: without ACS its startChat stops at the chat SDK's
 * MessagingClientInitializationFailure and never creates the adapter. The bench treats that one failure as
 * "Omnichannel accepted the chat" and goes on with the ACS stand-in (demo/realcode/src/acsAdapter.js).
 */
import { OmnichannelChatSDK } from '@microsoft/omnichannel-chat-sdk';
import ReactWebChat, { createStore } from 'botframework-webchat';
import React from 'react';
import ReactDOM from 'react-dom';
// Deep modules of the widget, imported by file path (the package's `exports` map only allows its root).
import { FacadeChatSDK } from '../node_modules/@microsoft/omnichannel-chat-widget/lib/esm/common/facades/FacadeChatSDK.js';
import { createAdapter } from '../node_modules/@microsoft/omnichannel-chat-widget/lib/esm/components/livechatwidget/common/createAdapter.js';
import { createAcsStandInAdapter } from './acsAdapter.js';
import { bench } from './benchState.js';
import { webChatRecorder } from './recorder.js';

/** The chat SDK's error name: ChatSDKError is `{ message, httpResponseStatusCode, exceptionDetails }`, not an Error. */
export function errorName(e) {
  if (e && typeof e === 'object' && typeof e.message === 'string') return e.message;
  return String(e);
}

/**
 * @param {{ widgetId: string, orgId: string, orgUrl: string, getAuthToken: (via: string, name?: string) => Promise<string> }} opts
 *   getAuthToken: the scripting layer's token function (resolves the configured client function at call time)
 */
export function createWidgetHost({ widgetId, orgId, orgUrl, getAuthToken }) {
  const sdkRecord = (bench.records().sdk = { initialize: null, startChat: null, createAdapter: null });
  let chatSDK;
  let chatConfig;

  const timed = async (name, fn) => {
    const rec = (sdkRecord[name] = {
      status: 'pending',
      t0: performance.now(),
      t1: null,
      error: null,
      httpStatus: null,
    });
    bench.changed();
    try {
      const value = await fn();
      rec.status = 'ok';
      return value;
    } catch (e) {
      rec.status = 'error';
      rec.error = errorName(e);
      rec.httpStatus = e?.httpResponseStatusCode ?? null;
      throw e;
    } finally {
      rec.t1 = performance.now();
      bench.changed();
    }
  };

  return {
    /** What the scripting layer does when it loads: create and initialize the chat SDK (GET …/config). */
    async initialize() {
      chatSDK = new OmnichannelChatSDK(
        { orgId, orgUrl, widgetId },
        {
          // The scripting layer gives the chat SDK its getAuthToken. The configured function's name comes from the
          // config the SDK has just read (chatSDK.liveChatConfig), at call time.
          getAuthToken: () =>
            getAuthToken(
              'chat SDK',
              chatSDK.liveChatConfig?.LiveChatConfigAuthSettings?.msdyn_javascriptclientfunction,
            ),
          // Offline bench: no telemetry upload (the page's CSP would block it anyway).
          telemetry: { disable: true },
        },
      );
      chatConfig = await timed('initialize', () => chatSDK.initialize());
      return chatConfig;
    },

    /** The widget's start sequence (startChat.js): facade.startChat, then createAdapter, then Web Chat. */
    async startChat(mount) {
      const isAuthenticated = !!chatConfig?.LiveChatConfigAuthSettings?.msdyn_javascriptclientfunction;
      const facade = new FacadeChatSDK({
        chatSDK,
        chatConfig,
        isAuthenticated,
        // The widget's getAuthToken prop: the scripting layer resolves the name the facade passes.
        getAuthToken: (authClientFunction) => getAuthToken('widget facade', authClientFunction),
        isSDKMocked: false,
      });
      const startChatOptionalParams = {
        sendDefaultInitContext: true,
        isProactiveChat: false,
        portalContactId: window.Microsoft?.Dynamic365?.Portal?.User?.contactId,
      };
      try {
        await timed('startChat', () => facade.startChat(startChatOptionalParams));
      } catch (e) {
        if (errorName(e) !== 'MessagingClientInitializationFailure') {
          bench.log(`startChat failed: ${errorName(e)}: the widget would show its error pane; Web Chat is not started`);
          bench.records().webChatStarted = false;
          bench.changed();
          return false;
        }
        bench.log(
          'startChat: Omnichannel accepted the chat; ACS is not available offline (MessagingClientInitializationFailure, expected): the ACS stand-in takes over',
        );
      }
      let connected;
      const whenConnected = new Promise((resolve) => (connected = resolve));
      const acs = createAcsStandInAdapter({ widgetId, whenConnected });
      // createAdapter reads only createChatAdapter() and getChatSDK() from the facade it is given.
      const adapterFacade = { createChatAdapter: async () => acs, getChatSDK: () => facade.getChatSDK() };
      const adapter = await timed('createAdapter', () => createAdapter(adapterFacade, { webChatContainerProps: {} }));
      const store = createStore({}, webChatRecorder(connected));
      bench.records().webChatStarted = true;
      ReactDOM.render(
        React.createElement(ReactWebChat, {
          directLine: adapter,
          store,
          userID: 'realcode-visitor',
          styleOptions: { hideUploadButton: true },
        }),
        mount,
      );
      bench.changed();
      return true;
    },
  };
}
