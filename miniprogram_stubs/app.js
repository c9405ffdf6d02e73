// Mini-program entry. The session lives in storage (utils/session.js), so a cold start on a weak
// network needs no sign-in round trip; the pages sign in lazily through utils/request.js.
App({});
