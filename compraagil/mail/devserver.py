"""A local SMTP server (aiosmtpd) for development and tests: it accepts every message, keeps each
one as an .eml file in a folder, and can print it to the console."""

import email
import email.policy
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class _KeepMessages:
    """aiosmtpd handler: write each message to `folder/<n>.eml`, print it when asked."""

    def __init__(self, folder: Path, echo: bool):
        self.folder, self.echo = folder, echo
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        path = self.folder / f"{time.time_ns()}.eml"
        path.write_bytes(envelope.content)
        if self.echo:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            print(
                f"\n── correo para {', '.join(envelope.rcpt_tos)}: {message['Subject']}\n"
                f"{message.get_content()}──",
                flush=True,
            )
        return "250 Message accepted for delivery"


@dataclass
class DevMailServer:
    """A running local SMTP server and where it keeps messages."""

    controller: Controller
    folder: Path

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"

    def stop(self) -> None:
        self.controller.stop()


def start_dev_mail_server(folder: Path, port: int, *, echo: bool = True) -> DevMailServer:
    """Start the server on 127.0.0.1:port (in a thread of this process)."""
    controller = Controller(_KeepMessages(folder, echo), hostname="127.0.0.1", port=port)
    controller.start()
    return DevMailServer(controller, folder)


def read_messages(folder: Path) -> list[EmailMessage]:
    """The messages kept in `folder`, oldest first."""
    paths = sorted(folder.glob("*.eml"), key=lambda p: int(p.stem))
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in paths]
