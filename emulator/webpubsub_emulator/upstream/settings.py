"""Event-handler settings: where the emulator sends which events of which hub.

Three sources, one shape (``EventHandlerSettings`` per handler, a list of them per hub):

* ``load_appsettings(path)``: a JSON file in the shape of Microsoft's emulator
  ``appsettings.json`` (``{"WebPubSub": {"Hubs": {"chat": {"EventHandlers": [{"UrlTemplate":
  ..., "SystemEvents": [...], "EventPattern": "*"}]}}}}``);
* ``parse_event_handler_option(text)``: the CLI's repeatable ``--event-handler`` value,
  ``HUB=URL_TEMPLATE[;system=EVENTS][;user=PATTERN]``;
* ``normalize(mapping)``: what ``EmulatorServer(event_handlers=...)`` and the pytest plugin
  accept, ``{hub: url | EventHandlerSettings | [url | EventHandlerSettings, ...]}``.

The hub name ``*`` applies to every hub that has no entry of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import attrs

SYSTEM_EVENTS = ("connect", "connected", "disconnected")
EVENT_HANDLER_HELP = (
    "event handler for a hub ('*': any hub), repeatable: HUB=URL_TEMPLATE"
    "[;system=connect,connected,disconnected][;user=PATTERN]; {hub} and {event} in the URL "
    "are replaced; default: all system events and every user event ('user=*')"
)
ANY_HUB = "*"


def _system_events(value: Iterable[str]) -> frozenset[str]:
    events = frozenset(e.strip().lower() for e in value if e.strip())
    unknown = sorted(events - set(SYSTEM_EVENTS))
    if unknown:
        raise ValueError(
            f"system events {unknown!r} are unknown; use any of connect, connected, disconnected"
        )
    return events


@attrs.frozen
class EventHandlerSettings:
    """One event handler of a hub.

    ``url_template``: ``http(s)://`` URL; ``{hub}`` and ``{event}`` are replaced by the hub
    and event names. ``system_events``: which of ``connect``, ``connected``,
    ``disconnected`` it receives (default all three). ``event_pattern``: user events it
    receives: ``*`` (all), a name, or a comma-separated list of names; ``""`` for none.
    Raises ValueError for a URL that is not http(s) or an unknown system event.
    """

    url_template: str
    system_events: frozenset[str] = attrs.field(
        default=frozenset(SYSTEM_EVENTS), converter=_system_events
    )
    event_pattern: str = "*"

    def __attrs_post_init__(self) -> None:
        parts = urlsplit(self.url_template.replace("{hub}", "h").replace("{event}", "e"))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"event handler URL template {self.url_template!r} must be an absolute "
                "http:// or https:// URL"
            )

    def receives(self, event: str, *, system: bool) -> bool:
        """Whether this handler gets the system event or user event named ``event``."""
        if system:
            return event in self.system_events
        names = [n.strip() for n in self.event_pattern.split(",")]
        return "*" in names or event in names

    def url(self, hub: str, event: str) -> str:
        return self.url_template.replace("{hub}", quote(hub, safe="")).replace(
            "{event}", quote(event, safe="")
        )


HandlerSpec = str | EventHandlerSettings
EventHandlersConfig = Mapping[str, HandlerSpec | Sequence[HandlerSpec]]


def normalize(config: EventHandlersConfig) -> dict[str, list[EventHandlerSettings]]:
    """Turn ``{hub: url | settings | [url | settings, ...]}`` into settings lists.

    A bare URL string receives every system event and every user event.
    Hub names are case-insensitive. Raises ValueError for a bad URL or hub name.
    """
    result: dict[str, list[EventHandlerSettings]] = {}
    for hub, spec in config.items():
        if not hub:
            raise ValueError("event handler hub name must not be empty (use '*' for any hub)")
        specs = [spec] if isinstance(spec, (str, EventHandlerSettings)) else list(spec)
        result.setdefault(hub.lower(), []).extend(
            s if isinstance(s, EventHandlerSettings) else EventHandlerSettings(s) for s in specs
        )
    return result


def parse_event_handler_option(text: str) -> tuple[str, EventHandlerSettings]:
    """Parse ``HUB=URL_TEMPLATE[;system=connect,connected,...][;user=PATTERN]``.

    Without ``system=`` the handler gets all three system events; without ``user=`` it gets
    every user event. ``system=`` or ``user=`` with nothing after it means none.
    Raises ValueError naming the bad part.
    """
    hub, sep, rest = text.partition("=")
    if not sep or not hub.strip() or not rest.strip():
        raise ValueError(
            f"--event-handler {text!r} must look like HUB=URL_TEMPLATE"
            "[;system=connect,connected,disconnected][;user=*]"
        )
    url, *options = rest.split(";")
    system: Iterable[str] = SYSTEM_EVENTS
    pattern = "*"
    for option in options:
        key, _, value = option.partition("=")
        key = key.strip().lower()
        if key == "system":
            system = value.split(",")
        elif key == "user":
            pattern = value.strip()
        else:
            raise ValueError(
                f"--event-handler option {option!r} is unknown; use system=... or user=..."
            )
    return hub.strip(), EventHandlerSettings(url.strip(), system, pattern)


def load_appsettings(path: str | Path) -> dict[str, list[EventHandlerSettings]]:
    """Read event handlers from a Microsoft-emulator-style ``appsettings.json``.

    Raises ValueError (naming the file and the member) when the JSON does not have the
    ``WebPubSub.Hubs.<hub>.EventHandlers[]`` shape; OSError when the file cannot be read.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    hubs = _member(document, "WebPubSub", path, "the document")
    hubs = _member(hubs, "Hubs", path, "WebPubSub")
    if not isinstance(hubs, dict):
        raise ValueError(f"{path}: WebPubSub.Hubs must be an object of hub names")
    config: dict[str, list[HandlerSpec]] = {}
    for hub, hub_settings in hubs.items():
        where = f"WebPubSub.Hubs.{hub}"
        handlers = _member(hub_settings, "EventHandlers", path, where)
        if not isinstance(handlers, list):
            raise ValueError(f"{path}: {where}.EventHandlers must be a list")
        specs: list[HandlerSpec] = []
        for index, handler in enumerate(handlers):
            specs.append(_handler_from_json(handler, path, f"{where}.EventHandlers[{index}]"))
        config[hub] = specs
    return normalize(config)


def _handler_from_json(handler: object, path: str | Path, where: str) -> EventHandlerSettings:
    url = _member(handler, "UrlTemplate", path, where)
    system = _get(handler, "SystemEvents", [])
    pattern = _get(handler, "EventPattern", "")
    if not isinstance(url, str):
        raise ValueError(f"{path}: {where}.UrlTemplate must be a string")
    if not isinstance(system, list) or not all(isinstance(e, str) for e in system):
        raise ValueError(f"{path}: {where}.SystemEvents must be a list of event names")
    if not isinstance(pattern, str):
        raise ValueError(f"{path}: {where}.EventPattern must be a string")
    try:
        return EventHandlerSettings(url, system, pattern)
    except ValueError as exc:
        raise ValueError(f"{path}: {where}: {exc}") from None


def _get(obj: object, name: str, default: Any) -> Any:
    # The .NET configuration binder reads these keys case-insensitively.
    assert isinstance(obj, dict)
    for key, value in obj.items():
        if key.lower() == name.lower():
            return value
    return default


def _member(obj: object, name: str, path: str | Path, where: str) -> Any:
    if not isinstance(obj, dict):
        raise ValueError(f"{path}: {where} must be a JSON object")
    missing = object()
    value = _get(obj, name, missing)
    if value is missing:
        raise ValueError(f"{path}: {where} has no {name!r} member")
    return value


def from_command_line(
    config_file: str | None, options: Sequence[str] | None
) -> dict[str, list[EventHandlerSettings]]:
    """Event handlers from ``--config FILE`` and repeated ``--event-handler`` values
    (the file's first, then the options', in order). Raises ValueError / OSError as
    ``load_appsettings`` and ``parse_event_handler_option`` do."""
    result = load_appsettings(config_file) if config_file else {}
    for option in options or ():
        hub, handler = parse_event_handler_option(option)
        result.setdefault(hub.lower(), []).append(handler)
    return result
