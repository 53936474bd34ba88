"""The local «pago de prueba» server of `make run` without payment keys (and of the tests): one
HTTP server with a fake Flow under /flow and a fake Stripe under /stripe."""

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from compraagil.payments import devflow, devstripe
from compraagil.payments.gateways import STRIPE_WEBHOOK


@dataclass
class DevPayments:
    server: ThreadingHTTPServer
    flow: devflow.FakeFlow
    stripe: devstripe.FakeStripe
    port: int

    @property
    def flow_api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/flow/api"

    @property
    def stripe_api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/stripe"

    def environment(self) -> dict[str, str]:
        """The settings that point the product at these fakes."""
        return {
            "FLOW_API_URL": self.flow_api_url, "FLOW_API_KEY": devflow.API_KEY, "FLOW_SECRET_KEY": devflow.SECRET,
            "STRIPE_API_URL": self.stripe_api_url, "STRIPE_SECRET_KEY": devstripe.SECRET_KEY,
            "STRIPE_WEBHOOK_SECRET": devstripe.WEBHOOK_SECRET,
        }  # fmt: skip

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_dev_payments(port: int, public_url: str) -> DevPayments:
    """Serve both fakes on `port` (0: any free port); webhooks and confirmations go to `public_url`."""
    holder: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            return

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            params = dict(parse_qsl(url.query)) | dict(parse_qsl(body))
            if url.path.startswith("/flow/"):
                answer = holder["flow"].handle(method, url.path.removeprefix("/flow"), params)
                extra = {}
            elif url.path.startswith("/stripe/"):
                answer = holder["stripe"].handle(
                    method, url.path.removeprefix("/stripe"), params, self.headers.get("Authorization", "")
                )
                extra = answer.headers
            else:
                self.send_error(404)
                return
            content = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
            data = content.encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    actual = server.server_address[1]
    browser_base = f"http://localhost:{actual}"
    holder["flow"] = devflow.FakeFlow(f"{browser_base}/flow")
    holder["stripe"] = devstripe.FakeStripe(f"{browser_base}/stripe", public_url.rstrip("/") + STRIPE_WEBHOOK)
    threading.Thread(target=server.serve_forever, name="dev-payments", daemon=True).start()
    return DevPayments(server, holder["flow"], holder["stripe"], actual)
