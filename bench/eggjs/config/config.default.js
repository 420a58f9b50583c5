'use strict';

const os = require('os');
const path = require('path');

// Egg's default app: every default plugin and middleware as `egg` ships them
// (security with csrf, session, i18n, ...), nothing turned off, except csrf
// when BENCH_CSRF=off (the benchmark's second configuration).
module.exports = appInfo => {
  const config = {};
  config.keys = 'bench-egg-keys';
  const tmp = process.env.BENCH_EGG_TMP || path.join(os.tmpdir(), `bench-eggjs-${process.pid}`);
  config.logger = { dir: path.join(tmp, 'logs') };
  config.rundir = path.join(tmp, 'run');
  config.customLogger = {};
  if (process.env.BENCH_CSRF === 'off') {
    config.security = { csrf: { enable: false } };
  }
  return config;
};
