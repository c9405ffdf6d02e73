// ESLint for the mini-program (WeChat globals, CommonJS) and its tests (Node, jest, jsdom).
const js = require('@eslint/js');
const globals = require('globals');

const wechat = {
  wx: 'readonly',
  App: 'readonly',
  Page: 'readonly',
  Component: 'readonly',
  requirePlugin: 'readonly',
  Behavior: 'readonly',
  getApp: 'readonly',
  getCurrentPages: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly', // the learning viewer's heartbeat
  clearInterval: 'readonly',
  console: 'readonly',
};

module.exports = [
  { ignores: ['node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'commonjs',
      globals: { ...globals.commonjs, ...wechat },
    },
    rules: {
      'no-unused-vars': ['error', { caughtErrors: 'none' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
      'no-console': 'error',
    },
  },
  {
    // The mini-program has no Node: only the test harness may use it.
    files: ['tests/**/*.js', 'jest.config.js', 'eslint.config.js'],
    languageOptions: {
      globals: { ...globals.node, ...globals.jest, ...globals.browser, device: 'readonly', journeyContext: 'readonly' },
    },
  },
];
