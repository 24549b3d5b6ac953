from maharat.common.forms import PlatformModelForm

from .models import Standard


class StandardForm(PlatformModelForm):
    class Meta:
        model = Standard
        fields = ["code", "title", "title_en", "cluster", "isco_code", "theory_hours", "practice_hours", "level", "is_active"]
