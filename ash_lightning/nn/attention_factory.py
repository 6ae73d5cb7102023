"""The signature every attention block is built with."""

from collections.abc import Callable

from torch import nn

AttentionFactory = Callable[[int], nn.Module]
"""Builds an attention block for a given number of channels, e.g. ``ASHAttention``."""
