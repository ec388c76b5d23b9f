// A site script that assigns window.Microsoft wholesale (a new object, in its own key order),
// carrying over what was there.
(function () {
  var previous = window.Microsoft || {};
  window.Microsoft = {
    Site: { name: 'Contoso', locale: 'en-US' },
    Omnichannel: previous.Omnichannel,
    Dynamic365: previous.Dynamic365,
    CRM: previous.CRM,
  };
  window.__transparency.refs['Microsoft'] = window.Microsoft;
})();
