"""yadan: a first-level framework on top of eggfast (an example).

A framework is a package whose Application / Agent subclass eggfast's and
point ``egg_path`` at the package folder; that folder is then one more load
unit (config/, app/service, app/middleware, app/extend, app.py, agent.py).
"""
from pathlib import Path

import eggfast


class Application(eggfast.Application):
    egg_path = Path(__file__).parent


class Agent(eggfast.Agent):
    egg_path = Path(__file__).parent
