"""A certificate as kept for verification: what the store returns for a code, and what the flows
need to say whether it is valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    code: str
    module_id: str  # a module's or a track's id, or flows.certificates.FINAL
    name: str  # as the learner asked it to be printed
    language: str
    issued_on: date
