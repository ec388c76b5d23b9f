// What @microsoft/ocsdk 0.5.21 runs when its module loads (see the "in checks" in
// /work/shared/reference/omnichannel-real-code.md). Deliberately not guarded: when it throws, the error
// is what a real page gets (recorded as an uncaught error by probes.js).
if (!("Microsoft" in window)) window.Microsoft = {};
if (!("CRM" in window.Microsoft)) window.Microsoft.CRM = {};
