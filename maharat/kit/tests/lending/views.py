from django import forms

from maharat.common.fields import CodeChoiceField
from maharat.common.forms import PlatformModelForm
from maharat.common.tables import Column
from maharat.kit.registers import RegisterCreateView, RegisterDetailView, RegisterListView, RegisterUpdateView
from maharat.org.models import Unit

from .models import EquipmentLoan


class LoanForm(PlatformModelForm):
    unit = CodeChoiceField(Unit.objects.all(), to_field_name="code", upper=True, label="واحد",
                           not_found="واحدی با این کد وجود ندارد.")
    quantity = forms.IntegerField(min_value=1, label="تعداد")

    class Meta:
        model = EquipmentLoan
        fields = ["code", "item", "quantity", "unit"]


class LoanMixin:
    model = EquipmentLoan
    url_prefix = "equipmentloan"


class LoanList(LoanMixin, RegisterListView):
    columns = [Column("code", link=True), Column("item"), Column("quantity"), Column("unit__name", "واحد")]


class LoanDetail(LoanMixin, RegisterDetailView):
    fields = ["code", "item", "quantity"]


class LoanCreate(LoanMixin, RegisterCreateView):
    form_class = LoanForm


class LoanUpdate(LoanMixin, RegisterUpdateView):
    form_class = LoanForm
