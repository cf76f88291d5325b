"""MQTT diagnostics and the generic topics' mapping pages (with the "try it" box)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from vigil.core.access import require_action
from vigil.core.permissions import Action
from vigil.integrations.mqtt import config, diagnostics
from vigil.integrations.mqtt.forms import MqttTopicForm, describe
from vigil.integrations.mqtt.models import MqttTopic
from vigil.integrations.views import require_district_wide

RESTART_NOTE = "The ingest worker reads mappings when it starts: restart “vigil ingest mqtt”."


@require_action(Action.INTEGRATIONS_MANAGE)
def broker_diagnostics(request: HttpRequest) -> HttpResponse:
    require_district_wide(request, "mqtt.broker")
    topics = MqttTopic.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE).select_related(
        "school"
    )
    snapshot = diagnostics.snapshot(config.load(), topics, check=request.GET.get("check") == "1")
    return render(request, "integrations/diagnostics.html", {"snapshot": snapshot, "kind": "mqtt"})


def _form_page(request: HttpRequest, topic: MqttTopic | None) -> HttpResponse:
    form = MqttTopicForm(request.POST or None, instance=topic, user=request.user)
    result: list[tuple[str, str]] = []
    try_error = ""
    tried = request.method == "POST" and "try" in request.POST
    if request.method == "POST" and form.is_valid():
        if not tried:
            saved = form.save()
            messages.success(request, f"Topic “{saved.name}” saved. {RESTART_NOTE}")
            return redirect("mqtt:diagnostics")
        normalized, try_error = form.try_sample()
        if normalized is not None:
            result = describe(normalized)
    return render(
        request,
        "mqtt/topic_form.html",
        {
            "form": form,
            "topic": topic,
            "tried": tried and form.is_valid(),
            "result": result,
            "try_error": try_error,
        },
        status=400 if form.errors else 200,
    )


@require_action(Action.INTEGRATIONS_MANAGE)
def topic_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None)


@require_action(Action.INTEGRATIONS_MANAGE)
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    topic = get_object_or_404(
        MqttTopic.objects.restrict(request.user, Action.INTEGRATIONS_MANAGE), pk=pk
    )
    return _form_page(request, topic)
