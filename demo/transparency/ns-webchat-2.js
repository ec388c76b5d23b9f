// The full bundle runs after the minimal one and spreads again: `window.WebChat={...window.WebChat,buildInfo:…,Components:…,…}`.
window.WebChat = {
  ...window.WebChat,
  buildInfo: { buildTool: 'tsup', moduleFormat: 'global', variant: 'full', version: '4.18.1' },
  Components: { Composer: function Composer() {} },
  renderWebChat(props, element) {
    return { props: props, element: element };
  },
};
window.__transparency.refs['WebChat'] = window.WebChat;
window.__transparency.refs['WebChat.renderWebChat'] = window.WebChat.renderWebChat;
