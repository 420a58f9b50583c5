"""yadan_plus: a second-level framework on top of yadan (an example)."""
from pathlib import Path

import yadan


class Application(yadan.Application):
    egg_path = Path(__file__).parent


class Agent(yadan.Agent):
    egg_path = Path(__file__).parent
