"""REST routes about people: who am I, and the directory."""

# No `from __future__ import annotations` here: django-ninja builds its schemas from the
# evaluated annotations of the route functions.

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from vigil.accounts.models import User
from vigil.api.access import require
from vigil.core.permissions import Action, grants_for, roles_of

router = Router(tags=["accounts"])


class ScopeOut(Schema):
    action: str
    district: bool
    school_ids: list[int]


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    grants: list[ScopeOut]


class PersonOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    title: str
    is_active: bool


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = request.user
    token_actions = getattr(user, "token_actions", None)
    grants = [
        ScopeOut(action=str(a), district=s.district, school_ids=sorted(s.school_ids))
        for a, s in sorted(grants_for(user).items())  # type: ignore[arg-type]
        if token_actions is None or a in token_actions
    ]
    return MeOut(
        id=int(user.pk or 0),
        username=user.get_username(),
        name=user.get_full_name(),  # type: ignore[union-attr]
        roles=[str(r) for r in roles_of(user)],
        grants=grants,
    )


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request, Action.PEOPLE_VIEW)
    return User.objects.restrict(request.user, Action.PEOPLE_VIEW).order_by("id")
