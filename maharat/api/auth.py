"""API tokens over HTTP: obtaining one (password, and the one-time code for two-step accounts), listing and
revoking them. The model, its rules and the DRF authentication class that accepts the keys are in
access/tokens.py (an authentication class must not live in a module that imports rest_framework.views:
DRF reads DEFAULT_AUTHENTICATION_CLASSES while that module is being imported).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import Http404
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from maharat.access import tokens
from maharat.access.tokens import ApiToken
from maharat.access.twofactor import two_factor_required
from maharat.common.persian import normalize_digits


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Names the security scheme of access.tokens.ApiTokenAuthentication in the OpenAPI schema."""

    target_class = "maharat.access.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")


# Serializers --------------------------------------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class TokenErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


class ObtainTokenSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(required=False, allow_blank=True, max_length=16,
                                help_text="The 6-digit code of the authenticator app; required when the account "
                                          "uses two-step sign-in (Persian digits accepted).")
    name = serializers.CharField(required=False, allow_blank=True, max_length=100,
                                 help_text="A label to recognise the token by, e.g. the client's name.")
    days = serializers.IntegerField(required=False, min_value=1,
                                    help_text="Lifetime in days; at most MAHARAT_API_TOKEN_DAYS (the default).")


class ApiTokenSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "active"]
        read_only_fields = fields


class IssuedTokenSerializer(ApiTokenSerializer):
    token = serializers.SerializerMethodField(help_text="The full key: shown only in this response, never again.")

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields

    def get_token(self, obj: ApiToken) -> str:
        return self.context["key"]


# Views --------------------------------------------------------------------------------------------------


def error(code: str, message: str, http: int) -> Response:
    """The body of maharat.api.errors: {"error": {"code", "message"}}."""
    return Response({"error": {"code": code, "message": message}}, status=http)


def _refused() -> Response:
    # One answer for an unknown user, a wrong password, a missing code and a wrong code.
    return error("invalid_credentials",
                 _("نام کاربری، گذرواژه یا کد یک‌بار مصرف نادرست است. اگر ورود دومرحله‌ای حساب شما فعال است، "
                   "کد شش‌رقمی برنامه احراز هویت را در فیلد otp بفرستید."),
                 status.HTTP_400_BAD_REQUEST)


def _locked() -> Response:
    return error("locked_out",
                 _("به دلیل چند تلاش ناموفق پیاپی، ورود با این حساب از این نشانی تا ۱۵ دقیقه ممکن نیست. "
                   "اگر گذرواژه را فراموش کرده‌اید با مدیر سامانه تماس بگیرید."),
                 status.HTTP_429_TOO_MANY_REQUESTS)


def _locked_out(request: Request) -> bool:
    # Axes marks the request it was given; that is the DRF request (its attributes are its own), so the
    # lock-out is answered here as JSON rather than by AxesMiddleware's HTML page.
    return bool(getattr(request, "axes_locked_out", False))


class ObtainTokenView(APIView):
    """Exchange a username and password (and, for two-step accounts, a one-time code) for an API token.

    Failures count towards the sign-in lock-out exactly like failed sign-ins on the login page.
    """

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=ObtainTokenSerializer,
        responses={
            201: IssuedTokenSerializer,
            400: OpenApiResponse(TokenErrorSerializer, description="invalid_credentials or validation_error"),
            403: OpenApiResponse(TokenErrorSerializer, description="two_factor_setup_required"),
            429: OpenApiResponse(TokenErrorSerializer, description="locked_out"),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        data = ObtainTokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, password = data.validated_data["username"], data.validated_data["password"]
        user = authenticate(request=request, username=username, password=password)  # type: ignore[arg-type]
        if _locked_out(request):
            return _locked()
        if user is None:
            return _refused()
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        if devices:
            code = normalize_digits(data.validated_data.get("otp") or "").strip()
            if not (code.isdigit() and any(device.verify_token(code) for device in devices)):
                user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
                return _locked() if _locked_out(request) else _refused()
        elif two_factor_required(user):
            return error("two_factor_setup_required",
                         _("برای نقش شما ورود دومرحله‌ای الزامی است. ابتدا در سامانه وارد شوید و آن را در صفحه "
                           "«امنیت حساب» (/accounts/security/) فعال کنید؛ پس از آن توکن با کد یک‌بار مصرف صادر می‌شود."),
                         status.HTTP_403_FORBIDDEN)
        if settings.AXES_RESET_ON_SUCCESS:
            from axes.utils import reset

            reset(ip=getattr(request, "axes_ip_address", None), username=user.get_username())
        token, key = tokens.issue(user, name=data.validated_data.get("name", ""), two_factor=bool(devices),
                                  days=data.validated_data.get("days"))
        return Response(IssuedTokenSerializer(token, context={"key": key}).data, status=status.HTTP_201_CREATED)


class TokenListView(generics.ListAPIView):
    """The signed-in user's own API tokens that are not revoked, expired ones included (`active` false).
    Only the prefix is shown; the key itself is never shown again."""

    serializer_class = ApiTokenSerializer

    @extend_schema(tags=["auth"])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> Any:
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)


class TokenRevokeView(APIView):
    """Revoke a token: one's own, or one of an account one administers (HQ planners: every account;
    provincial managers: accounts in their province). Anything else is 404."""

    @extend_schema(responses={204: None, 404: TokenErrorSerializer}, tags=["auth"])
    def delete(self, request: Request, pk: int) -> Response:
        token = ApiToken.objects.select_related("user").filter(pk=pk).first()
        if token is None or not tokens.can_manage(request.user, token):
            raise Http404  # the same answer whether the token exists or not (maharat.api.errors)
        tokens.revoke(token, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
