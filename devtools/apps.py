from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """The demo, the load data and the benchmarks: commands for development only.

    The app is always installed, but each of its commands refuses to run
    without DEBUG, since they write made-up people with known passwords or
    throwaway data.
    """

    name = "devtools"
    verbose_name = "Development tools"
