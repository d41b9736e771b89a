"""The web app: server-rendered pages and a JSON API over the same actions.

``create_app(settings)`` builds it (:mod:`sovet.web.app`).
"""

from __future__ import annotations

from sovet.web.app import create_app

__all__ = ["create_app"]
