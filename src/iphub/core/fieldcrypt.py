"""Personal data encrypted at rest (PIPL; MLPS level 3, GB/T 22239-2019 8.1.4.8).

ID numbers and phone numbers are stored as Fernet tokens (AES-128-CBC with
HMAC-SHA256, from the ``cryptography`` package): :class:`EncryptedTextField`
encrypts on the way into the database and decrypts on the way out, so models,
services and selectors handle plain values and the pages keep masking them
(``mask_phone`` after decrypting). A database dump, a backup or a read of the
table holds only ciphertext.

Fernet is randomised (the same number encrypts differently each time), so an
encrypted column cannot be compared in SQL. Where a lookup or a uniqueness
check is needed, a :class:`BlindIndexField` next to it keeps the HMAC-SHA256 of
the normalised value under a second key: ``Organisation.objects.filter(
contact_phone_hmac=blind_index("13812345678"))``. Without the key the index says
only which rows share a value.

Both keys are derived (HKDF-SHA256) from ``settings.IPHUB_FIELD_KEY``, which
comes from the environment; settings refuse to start without it when debug is
off. Changing that key makes the stored values unreadable: rotate by decrypting
with the old and encrypting with the new key in a migration.

Limits: ``QuerySet.update()`` does not run ``pre_save``, so a blind index is
only kept by ``save()``/``create()``/``bulk_create()`` (the services use those);
lookups on an encrypted column other than ``isnull`` are refused rather than
silently matching nothing.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django import forms
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import models


def _derive(info: bytes) -> bytes:
    key = str(settings.IPHUB_FIELD_KEY).encode("utf-8")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"iphub-fields", info=info).derive(key)


@functools.cache
def _fernet() -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(b"encryption")))


@functools.cache
def _index_key() -> bytes:
    return _derive(b"blind-index")


def encrypt(value: str) -> str:
    """The Fernet token of ``value`` ('' stays '': an empty field hides nothing)."""
    if value == "":
        return ""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plain value of a token made by :func:`encrypt` under the same key."""
    if token == "":
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "加密字段无法解密：IPHUB_FIELD_KEY 与加密时的密钥不一致，或数据库中存有未加密的值。"
        ) from exc


def normalise(value: str) -> str:
    """What a lookup compares: no surrounding or inner spaces, ID numbers' x as X."""
    return "".join(value.split()).upper()


def blind_index(value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ``value`` under the index key; '' for ''."""
    value = normalise(value)
    if value == "":
        return ""
    return hmac.new(_index_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text value stored encrypted (see the module docstring). ``max_length``
    limits the plain value, as on a CharField; the column is text, since the
    token is longer."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value if value is None else str(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:
        # A one-line input, as for the CharField it replaces.
        return super().formfield(**{"widget": forms.TextInput, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.name} is encrypted: look it up through its blind index "
                f"({self.name}_hmac = blind_index(value))."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of another field of the same model (``source``), set on save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = blind_index(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def _is_token(value: str) -> bool:
    try:
        _fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        return False
    return True


def encrypt_column(
    schema_editor: Any, table: str, column: str, index_column: str | None = None
) -> None:
    """Data migration: encrypt the plain values of ``table.column`` in place (values
    already encrypted under the current key are left alone) and fill
    ``index_column`` with their blind index. Raw SQL, because the model's field
    already expects tokens."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> ''")
        rows = cursor.fetchall()
    sets = f"{qn(column)} = %s" + (f", {qn(index_column)} = %s" if index_column else "")
    params = []
    for pk, value in rows:
        if _is_token(value):
            token, plain = value, decrypt(value)
        else:
            token, plain = encrypt(value), value
        params.append([token, blind_index(plain), pk] if index_column else [token, pk])
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {qn(table)} SET {sets} WHERE id = %s", params)


def decrypt_column(schema_editor: Any, table: str, column: str) -> None:
    """The reverse of :func:`encrypt_column` (values back in plain text)."""
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {qn(column)} FROM {qn(table)} WHERE {qn(column)} <> ''")
        rows = cursor.fetchall()
    params = [[decrypt(v), pk] for pk, v in rows if _is_token(v)]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s", params)
