"""What a flow may consult besides the learner: the content, the current time, and what the host
looked up or drew for this turn (the chat's name, randomness, a certificate asked about)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from content.library import Library
from flows.certificate_record import CertificateRecord
from flows.scam_check import Knowledge, Memory


@dataclass(frozen=True, slots=True)
class ScamTools:
    knowledge: Knowledge
    memory: Memory | None = None


@dataclass(frozen=True, slots=True)
class Context:
    library: Library
    now: datetime  # aware, in the deployment's timezone: "today" for streaks is its date
    # A channel with no start button (Zalo): whatever a new person writes first begins onboarding.
    first_message_starts: bool = False
    display_name: str | None = None  # the chat's first name, offered for a certificate
    entropy: bytes = b""  # random bytes drawn by the host for this turn: certificate codes
    certificate: CertificateRecord | None = None  # the one a /verify in this turn asks about
    scam: ScamTools | None = None  # the checker's knowledge and the admins' confirmed messages
    held: str | None = None  # the message last checked, kept briefly by the host for a report
