// A Power Pages portal: it owns window.Microsoft.Dynamic365 (the user of the portal session).
window.Microsoft = window.Microsoft || {};
window.Microsoft.Dynamic365 = {
  Portal: {
    User: { contactId: '7d5f0e8e-0000-4000-8000-000000000001', userName: 'ada@example.invalid' },
    version: '9.6.9.0',
  },
};
