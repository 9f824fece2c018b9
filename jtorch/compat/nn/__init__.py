"""``torch.nn`` (in progress): ``torch.nn.functional`` is complete; modules land with the nn facade."""
from . import functional as functional
