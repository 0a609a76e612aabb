"""The sessions of the load test's virtual users, made inside Django (run.py calls
`manage.py shell -c "from tests.load.sessions import write; write(path)"` with the run's
environment, so the session hashes use the same secret key as the server).

Observers get a planned observation of the round under way each; consultants (the
municipality's consultant, ten sessions) have passed their second factor; leaders get a
fresh draft action plan each. The CSRF cookie is made with Django's own `get_token`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from barnehager.models import Avdeling, Barnehage, Kommune, Role, User
from handleplaner.models import Handleplan, Mal
from observasjoner.models import Observasjon, Observasjonsrunde
from rapporter import bench, scale
from rapporter.management.commands.seed_scale import Command, spec_from
from tests.load.run import SEED


def write(out: str) -> None:
    """One logged-in session per virtual user, written to `out` as JSON."""

    parser = argparse.ArgumentParser()
    Command().add_arguments(parser)
    spec = spec_from(vars(parser.parse_args(SEED)))
    kommune: Kommune = scale.find_seed(spec)[0]

    def session_for(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        bench.verify_session(store, user)
        return store.session_key or ""

    def csrf_token() -> str:
        request = HttpRequest()
        get_token(request)
        return request.META["CSRF_COOKIE"]

    sessions = []
    taken: set[int] = set()
    for user in User.objects.filter(memberships__role=Role.OBSERVER,
                                    memberships__kommune=kommune).order_by("pk"):
        observasjon = (Observasjon.objects.filter(
            observer=user, runde__status=Observasjonsrunde.Status.ACTIVE,
            status=Observasjon.Status.PLANNED).exclude(pk__in=taken)
            .select_related("instrument").order_by("pk").first())
        if observasjon is None:
            continue
        taken.add(observasjon.pk)
        codes = list(observasjon.instrument.domener.order_by("order", "dimensjoner__order")
                     .values_list("dimensjoner__code", flat=True))
        sessions.append({"role": "observer", "sessionid": session_for(user),
                         "csrftoken": csrf_token(), "observation": observasjon.pk,
                         "dimensions": codes})
    observers = len(sessions)
    if observers < 50:
        raise SystemExit(f"the seed gives {observers} observers with work, 50 are needed")

    consultant = User.objects.get(email=scale.user_email(Role.CONSULTANT, 1, kommune.slug))
    barnehager = list(Barnehage.objects.filter(kommune=kommune).order_by("name")[:5])
    avdeling = Avdeling.objects.filter(barnehage=barnehager[0]).order_by("name").first()
    assert avdeling is not None
    dashboard = reverse("rapporter:dashboard-kommune", args=[kommune.slug])
    browser = Client(HTTP_HOST="127.0.0.1")
    browser.force_login(consultant)
    bench.verify_session(browser.session, consultant)
    page = browser.get(dashboard)
    if page.status_code != 200:
        raise SystemExit(f"the municipality dashboard answered {page.status_code}")
    pages = [["dashboard kommune", dashboard],
             ["dashboard kommune filtered", dashboard + "?instrument=prek&age_group=storbarn"],
             ["dashboard table csv", bench.table_csv_url(page.content.decode())],
             ["dashboard avdeling", reverse("rapporter:dashboard-avdeling",
                                            args=[avdeling.pk])]]
    pages += [["dashboard barnehage", reverse("rapporter:dashboard-barnehage",
                                              args=[barnehage.pk])]
              for barnehage in barnehager]
    for _ in range(10):
        sessions.append({"role": "consultant", "sessionid": session_for(consultant),
                         "csrftoken": csrf_token()})
    mal = Mal.default_for(kommune.pk)
    for barnehage in barnehager:
        leader = User.objects.get(memberships__role=Role.LEADER,
                                  memberships__barnehage=barnehage)
        plan = Handleplan.objects.create(barnehage=barnehage, mal=mal, created_by=leader,
                                         title="Språk i hverdagen (lasttest)")
        sessions.append({"role": "leader", "sessionid": session_for(leader),
                         "csrftoken": csrf_token(), "plan": plan.pk})
    sessions[0]["pages"] = pages
    for session in sessions:
        session.setdefault("pages", pages)
    Path(out).write_text(json.dumps(sessions))
