"""The development commands refuse without DEBUG before they need factory-boy.

A production image installs Klientstöd without the development extra, so
factory-boy is missing there; ``seed_demo`` and the load-data commands must
still answer with their refusal, not with an ImportError. Here factory-boy is
made unimportable and the commands' modules are imported afresh.
"""

import sys

import pytest
from django.core.management import CommandError, call_command

COMMANDS = ["seed_demo", "generate_load_data", "bench_reports", "bench_pages"]


@pytest.fixture
def without_factory_boy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "factory" or name.startswith(("factory.", "devtools.")):
            monkeypatch.delitem(sys.modules, name)
    # None in sys.modules makes ``import factory`` raise ImportError.
    monkeypatch.setitem(sys.modules, "factory", None)  # type: ignore[arg-type]


def test_factory_boy_is_really_gone(without_factory_boy: None) -> None:
    with pytest.raises(ImportError):
        import devtools.factories  # noqa: F401


@pytest.mark.django_db
@pytest.mark.parametrize("command", COMMANDS)
def test_refuses_without_debug_before_importing_factory_boy(
    command: str, settings, without_factory_boy: None
) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command(command)
    assert sys.modules["factory"] is None
    assert "devtools.factories" not in sys.modules
