"""The factories live with the demo and the load data, in ``devtools.factories``."""

from devtools.factories import *  # noqa: F403
