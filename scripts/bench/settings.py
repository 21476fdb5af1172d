"""The site's own settings, plus the benchmark's URLconf with its trivial view; used only by `make bench`."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
