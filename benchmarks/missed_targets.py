"""What is known about each target when a run misses it: the profile and what was tried.

Written from profiles of earlier runs (py-spy on the emulator, pyinstrument on the clients;
``python -m benchmarks --profile`` writes the client and emulator profiles again). The
report prints the entry of every check a run misses, next to how far it missed.
"""

from __future__ import annotations

MISSED_TARGET_NOTES: dict[str, str] = {
    "sync: ours / official ops/s": (
        "A sequential call costs the client's CPU plus the emulator's, and the emulator's "
        "share is the same for both clients, so the ratio of ops/s stays below the ratio of "
        "client CPU per call (see the measurements: ours needs well under half the "
        "official client's CPU per call). The emulator parses HTTP with httptools (a third "
        "less emulator CPU per call than h11); what is left of its cost is Starlette routing, "
        "the token check and the response."
    ),
    "sync: ours / raw httpx time per call": (
        "Ours adds argument checks, the JWT (cached per key and audience), the call options "
        "(request id, User-Agent) and the retry loop to the raw request; on a noisy machine "
        "the 15% budget is within the spread of the rounds (compare the IQRs)."
    ),
    "async: ours / official ops/s": (
        "At 64 in flight both clients share one emulator process on the second core, so "
        "the emulator's capacity caps both; ours over aiohttp needs under half the "
        "official client's CPU per call (measurements), and the growth table shows where "
        "the emulator, not the client, sets the pace."
    ),
    "fanout: deliveries/s": (
        "Profile (py-spy on the emulator during bursts to 1,000 clients): about two thirds of "
        "the emulator's time is the `send` system call behind `transport.write`, one per "
        "recipient and message (on loopback the sender's call also runs the receiver's TCP "
        "path and wakes it), a quarter the Python fan-out loop, the rest the REST request. "
        "Emulator CPU per delivery varied from 6.3 to 11 us between rounds of one session "
        "on this virtual machine, and throughput follows it. Tried: httptools (helps the "
        "REST request only); uvloop (73-78k deliveries/s against 104-141k on asyncio in the "
        "same session: rejected); holding frames under load for one shared write per socket "
        "(2-5 ms): with the benchmark's sequential poster at most two messages shared a "
        "write and CPU per delivery rose from 7.6 to 10.2 us: rejected. Still open: fewer "
        "system calls per delivery (a C-level writer, or the service's own batching)."
    ),
}
