"""The inbox pages (each user sees only their own messages), the channels page, and the two addresses that
need no sign-in: the SMS provider's callback and the public page where a number stops SMS."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from maharat.common.persian import localize_digits

from . import selectors, services, sms
from .forms import ChannelForm
from .models import Notification
from .text import safe_url


def _own(request: HttpRequest, pk: int) -> Notification:
    """The user's own message; another user's is answered exactly like one that does not exist."""
    return get_object_or_404(Notification, pk=pk, recipient=request.user)


def _back(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    return reverse("inbox") + (f"?page={page}" if page.isdigit() else "")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), settings.MAHARAT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page_obj": page, "notes": page.object_list, "title": _("پیام‌ها")})


@login_required
def open_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message marks it read and goes to its record: a path on this site, never elsewhere."""
    note = _own(request, pk)
    services.mark_read(request.user, [note.pk])
    target = safe_url(note.url)
    if not target:
        messages.info(request, _("این پیام به صفحه دیگری پیوند ندارد."))
        return redirect("inbox")
    return redirect(target)


@login_required
@require_POST
def read_one(request: HttpRequest, pk: int) -> HttpResponse:
    note = _own(request, pk)
    services.mark_read(request.user, [note.pk])
    if getattr(request, "htmx", False):  # the row, read now, and the badge of the navigation bar
        note.refresh_from_db()
        return render(request, "notify/partials/read_one.html", {"note": note})
    return redirect(_back(request))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user, "all")
    done = ngettext("{n} پیام خوانده شد.", "{n} پیام خوانده شد.", count).format(n=count)
    messages.success(request, localize_digits(done) if count else _("پیام خوانده‌نشده‌ای نبود."))
    return redirect(_back(request))


@login_required
@require_http_methods(["GET", "POST"])
def channels(request: HttpRequest) -> HttpResponse:
    choice = services.preferences_of(request.user)
    address = request.user.email  # type: ignore[union-attr]
    initial = {"email": choice.email and bool(address), "sms": choice.sms, "mobile": choice.mobile}
    if request.method == "POST" and "code" in request.POST:
        if services.verify_code(request.user, request.POST.get("code", "")):
            messages.success(request, _("شماره همراه تأیید شد؛ از این پس پیام‌ها با پیامک هم فرستاده می‌شود."))
        else:
            messages.error(request, _("کد تأیید درست نیست یا مهلت آن گذشته است؛ دوباره ذخیره کنید تا کد تازه‌ای فرستاده شود."))
        return redirect("notify_channels")
    form = ChannelForm(request.POST if request.method == "POST" else None, initial=initial, address=address)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_preferences(request.user, email=bool(data["email"]) and bool(address), sms=data["sms"],
                                      mobile=data["mobile"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("روش دریافت پیام‌ها ذخیره شد."))
            return redirect("notify_channels")
    if choice.pk:
        choice.refresh_from_db()
    else:
        choice = services.preferences_of(request.user)
    # Whether a number opted out is said only of the number the user has proven to hold.
    opted_out = bool(choice.verified_mobile) and sms.is_opted_out(choice.verified_mobile)
    pending = bool(choice.sms and choice.mobile and choice.mobile != choice.verified_mobile)
    return render(request, "notify/channels.html", {"form": form, "opted_out": opted_out, "pending": pending,
                                                    "title": _("روش دریافت پیام‌ها")})


# -------------------------------------------------------------------------- no sign-in: the SMS provider
@csrf_exempt
@require_POST
def sms_hook(request: HttpRequest, token: str) -> HttpResponse:
    """Replies and delivery reports, posted by the provider to an address whose last part is a secret."""
    expected = settings.SMS_INBOUND_TOKEN
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Http404
    fields = {key: request.POST.get(key, "") for key in ("from", "to", "message", "messageid", "status", "statustext")}
    fields = {key: value for key, value in fields.items() if key in request.POST}
    return HttpResponse(sms.inbound(fields), content_type="text/plain; charset=utf-8")


# ------------------------------------------------------------------- no sign-in: the person who got an SMS
@require_http_methods(["GET", "POST"])
def sms_stop(request: HttpRequest, token: str) -> HttpResponse:
    phone = sms.phone_of_token(token)
    if phone is None:
        raise Http404
    done = False
    if request.method == "POST":
        sms.opt_out(phone, "page")
        done = True
    context = {"masked": f"{phone[:4]}***{phone[-4:]}", "done": done or sms.is_opted_out(phone),
               "title": _("لغو دریافت پیامک")}
    return render(request, "notify/stop.html", context)
