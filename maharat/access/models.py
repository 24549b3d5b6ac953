from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_UNIT_KINDS, Role


class Account(models.Model):
    """A user's place in the organisation: one role at one unit. Reading and writing stay in its subtree."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account")
    role = models.CharField(_("نقش"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey("org.Unit", verbose_name=_("واحد"), on_delete=models.PROTECT, related_name="accounts")

    class Meta:
        verbose_name = _("حساب سازمانی")
        verbose_name_plural = _("حساب‌های سازمانی")

    def __str__(self) -> str:
        return f"{self.user.get_username()} — {self.get_role_display()} — {self.unit}"

    def clean(self) -> None:
        kinds = ROLE_UNIT_KINDS.get(self.role, ())
        if self.unit_id and self.unit.kind not in kinds:
            raise ValidationError({"unit": _("این نقش را نمی‌توان به این نوع واحد داد.")})


from .delegation import Delegation  # noqa: E402, F401
from .tokens import ApiToken  # noqa: E402, F401  (registered with the app here; defined in tokens.py)
