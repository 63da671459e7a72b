"""A certificate reply drawn off the event loop: a picture takes tens of milliseconds of Pillow
work, which would otherwise stall every other chat's turn."""

from __future__ import annotations

import asyncio
import logging

from bot.certificates.picture import UndrawableText, render_certificate
from flows.replies import Certificate

log = logging.getLogger("hocvuso.certificates")


def file_name(certificate: Certificate) -> str:
    return f"hocvuso-certificate-{certificate.code}.png"


def draw_now(certificate: Certificate) -> bytes | None:
    """The PNG, or None when the name has nothing the fonts can draw: the caption alone then
    carries the certificate, and its code still verifies."""
    try:
        return render_certificate(
            certificate.name,
            certificate.title,
            certificate.module,
            certificate.date_text,
            certificate.code,
            certificate.project,
            certificate.language,
        )
    except UndrawableText:
        log.info("certificate without picture", extra={"code": certificate.code})
        return None


async def draw(certificate: Certificate) -> bytes | None:
    return await asyncio.to_thread(draw_now, certificate)
