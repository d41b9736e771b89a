"""The security suite runs on the web tests' small federation (see tests/web/conftest.py)."""

from tests.web.conftest import (  # noqa: F401  (fixtures, re-exported for this directory)
    app,
    client,
    client_for,
    token_for,
    web_db,
    web_postgres,
    web_template,
)
