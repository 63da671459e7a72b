"""Is this message a scam? A pure checker: the message and the knowledge in, a verdict out.

    from content.scam_data import load_knowledge
    from flows.scam_check import check

    verdict = check(text, load_knowledge(), memory)
    verdict.light        # "red", "yellow" or "green"
    verdict.signals      # strongest first: Signal(kind, detail, weight)
    knowledge.describe(signal.kind, signal.detail, "vi")   # the sign in plain words

No I/O here: the caller loads the knowledge once and keeps the memory of confirmed messages.
"""

from content.scam_data import Knowledge
from flows.scam_check.memory import Memory, Remembered
from flows.scam_check.signals import Signal, emitted_kinds
from flows.scam_check.verdict import Verdict, check

__all__ = ["Knowledge", "Memory", "Remembered", "Signal", "Verdict", "check", "emitted_kinds"]
