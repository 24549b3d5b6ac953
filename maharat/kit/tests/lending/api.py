from rest_framework import serializers

from maharat.kit.api import RecordViewSet, route
from maharat.org.models import Unit

from .models import EquipmentLoan


class LoanSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", queryset=Unit.objects.all())

    class Meta:
        model = EquipmentLoan
        fields = ["id", "code", "item", "quantity", "unit"]


class LoanViewSet(RecordViewSet):
    serializer_class = LoanSerializer


route("equipment-loans", LoanViewSet, basename="api-equipmentloan")
