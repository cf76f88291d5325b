"""`vigil createuser`: add a person with one role, from the command line."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from vigil.accounts import services
from vigil.core import context
from vigil.core.permissions import Role
from vigil.sites.models import School


class Command(BaseCommand):
    help = "Create a user with a role, for the whole district or for named schools."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--school", action="append", default=[], metavar="SLUG")
        parser.add_argument("--district", action="store_true", help="Scope: the whole district.")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-stdin", action="store_true", help="Read the password from stdin."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["school"]) == options["district"]:
            raise CommandError("Give either --district or at least one --school SLUG.")
        schools = list(School.objects.filter(slug__in=options["school"]))
        unknown = set(options["school"]) - {s.slug for s in schools}
        if unknown:
            raise CommandError(f"--school: unknown school(s): {', '.join(sorted(unknown))}")
        if options["password_stdin"]:
            password = input().strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Again: "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password)
            with context.acting(None, via="cli"), transaction.atomic():
                user = services.user_create(
                    actor=None,
                    username=options["username"],
                    password=password,
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    email=options["email"],
                )
                services.role_assign(
                    actor=None,
                    user=user,
                    role=Role(options["role"]),
                    district_wide=options["district"],
                    schools=schools,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Created {user.username} ({Role(options['role']).label}).")
        )
