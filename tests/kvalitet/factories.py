"""Plans and focus areas hung on the access-test world."""


from django.utils import timezone

from kvalitet.models import Fokusomrade, Kvalitetsplan, Tegn, Tiltak


def plan_for(world, target: str, title: str | None = None) -> Kvalitetsplan:
    """A plan covering this year in the target's municipality, one per target."""
    plan, _ = Kvalitetsplan.objects.get_or_create(
        kommune=world.kommune[target], title=title or f"Plan {target}",
        start_year=timezone.localdate().year - 1,
        defaults={"end_year": timezone.localdate().year + 2, "vision": "Trygge barn",
                  "main_goal": "Alle barn opplever et inkluderende miljø."},
    )
    return plan


def fokus_for(world, target: str, title: str = "Livsmestring") -> Fokusomrade:
    fokus, created = Fokusomrade.objects.get_or_create(
        plan=plan_for(world, target), title=title,
        defaults={"goal": "Barna mestrer medgang og motgang."},
    )
    if created:
        Tiltak.objects.create(fokusomrade=fokus, text="Trygg tilvenning", status="done")
        Tiltak.objects.create(fokusomrade=fokus, text="Fysisk aktivitet hver dag")
        Tegn.objects.create(fokusomrade=fokus, role_level="staff", text="Reflekterer sammen")
    return fokus
