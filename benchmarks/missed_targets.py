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
        "same session: rejected); holding each socket's frames for one shared write (2-5 ms) "
        "saved nothing, because the benchmark's sequential poster (sharing a core with the "
        "load generator) rarely gets two broadcasts in: rejected; batching whole sends while "
        "a hub is busy (5 ms gap, 4 ms window) raised bursts at 1,000 and 5,000 clients to "
        "109k and 113k/s (91k and 69k without, same session) but cut 100 clients from 58k "
        "to 43k/s and doubled the paced p50 at 1,000 clients (8.6 to 20 ms): rejected, an "
        "emulator should not trade latency for a benchmark. Still open: fewer system calls "
        "per delivery without added latency."
    ),
}
