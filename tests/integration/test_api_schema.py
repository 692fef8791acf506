"""The API against its own OpenAPI description: schemathesis generates requests for every operation
(valid and invalid parameters, random cursors and ids) and no response may be a server error.

Kept short for CI: a few examples per operation, no shrinking, no example database.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from marsad.web.app import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def api_schema(web_db_module):
    app = create_app(web_db_module, token="s3cret")
    return schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def web_db_module(web_db, tmp_path_factory):
    """A private copy: generated requests may add pages through POST /api/v1/pages."""
    import sqlite3

    dst = tmp_path_factory.mktemp("schema") / "marsad.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(dst) as out:
        src.backup(out)
    return dst


def test_no_server_error(api_schema):
    # one hypothesis run per operation (schemathesis' pytest plugin does not run under this pytest)
    operations = [r.ok() for r in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.generate], database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            # with the token, so that generated pages go through the pipeline too
            case.call_and_validate(checks=[not_a_server_error], headers={"Authorization": "Bearer s3cret"})

        check()
