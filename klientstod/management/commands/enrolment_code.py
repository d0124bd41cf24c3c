"""manage.py enrolment_code USERNAME: the operator issues an enrolment code.

The administrator issues codes from the user's page in the administration. This command
is for the first administrator (nobody can issue theirs in the browser before they have
logged in with a second factor) and for an administrator who has lost their phone when
no other administrator is there.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from klientstod import services
from klientstod.models import User


class Command(BaseCommand):
    help = (
        "Issue a one-time enrolment code with which USERNAME sets up their authenticator app. "
        "Earlier codes stop working; --reset also removes the app the user has."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset", action="store_true", help="Remove the user's app (a lost phone) first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user is called {options['username']!r}.")
        try:
            code = services.enrolment_code_issue(
                user=user, by=None, reset_authenticator=options["reset"]
            )
        except ValidationError as error:
            raise CommandError(f"{error.messages[0]} (use --reset)") from None
        self.stdout.write(
            f"Enrolment code for {user.username}: {code}\n"
            "It works once, for the days set in KLIENTSTOD_ENROLMENT_CODE_DAYS. Give it to "
            "the user by another way than the password."
        )
