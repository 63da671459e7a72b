"""Certificates by code: written when one is earned, read when anyone checks a code (in chat or on
the web), deleted with the learner."""

from __future__ import annotations

from sqlalchemy import Connection, Table, insert, select

from flows.certificate_record import CertificateRecord
from store.models import CertificateRow

certificates_table: Table = CertificateRow.__table__  # type: ignore[assignment]

_FIELDS = ("code", "module_id", "name", "language", "issued_on")


def add(connection: Connection, learner_id: int, record: CertificateRecord) -> None:
    values = {field: getattr(record, field) for field in _FIELDS}
    connection.execute(insert(certificates_table).values(learner_id=learner_id, **values))


def find(connection: Connection, code: str) -> CertificateRecord | None:
    columns = [certificates_table.c[field] for field in _FIELDS]
    row = connection.execute(select(*columns).where(certificates_table.c.code == code)).mappings().first()
    return CertificateRecord(**row) if row is not None else None
