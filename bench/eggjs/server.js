'use strict';

// Egg.js's default app in one process, for bench/run_e2e.py:
//
//     NODE_ENV=production EGG_SERVER_ENV=prod node server.js PORT
//
// egg's single-process mode (require('egg').start, egg >= 3.9): the agent and
// the application load in this process, no master and no forked worker.  The
// server is made as egg-cluster's app worker makes it: http.createServer over
// app.callback(), then app.emit('server', server) so the app holds it.
// BENCH_CSRF=off turns csrf off (config/config.default.js).
const http = require('http');
const egg = require('egg');

const port = Number(process.argv[2] || 7001);

egg.start({ baseDir: __dirname }).then(app => {
  const server = http.createServer(app.callback());
  app.emit('server', server);
  server.listen(port, '127.0.0.1');
  const stop = () => server.close(() => app.close().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}, err => {
  console.error(err);
  process.exit(1);
});
