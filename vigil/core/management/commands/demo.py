"""`vigil demo [--reset] [--seed N]`: build the fictional demo district."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from vigil.accounts.models import User
from vigil.core.permissions import TWO_FACTOR_ROLES
from vigil.demo import builder
from vigil.sites.models import District


class Command(BaseCommand):
    help = "Build the fictional demo district (deterministic from --seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=builder.DEFAULT_SEED)
        parser.add_argument(
            "--reset", action="store_true", help="Erase EVERYTHING in the database first."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask before --reset.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Build only when there is no district yet."
        )
        parser.add_argument(
            "--code", metavar="USERNAME", help="Print the current 2FA code of a demo login."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["code"]:
            self._print_code(options["code"], options["seed"])
            return
        exists = District.objects.exists()
        if exists and options["if_empty"]:
            self.stdout.write("The database already holds a district; leaving it as it is.")
            return
        if exists and not options["reset"]:
            raise CommandError("The database already holds a district. Use --reset to erase it.")
        if options["reset"] and exists:
            if not options["yes"]:
                if not sys.stdin.isatty():
                    raise CommandError("--reset erases everything; add --yes to confirm.")
                answer = input("This erases every record, user and audit row. Type 'erase': ")
                if answer.strip() != "erase":
                    raise CommandError("Nothing was changed.")
            call_command("flush", interactive=False, verbosity=0)
        result = builder.build(options["seed"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {result.district.name} (fictional): {len(result.schools)} schools, "
                f"{len(result.users)} demo logins (seed {options['seed']})."
            )
        )
        self.stdout.write(logins_text(options["seed"]))

    def _print_code(self, username: str, seed: int) -> None:
        user = User.objects.filter(username=username, is_demo=True).first()
        if user is None:
            # Only demo logins: a command that prints anyone's code would be a back door.
            raise CommandError(f"{username!r} is not a demo login.")
        self.stdout.write(str(TOTP(builder.totp_key(seed, username)).token()).zfill(6))


def logins_text(seed: int = builder.DEFAULT_SEED) -> str:
    lines = [f"Demo logins (password for all: {builder.DEMO_PASSWORD}):"]
    for login in builder.DEMO_LOGINS:
        where = "whole district" if not login.schools else ", ".join(login.schools)
        line = f"  {login.username:<11} {login.role.label} — {where}"
        if login.role in TWO_FACTOR_ROLES:
            line += f"\n{'':14}2FA key {builder.totp_secret_b32(seed, login.username)}"
            line += f" (or: vigil demo --code {login.username})"
        lines.append(line)
    return "\n".join(lines)
