// The bot: the real botbuilder + botbuilder-dialogs packages. A CloudAdapter with auth disabled,
// whose token calls go to this server's token service stand-in (OAuthUrl), and a WaterfallDialog
// around an OAuthPrompt. Two bot classes: one routes signin/* invokes to the dialog (the documented
// fix), one does not (botbuilder then answers the invoke with 501).
import botbuilder from 'botbuilder';
import dialogs from 'botbuilder-dialogs';
import { SSO_DEMO } from '../webchat/config.js';

const { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication, ConversationState, MemoryStorage } =
  botbuilder;
const { DialogSet, DialogTurnStatus, OAuthPrompt, WaterfallDialog } = dialogs;

/**
 * Workaround (botbuilder 4.23.3): with no app id the request's identity has no `aud`/`appid` claim,
 * so the UserTokenClient gets appId undefined and OAuthPrompt fails a zod check ("appId: Required")
 * before it ever calls GetSignInResource. Adding an empty `appid` claim gives it appId "".
 */
class LocalBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  createUserTokenClient(claimsIdentity) {
    const withAppId = Object.assign(Object.create(Object.getPrototypeOf(claimsIdentity)), claimsIdentity, {
      claims: [...claimsIdentity.claims, { type: 'appid', value: '' }],
    });
    return super.createUserTokenClient(withAppId);
  }
}

/** Readable part of the token service stand-in's exchanged token (see tokenService.mjs). */
function whoFrom(token) {
  try {
    const { name, upn } = JSON.parse(
      Buffer.from(String(token).replace(/^exchanged-/, ''), 'base64url').toString('utf8'),
    );
    return name ? ` Welcome, ${name}${upn ? ` (${upn})` : ''}.` : '';
  } catch {
    return '';
  }
}

/** A plain ActivityHandler: greets, runs the sign-in dialog on messages, does NOT route invokes. */
class SsoBot extends ActivityHandler {
  constructor(conversationState, dialogSet) {
    super();
    this.conversationState = conversationState;
    this.dialogSet = dialogSet;
    this.onMembersAdded(async (context, next) => {
      for (const m of context.activity.membersAdded ?? []) {
        if (m.id !== context.activity.recipient.id)
          await context.sendActivity('Hello! This is the local Bot Framework SSO demo bot. Say anything to sign in.');
      }
      await next();
    });
    this.onMessage(async (context, next) => {
      await this.runDialog(context, true);
      await next();
    });
  }

  /** Continues the active dialog; starts the sign-in dialog on a message when none is active. */
  async runDialog(context, mayBegin) {
    const dc = await this.dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && mayBegin) await dc.beginDialog('SignIn');
  }

  async run(context) {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }
}

/** The documented fix (Web Chat sample 07.e dialogBot.js): signin/tokenExchange goes to the dialog. */
class RoutingSsoBot extends SsoBot {
  constructor(conversationState, dialogSet, failInvokeFor) {
    super(conversationState, dialogSet);
    this.failInvokeFor = failInvokeFor;
  }

  async onSignInInvoke(context) {
    // boterror=1: a bug in the bot's invoke handling (the adapter then answers 500).
    if (this.failInvokeFor(context.activity.conversation?.id ?? '')) throw new Error('Simulated bug in onSignInInvoke');
    await this.runDialog(context, false);
  }
}

/**
 * @param {{ base: string, routeInvokeFor: (conversationId: string) => boolean, failInvokeFor?: (conversationId: string) => boolean, log: (e: object) => void }} deps
 * @returns {{ handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: any): Promise<void> }}
 */
export function createBot({ base, routeInvokeFor, failInvokeFor = () => false, log }) {
  const auth = new LocalBotFrameworkAuthentication({ MicrosoftAppId: '', MicrosoftAppPassword: '', OAuthUrl: base });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    log({ hop: 'bot', conversationId: context.activity?.conversation?.id, error: String(error?.stack ?? error) });
    // An invoke's failure must reach the channel as an HTTP error (CloudAdapter answers 500), as in a bot without a handler.
    if (context.activity?.type === 'invoke') throw error;
    await context.sendActivity('The bot encountered an error.').catch(() => undefined);
  };

  const conversationState = new ConversationState(new MemoryStorage());
  const dialogSet = new DialogSet(conversationState.createProperty('DialogState'));
  dialogSet.add(
    new OAuthPrompt('OAuthPrompt', {
      connectionName: SSO_DEMO.connectionName,
      text: SSO_DEMO.text.prompt,
      title: 'Sign In',
      timeout: 300000,
    }),
  );
  dialogSet.add(
    new WaterfallDialog('SignIn', [
      (step) => step.beginDialog('OAuthPrompt'),
      async (step) => {
        const tokenResponse = step.result;
        await step.context.sendActivity(
          tokenResponse?.token ? `${SSO_DEMO.text.signedIn}${whoFrom(tokenResponse.token)}` : SSO_DEMO.text.failed,
        );
        return step.endDialog();
      },
    ]),
  );
  const routing = new RoutingSsoBot(conversationState, dialogSet, failInvokeFor);
  const plain = new SsoBot(conversationState, dialogSet);

  return {
    /** POST /api/messages. `body` is the parsed activity; `res` gets express-like methods (the shim CloudAdapter.process needs). */
    async handle(req, res, body) {
      let status = 200;
      let payload;
      const shim = {
        status(code) {
          status = code;
          return shim;
        },
        header(name, value) {
          res.setHeader(name, value);
          return shim;
        },
        send(b) {
          payload = b;
          return shim;
        },
        end() {
          const text = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
          if (text && !res.hasHeader('content-type'))
            res.setHeader(
              'content-type',
              typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
            );
          res.writeHead(status);
          res.end(text);
          log({ hop: 'bot', conversationId: body?.conversation?.id, type: body?.type, name: body?.name, status });
        },
      };
      const bot = routeInvokeFor(body?.conversation?.id ?? '') ? routing : plain;
      await adapter.process(Object.assign(req, { body }), shim, (context) => bot.run(context));
    },
  };
}
