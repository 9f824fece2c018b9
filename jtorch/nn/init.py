"""Placeholder: jtorch.nn.init is written by the layers helper."""
