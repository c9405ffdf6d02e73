// Where the API lives: the one place to change it.
// develop is `make run` on this computer; trial and release go to the HTTPS host that is also entered
// as the request domain in the mini-program's admin console (set RELEASE_ORIGIN before uploading).
const RELEASE_ORIGIN = 'https://rd.example.gov.cn';

const ORIGINS = {
  develop: 'http://127.0.0.1:5000',
  trial: RELEASE_ORIGIN,
  release: RELEASE_ORIGIN,
};

// WeChat DevTools hands out wx.login codes the local stand-in never issued, so there (and only there)
// sign-in asks the stand-in of `make run` for a code instead. Phones always use wx.login.
const DEV_STANDIN = 'http://127.0.0.1:8765';

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion || 'develop';
  } catch (e) {
    return 'develop';
  }
}

const env = envVersion();
const origin = ORIGINS[env] || RELEASE_ORIGIN;

module.exports = {
  env,
  origin,
  apiBase: origin + '/api/v1',
  devStandin: env === 'develop' ? DEV_STANDIN : '',
  // Small pages: a feed page is the largest payload a deputy downloads.
  pageSize: 10,
};
