// What @microsoft/ocsdk 0.5.21 runs when its module loads (its load-time `in` checks, as in the published
// build; demo/realcode runs the real package). Deliberately not guarded: when it throws, the error
// is what a real page gets (recorded as an uncaught error by probes.js).
if (!('Microsoft' in window)) window.Microsoft = {};
if (!('CRM' in window.Microsoft)) window.Microsoft.CRM = {};
