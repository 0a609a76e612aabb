"""Amendments: the only way a submitted score changes (docs/domain.md, Locked observations
and amendments)."""

from django.db import transaction
from django.utils.translation import gettext as _

from barnehager import audit
from barnehager.models import AuditAction, User
from observasjoner import results
from observasjoner.access import DONE_STATUSES
from observasjoner.models import Endring, Skaar


class AmendmentRefused(Exception):
    pass


@transaction.atomic
def amend_score(skaar: Skaar, new_value: int, reason: str, by: User) -> Endring:
    """Changes one score of a submitted or locked observation and records who changed it,
    when, from what and why. The caller checks the `observasjoner.amend` permission."""
    skaar = (Skaar.objects.select_for_update(of=("self",))
             .select_related("syklus__observasjon__instrument").get(pk=skaar.pk))
    observasjon = skaar.syklus.observasjon
    instrument = observasjon.instrument
    reason = (reason or "").strip()
    if observasjon.status not in DONE_STATUSES:
        raise AmendmentRefused(_("Only a submitted observation is amended; until then the "
                                 "observer corrects her own scores."))
    if not reason:
        raise AmendmentRefused(_("An amendment needs a reason."))
    if not instrument.scale_min <= new_value <= instrument.scale_max:
        raise AmendmentRefused(_("A score is a whole number from %(low)s to %(high)s.")
                               % {"low": instrument.scale_min, "high": instrument.scale_max})
    if new_value == skaar.value:
        raise AmendmentRefused(_("That is already the score."))
    endring = Endring.objects.create(skaar=skaar, old_value=skaar.value, new_value=new_value,
                                     reason=reason, amended_by=by)
    skaar.value = new_value
    skaar.version += 1
    skaar.save(update_fields=["value", "version", "updated_at"])
    results.store_results([observasjon.pk])
    audit.record(AuditAction.OBSERVATION_AMENDED, actor=by, target=observasjon,
                 kommune=observasjon.runde.kommune_id,
                 details={"score_id": skaar.pk, "from": endring.old_value, "to": new_value})
    return endring
