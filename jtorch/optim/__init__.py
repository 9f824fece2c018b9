"""Optimizers as optax transformations with PyTorch's update rules, and PyTorch's LR schedules."""
