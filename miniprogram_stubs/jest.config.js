// Journeys: the pages under miniprogram-simulate, against a live deputyhub (tests/setup/global-setup.js).
module.exports = {
  testEnvironment: 'jsdom',
  globalSetup: './tests/setup/global-setup.js',
  globalTeardown: './tests/setup/global-teardown.js',
  setupFiles: ['./tests/setup/wx.js'],
  testMatch: ['<rootDir>/tests/journeys/**/*.test.js'],
  testTimeout: 30000,
};
