'use strict';

const { Controller } = require('egg');

// The controller of bench/e2e/egg_app/app/controller/home.py: same bodies.
class HomeController extends Controller {
  async index() {
    this.ctx.body = 'Hello, World!';
  }

  async json() {
    this.ctx.body = { message: 'Hello, World!' };
  }

  async post() {
    const { id, pid } = this.ctx.params;
    this.ctx.body = { id, pid };
  }
}

module.exports = HomeController;
