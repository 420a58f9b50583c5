'use strict';

// The routes of bench/e2e/egg_app/app/router.py, one class-controller action each.
module.exports = app => {
  const { router, controller } = app;
  router.get('/', controller.home.index);
  router.get('/json', controller.home.json);
  router.get('/user/:id/post/:pid', controller.home.post);
};
