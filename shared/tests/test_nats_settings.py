"""NATS identity and TLS settings: one identity at a time, complete pairs, mapped onto nats-py's connect()."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from callcenter_shared.broker import connect_options
from callcenter_shared.settings import ServiceSettings


@pytest.mark.parametrize(
    ("values", "complaint"),
    [
        ({"nats_user": "escalation", "nats_password": "pw", "nats_creds_file": "/x.creds"}, "one NATS identity"),
        ({"nats_nkey_seed_file": "/x.nk", "nats_creds_file": "/x.creds"}, "one NATS identity"),
        ({"nats_user": "escalation"}, "NATS_USER and NATS_PASSWORD"),
        ({"nats_password": "pw"}, "NATS_USER and NATS_PASSWORD"),
        ({"nats_tls_cert_file": "/cert.pem"}, "NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE"),
    ],
)
def test_inconsistent_nats_settings_are_refused_at_start(values: dict[str, str], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        ServiceSettings(**values)  # type: ignore[arg-type]


def test_environment_variables_become_connect_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NATS_USER", "escalation")
    monkeypatch.setenv("NATS_PASSWORD", "s3cret")
    options = connect_options(ServiceSettings())
    assert options["user"] == "escalation"
    assert options["password"] == "s3cret"
    assert "s3cret" not in repr(ServiceSettings()), "the password never shows in logs or reprs"


def test_creds_and_nkey_files_are_handed_to_nats_py() -> None:
    assert connect_options(ServiceSettings(nats_creds_file="/run/nats/svc.creds"))["user_credentials"] == (
        "/run/nats/svc.creds"
    )
    assert connect_options(ServiceSettings(nats_nkey_seed_file="/run/nats/svc.nk"))["nkeys_seed"] == "/run/nats/svc.nk"
    plain = connect_options(ServiceSettings())
    assert not {"user", "user_credentials", "nkeys_seed", "tls"} & set(plain), "development connects as before"


def test_a_missing_ca_file_fails_at_start_not_on_every_reconnect() -> None:
    with pytest.raises(FileNotFoundError):
        connect_options(ServiceSettings(nats_tls_ca_file="/nonexistent/ca.pem"))
