"""``circulair org``: organisations and their members (users act for their organisations)."""

from __future__ import annotations

import os

import typer

from circulair.cli import _django
from circulair.cli.output import Format, console, emit, fail, fail_input
from circulair.core.errors import InputError

app = typer.Typer(
    help='Organisations.\n\nExample:  circulair org create "Recycling NV"', no_args_is_help=True
)


@app.command()
def create(
    name: str,
    enterprise_number: str = typer.Option("", help="0123.456.749"),
    side: str = typer.Option("bedrijfsleven", help="Governance side slug."),
    refnis: str = typer.Option("", help="Municipality REFNIS code."),
    nace: str = typer.Option("", help="NACE-BEL code of the main activity, e.g. 25.110."),
    employee_class: str = typer.Option(
        "", help="RSZ/ONSS employee class 0-9 (3 = 10-19 employees)."
    ),
) -> None:
    """Create an organisation.

    Example:  circulair org create "Recycling NV" --refnis 24062
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.organisations.services import organisation_create

    try:
        org = organisation_create(
            name=name,
            enterprise_number=enterprise_number,
            side=side,
            refnis=refnis,
            nace_code=nace,
            employee_class=employee_class,
        )
    except InputError as e:
        fail_input(e)
    console.print(f"Created organisation {org.pk}: {org.name}")


@app.command("add-member")
def add_member(
    organisation: str = typer.Argument(..., help="Organisation id or exact name."),
    username: str = typer.Argument(...),
    create_user: bool = typer.Option(
        False, help="Create the user if missing (password from CIRCULAIR_NEW_USER_PASSWORD)."
    ),
    email: str = typer.Option("", help="E-mail for a created user."),
    role: str = typer.Option(
        "", help="member or owner (manages members and invites); default: member when new."
    ),
) -> None:
    """Make a user a member (or an owner) of an organisation.

    Example:  circulair org add-member "Recycling NV" alice --create-user --role owner
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from django.core.exceptions import ValidationError

    from circulair.web.apps.accounts.selectors import user_named
    from circulair.web.apps.accounts.services import account_create
    from circulair.web.apps.organisations.services import membership_add, organisation_find

    org = organisation_find(organisation)
    if org is None:
        fail(f"no organisation '{organisation}'")
    user = user_named(username)
    if user is None:
        if not create_user:
            fail(f"no user '{username}' (use --create-user)")
        password = os.environ.get("CIRCULAIR_NEW_USER_PASSWORD")
        if not password:
            fail("set CIRCULAIR_NEW_USER_PASSWORD to create a user")
        try:
            user = account_create(username=username, email=email, password=password)
        except ValidationError as e:
            fail(f"cannot create user '{username}': " + " ".join(e.messages))
    try:
        m = membership_add(organisation=org, user=user, role=role or None)
    except InputError as e:
        fail_input(e)
    console.print(f"{username} is a{'n owner' if m.role == 'owner' else ' member'} of {org.name}")


@app.command("list")
def list_(fmt: Format = typer.Option(Format.table, "--format")) -> None:
    """List organisations with their members.

    Example:  circulair org list --format json
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.organisations.selectors import organisation_list

    emit(
        [
            {
                "id": o.pk,
                "name": o.name,
                "enterprise_number": o.enterprise_number,
                "side": o.side,
                "members": ", ".join(u.username for u in o.members.all()),
            }
            for o in organisation_list()
        ],
        fmt,
        title="Organisations",
    )


@app.command("grant-role")
def grant_role(
    username: str = typer.Argument(...),
    role: str = typer.Argument(
        ...,
        help="A platform role: monitor_editor, geography_editor, catalogue_moderator, "
        "scan_coordinator or analyst.",
    ),
    revoke: bool = typer.Option(False, help="Take the role away instead."),
) -> None:
    """Give a user a platform role (who may import official figures or partitions).

    Example:  circulair org grant-role alice monitor_editor
    """
    _django.setup()
    # after _django.setup(): see circulair/cli/_django.py
    from circulair.web.apps.accounts.selectors import user_named
    from circulair.web.apps.organisations.services import role_set

    user = user_named(username)
    if user is None:
        fail(f"no user '{username}'")
    try:
        role_set(user=None, target=user, role=role, granted=not revoke)
    except InputError as e:
        fail_input(e)
    if revoke:
        console.print(f"{username} no longer has the role {role}")
    else:
        console.print(f"{username} has the role {role}")
