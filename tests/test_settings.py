"""Settings from TOML and the environment, with errors that say how to fix them."""

from __future__ import annotations

import pytest

from gateway.settings import SettingsError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "gateway.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file():
    settings = load_settings(env={})
    assert str(settings.db_path) == "var/gateway.db"
    assert settings.base_uri == "http://127.0.0.1:8000" and settings.publishers == {}


def test_publishers_options_and_environment(tmp_path):
    path = write(tmp_path, 'data_dir = "/data"\n[publishers.ex]\nsystem = "exchange"\n'
                 'url = "http://127.0.0.1:1/"\npage_size = 200\nread_timeout = 9\n')
    settings = load_settings(path, env={"GATEWAY_TOKEN_EX": "secret",
                                        "GATEWAY_DATA_DIR": "/elsewhere"})
    publisher = settings.publishers["ex"]
    assert publisher.token == "secret" and publisher.options == {"page_size": 200}
    assert publisher.client == {"read_timeout": 9}
    assert str(settings.data_dir) == "/elsewhere"


@pytest.mark.parametrize(("text", "message"), [
    ('[publishers.r]\nsystem = "bank"\nurl = "http://x"\n', "system must be one of"),
    ('[publishers.r]\nsystem = "registry"\nurl = "ftp://x"\n', "url must be an http(s) URL"),
    ('[publishers.r]\nsystem = "registry"\nurl = "http://x"\nwindow_days = 3\n',
     "unknown setting(s) ['window_days'] for a registry publisher"),
    ("[publishers.r\n", "not valid TOML"),
    ('[api]\nwebhook_hosts = "feeds.example.gov.cn"\n', "webhook_hosts must be a list"),
])
def test_bad_settings_say_what_and_where(tmp_path, text, message):
    with pytest.raises(SettingsError, match=message.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        load_settings(write(tmp_path, text), env={})


def test_a_missing_file_is_explained(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_webhook_hosts_are_read_as_lowercase_names(tmp_path):
    text = '[api]\nwebhook_hosts = ["Feeds.Example.GOV.cn.", " 127.0.0.1 "]\n'
    settings = load_settings(write(tmp_path, text), env={})
    assert settings.api.webhook_hosts == ("feeds.example.gov.cn", "127.0.0.1")
    assert load_settings(None, env={}).api.webhook_hosts == ()
