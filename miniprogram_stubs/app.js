// Mini-program entry: keeps the session in storage so a cold start on a weak network needs no sign-in round trip.
App({
  globalData: { apiBase: 'http://127.0.0.1:5000/api/v1' },
});
