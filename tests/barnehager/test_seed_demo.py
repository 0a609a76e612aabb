import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from barnehager.models import Kommune, Membership, Pulje, Role


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()
            if model._meta.app_label in {"barnehager", "kvalitet", "observasjoner",
                                         "handleplaner", "rapporter"}}


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_every_role(capsys):
    call_command("seed_demo")
    first = row_counts()
    call_command("seed_demo")
    assert row_counts() == first
    assert set(Kommune.objects.values_list("name", flat=True)) == {"Moss", "Bærum",
                                                                   "Frederikshavn"}
    for kommune in Kommune.objects.all():
        roles = set(Membership.objects.filter(kommune=kommune).values_list("role", flat=True))
        assert roles >= set(Role.values)
    cohorts = Pulje.objects.filter(kommune__slug="baerum").values_list("name", "start_date")
    assert [(name, start.isoformat()) for name, start in cohorts] == [
        ("Pulje 1", "2020-08-01"), ("Pulje 2", "2021-01-01"), ("Pulje 3", "2021-08-01"),
        ("Pulje 4", "2022-01-01")]
    assert "leader.baerum@demo.kvalitet.no" in capsys.readouterr().out


@pytest.mark.django_db
def test_seed_demo_refuses_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
