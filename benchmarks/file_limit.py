"""Raise the open-file limit: 1,000 WebSocket clients need 1,000 descriptors on each side."""

from __future__ import annotations


def raise_open_file_limit(wanted: int = 32768) -> None:
    """Lift the soft ``RLIMIT_NOFILE`` towards ``wanted`` (never above the hard limit).

    A no-op where the ``resource`` module does not exist (Windows).
    """
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
