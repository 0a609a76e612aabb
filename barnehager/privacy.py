"""The privacy hint every free-text field carries: the product stores no child's name
(docs/domain.md, Privacy), and the people who write are reminded where they write."""

from django.utils.translation import gettext_lazy as _

NO_CHILD_NAMES = _("Never write a child's name.")
