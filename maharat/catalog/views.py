from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from maharat.common.tables import Column
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView, RegisterUpdateView

from .forms import StandardForm
from .models import Cluster, Standard


class StandardMixin:
    model = Standard
    url_prefix = "standard"


class StandardListView(StandardMixin, RegisterListView):
    columns = [Column("code", link=True), Column("title", link=True), Column("cluster"), Column("theory_hours"),
               Column("practice_hours"), Column("total_hours", _("جمع ساعت")), Column("level")]
    filters = [("cluster", _("خوشه"), list(Cluster.choices))]

    def search(self, qs: QuerySet, query: str) -> QuerySet:
        return qs.filter(Q(title__icontains=query) | Q(code__icontains=query) | Q(title_en__icontains=query))


class StandardDetailView(StandardMixin, RegisterDetailView):
    fields = ["code", "title", "title_en", "cluster", "isco_code", "theory_hours", "practice_hours", "level", "is_active"]


class StandardCreateView(StandardMixin, RegisterCreateView):
    form_class = StandardForm


class StandardUpdateView(StandardMixin, RegisterUpdateView):
    form_class = StandardForm
