"""Outgoing e-mail, sent only by outbox handlers (never inside a request).

`SMTP_URL` (smtp://user:password@host:587, smtps://… for TLS from the start, `?starttls=1` to upgrade) sends
through a real server; without it each message is written to `MAIL_DIR` (instance/mail) as an .eml file, so the
demo needs no mail server and a developer can open what would have been sent.
"""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app


def send(to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    url = current_app.config.get("SMTP_URL")
    if not url:
        folder = Path(current_app.config["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{time.time_ns()}.eml").write_bytes(bytes(message))
        current_app.logger.info("mail to %s written to %s (no SMTP_URL)", to, folder)
        return
    parts = urlsplit(url)
    connect = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with connect(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25), timeout=15) as smtp:
        if parse_qs(parts.query).get("starttls") == ["1"]:
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
