"""``rasd serve``: run the application with uvicorn, refusing an open write-less-token exposure."""
from __future__ import annotations

import ipaddress
import os


class ServeError(RuntimeError):
    """Why the server will not start (the command prints it and exits 2)."""


def is_local(host: str) -> bool:
    """Whether ``host`` is a loopback address (only this machine can connect)."""
    h = host.strip().strip("[]").lower()
    if h in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, token: str | None) -> None:
    if not is_local(host) and not token:
        raise ServeError(
            f"refusing to listen on {host}, a non-local address, without a token: anyone who can reach it "
            "could add articles and change events. Give --token TOKEN (or set RASD_TOKEN), or listen on "
            "127.0.0.1")


def serve(db: str | None, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          log_level: str = "info") -> None:
    import uvicorn

    from .app import create_app

    token = token or os.environ.get("RASD_TOKEN") or None
    check_exposure(host, token)
    app = create_app(db, token=token or "")
    uvicorn.run(app, host=host, port=port, log_level=log_level, server_header=False)
