"""Signed certificates: an Ed25519 signature over a canonical JSON form of the certificate's content.

Anyone holding the organisation's public key (published at /verify/public-key.pem) can check a certificate
offline. The private key is read from MAHARAT_SIGNING_KEY (PEM text or base64 of it) or the file named by
MAHARAT_SIGNING_KEY_FILE; on a development machine with neither, a key is generated once under var/keys/
(never committed: *.pem is ignored).
"""

from __future__ import annotations

import base64
import json
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SERIAL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def canonical(payload: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the exact bytes that are signed (RFC 8785 style for our flat data)."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _load_private_key() -> Ed25519PrivateKey:
    text = getattr(settings, "MAHARAT_SIGNING_KEY", "") or ""
    path = getattr(settings, "MAHARAT_SIGNING_KEY_FILE", "") or ""
    if text:
        pem = text.encode() if "BEGIN" in text else base64.b64decode(text)
    elif path:
        pem = Path(path).read_bytes()
    elif getattr(settings, "MAHARAT_DEV_SIGNING_KEY", False):
        file = Path(settings.VAR_DIR) / "keys" / "signing-key.pem"
        if not file.exists():
            file.parent.mkdir(parents=True, exist_ok=True)
            key = Ed25519PrivateKey.generate()
            file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
            file.chmod(0o600)
        pem = file.read_bytes()
    else:
        raise ImproperlyConfigured("set MAHARAT_SIGNING_KEY or MAHARAT_SIGNING_KEY_FILE to sign certificates")
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("the certificate signing key must be an Ed25519 key")
    return key


@lru_cache(maxsize=1)
def private_key() -> Ed25519PrivateKey:
    return _load_private_key()


def public_key() -> Ed25519PublicKey:
    return private_key().public_key()


def public_key_pem() -> str:
    return public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(private_key().sign(canonical(payload))).decode().rstrip("=")


def verify(payload: dict[str, Any], signature: str, key: Ed25519PublicKey | None = None) -> bool:
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        (key or public_key()).verify(raw, canonical(payload))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def new_serial(rng: Any = None) -> str:
    """A serial such as MH-7K3Q-9XPD-2MFA-R: 60 random bits in three groups and a check character;
    it cannot be guessed or enumerated.

    Real serials come from the operating system's secure generator; only the demo country passes its own
    seeded `rng`, so that the same seed gives the same demo."""
    choice = rng.choice if rng is not None else secrets.choice
    body = "".join(choice(SERIAL_ALPHABET) for _ in range(12))
    return f"MH-{body[:4]}-{body[4:8]}-{body[8:]}-{check_char(body)}"


def check_char(body: str) -> str:
    total = sum((i + 1) * SERIAL_ALPHABET.index(c) for i, c in enumerate(body))
    return SERIAL_ALPHABET[total % 32]


def normalize_serial(text: str) -> str:
    """Accept lower case, spaces, missing dashes and Persian digits; return the printed form or ''."""
    from maharat.common.persian import normalize_digits

    cleaned = "".join(ch for ch in normalize_digits(text or "").upper() if ch.isalnum())
    cleaned = cleaned.replace("O", "0").replace("I", "1").replace("L", "1")
    if cleaned.startswith("MH"):
        cleaned = cleaned[2:]
    if len(cleaned) != 13 or any(c not in SERIAL_ALPHABET for c in cleaned):
        return ""
    body, check = cleaned[:12], cleaned[12]
    if check_char(body) != check:
        return ""
    return f"MH-{body[:4]}-{body[4:8]}-{body[8:]}-{check}"
