from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in
from vigil.accounts import services
from vigil.accounts.models import ApiToken, User
from vigil.core.models import AuditEntry
from vigil.core.permissions import Action
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


def _token(username: str, actions: list[Action], **kwargs: Any) -> str:
    actor = User.objects.get(username=username)
    return services.token_issue(actor=actor, name="script", actions=actions, **kwargs).raw


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def test_token_reads_what_its_user_may(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW])
    body = client.get("/api/schools", headers=_bearer(raw)).json()
    # The three schools and the district's three other buildings (vigil.demo.knowledge).
    assert body["count"] == 6
    assert [s["slug"] for s in body["items"]] == [
        "cedar-hollow-hs",
        "district-office",
        "juniper-ridge-ms",
        "mo-warehouse",
        "transportation-yard",
        "willow-creek-es",
    ]
    assert body["items"][0]["building_count"] == 10


def test_token_is_narrowed_to_its_actions(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW])
    response = client.get("/api/audit", headers=_bearer(raw))
    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "code": "forbidden",
            "message": "You do not have the “audit.view” permission.",
            "field": None,
        }
    }
    me = client.get("/api/me", headers=_bearer(raw)).json()
    assert [g["action"] for g in me["grants"]] == ["sites.view"]


def test_revoked_and_expired_tokens_are_refused(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW])
    token = ApiToken.objects.get(key_id=raw.split("_")[1])
    services.token_revoke(actor=token.user, token=token)
    assert client.get("/api/me", headers=_bearer(raw)).status_code == 401
    raw2 = _token("director", [Action.SITES_VIEW], expires_at=timezone.now() + timedelta(hours=1))
    ApiToken.objects.filter(key_id=raw2.split("_")[1]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/api/me", headers=_bearer(raw2))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_forged_token_with_a_real_key_id_is_refused(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW])
    forged = raw[:-4] + "AAAA"
    assert client.get("/api/me", headers=_bearer(forged)).status_code == 401


def test_token_cannot_grant_more_than_its_holder() -> None:
    officer = User.objects.get(username="officer")
    with pytest.raises(Exception, match="cannot grant"):
        services.token_issue(actor=officer, name="x", actions=[Action.AUDIT_VIEW])


def test_token_of_a_deactivated_user_stops_working(client: Client) -> None:
    raw = _token("admin", [Action.PEOPLE_VIEW])
    User.objects.filter(username="admin").update(is_active=False)
    assert client.get("/api/people", headers=_bearer(raw)).status_code == 401


def test_patch_rejects_bad_input_naming_the_field_and_changes_nothing(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW, Action.SITES_CHANGE])
    school = School.objects.get(slug="willow-creek-es")
    before = AuditEntry.objects.count()
    response = client.patch(
        f"/api/schools/{school.pk}",
        data={"latitude": 123.0, "name": "Renamed"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["field"] == "latitude"
    assert error["message"].startswith("latitude: ")
    school.refresh_from_db()
    assert school.name == "Willow Creek Elementary School"
    assert AuditEntry.objects.count() == before


def test_patch_with_malformed_json_is_a_clean_error(client: Client) -> None:
    raw = _token("director", [Action.SITES_CHANGE, Action.SITES_VIEW])
    school = School.objects.get(slug="willow-creek-es")
    response = client.patch(
        f"/api/schools/{school.pk}",
        data="{not json",
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert response.status_code in (400, 422)
    assert set(response.json()["error"]) == {"code", "message", "field"}


def test_patch_is_applied_and_audited(client: Client) -> None:
    raw = _token("director", [Action.SITES_VIEW, Action.SITES_CHANGE])
    school = School.objects.get(slug="willow-creek-es")
    response = client.patch(
        f"/api/schools/{school.pk}",
        data={"phone": "(555) 010-1111"},
        content_type="application/json",
        headers=_bearer(raw),
    )
    assert response.status_code == 200
    assert response.json()["phone"] == "(555) 010-1111"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_label, entry.via) == ("update", "director", "api")
    assert entry.changes == {"phone": ["(530) 555-0178", "(555) 010-1111"]}


def test_pagination_limits_and_offsets(client: Client) -> None:
    sign_in(client, "director")
    page = client.get("/api/areas?limit=5&offset=10").json()
    assert page["count"] > 100
    assert len(page["items"]) == 5
    everything = client.get("/api/areas?limit=500").json()["items"]
    assert [a["id"] for a in page["items"]] == [a["id"] for a in everything[10:15]]


def test_bad_query_parameter_names_the_field(client: Client) -> None:
    sign_in(client, "director")
    response = client.get("/api/areas?risk=extreme")
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "risk"


def test_unknown_api_route_is_a_json_404(client: Client) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_openapi_documents_every_route(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths) == {
        "/api/me",
        "/api/people",
        "/api/schools",
        "/api/schools/{school_id}",
        "/api/buildings",
        "/api/areas",
        "/api/audit",
        "/api/schools/{school_id}/map",
        "/api/search",
    }


def test_regression_token_secret_containing_underscores(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """token_urlsafe() may emit "_"; splitting the token on every "_" refused valid tokens."""
    monkeypatch.setattr(
        "vigil.accounts.services.secrets.token_urlsafe", lambda n: "a_b_c_" + "x" * 40
    )
    raw = _token("director", [Action.SITES_VIEW])
    assert client.get("/api/me", headers=_bearer(raw)).status_code == 200
