"""Event-handler settings from the three sources: appsettings.json, the CLI flag, Python."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from webpubsub_emulator.upstream import (
    EventHandlerSettings,
    from_command_line,
    load_appsettings,
    normalize,
    parse_event_handler_option,
)

from tests.cli.conftest import run_cli


def test_appsettings_in_microsofts_shape(tmp_path: Path) -> None:
    path = tmp_path / "appsettings.json"
    path.write_text(
        json.dumps(
            {
                "WebPubSub": {
                    "Hubs": {
                        "Chat": {
                            "EventHandlers": [
                                {
                                    "UrlTemplate": "http://127.0.0.1:3000/{hub}/{event}",
                                    "SystemEvents": ["connect", "connected"],
                                    "EventPattern": "hello,bye",
                                }
                            ]
                        }
                    }
                }
            }
        )
    )
    [handler] = load_appsettings(path)["chat"]
    assert handler.system_events == {"connect", "connected"}
    assert handler.receives("bye", system=False)
    assert not handler.receives("other", system=False)
    assert not handler.receives("disconnected", system=True)
    assert handler.url("Chat", "a b") == "http://127.0.0.1:3000/Chat/a%20b"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"Hubs": {}}, "no 'WebPubSub' member"),
        ({"WebPubSub": {"Hubs": {"c": {"EventHandlers": {}}}}}, "EventHandlers must be a list"),
        (
            {"WebPubSub": {"Hubs": {"c": {"EventHandlers": [{"UrlTemplate": "ftp://x"}]}}}},
            "EventHandlers[0]: event handler URL template 'ftp://x'",
        ),
    ],
)
def test_bad_appsettings_name_the_member(tmp_path: Path, document: object, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ValueError, match=None) as error:
        load_appsettings(path)
    assert message in str(error.value)


def test_event_handler_option() -> None:
    hub, handler = parse_event_handler_option("chat=http://h:1/e/{event};system=connect;user=")
    assert hub == "chat"
    assert handler.system_events == {"connect"}
    assert not handler.receives("message", system=False)
    _, default = parse_event_handler_option("*=http://h:1/")
    assert default == EventHandlerSettings("http://h:1/")
    assert default.receives("anything", system=False)
    with pytest.raises(ValueError, match="HUB=URL_TEMPLATE"):
        parse_event_handler_option("http://no-hub")
    with pytest.raises(ValueError, match="unknown"):
        parse_event_handler_option("chat=http://h/;systems=connect")
    with pytest.raises(ValueError, match="'conect'"):
        parse_event_handler_option("chat=http://h/;system=conect")


def test_python_mapping_and_command_line_merge(tmp_path: Path) -> None:
    config = normalize({"A": "http://a/", "b": ["http://b1/", EventHandlerSettings("http://b2/")]})
    assert [h.url_template for h in config["b"]] == ["http://b1/", "http://b2/"]
    assert config["a"] == [EventHandlerSettings("http://a/")]
    path = tmp_path / "a.json"
    path.write_text('{"WebPubSub": {"Hubs": {"a": {"EventHandlers": []}}}}')
    merged = from_command_line(str(path), ["a=http://x/"])
    assert merged["a"] == [EventHandlerSettings("http://x/")]


def test_cli_rejects_a_bad_config_with_a_clear_message(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    completed = run_cli("emulator", "--port", "0", "--config", str(missing))
    assert completed.returncode != 0
    assert "missing.json" in completed.stderr
    completed = run_cli("emulator", "--port", "0", "--event-handler", "chat")
    assert completed.returncode != 0
    assert "HUB=URL_TEMPLATE" in completed.stderr
