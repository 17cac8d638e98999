"""What is known about each target when a run misses it: the profile and what was tried.

Written from profiles of earlier runs (py-spy on the emulator, pyinstrument on the clients;
``python -m benchmarks --profile`` writes the client and emulator profiles again). The
report prints the entry of every check a run misses, next to how far it missed.
"""

from __future__ import annotations

from .emulator_memory import IDLE_CONNECTION_LABEL
from .fanout import growth_ratio_label, largest_p99_label
from .settings import DEFAULT

_LARGEST = max(DEFAULT.fanout_growth_clients)

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
        "emulator should not trade latency for a benchmark. Since then: at most 256 direct "
        "writes per event-loop turn, later sockets holding their frames for the next turns "
        "(no timer), so broadcasts that arrive during a large fan-out share one write per "
        "socket; at 1,000 clients and below a broadcast still goes out in one or a few turns."
    ),
    growth_ratio_label(_LARGEST, DEFAULT.fanout_clients): (
        "Before the per-turn write budget, the emulator's CPU per delivery in bursts grew "
        "from about 2.6 us at 1,000 clients to 7.7 us at 10,000 (perf: the Python share and "
        "the kernel share both grew about threefold, spread over every function, i.e. cache "
        "misses over ten times as many sockets; no garbage collection ran during the "
        "sessions). With it, bursts to 10,000 clients share writes and cost about 3 us per "
        "delivery. The CPU table shows which side set the pace: where the load generators' "
        "CPU per delivery is near the emulator's, the 2-core machine, not the emulator, "
        "is the limit."
    ),
    largest_p99_label(_LARGEST): (
        "A lone broadcast to 10,000 sockets is 10,000 `send` calls on one core, and on this "
        "virtual machine one small `send` to each of 10,000 loopback sockets costs 4.7-5.2 us "
        "in a bare Python loop (2.2-2.5 us at 1,000 sockets; on loopback the call also runs "
        "the receiver's TCP path and wakes it), so the last client cannot have it before "
        "about 50 ms, plus the Python fan-out and the load generators' own receiving on the "
        "other core; see the 'lone broadcast to the last client' line. Holding frames per "
        "turn cuts the calls only when broadcasts overlap, which paced ones do not. Still "
        "open: spreading the calls of one fan-out over several cores."
    ),
    IDLE_CONNECTION_LABEL: (
        "tracemalloc per idle raw connection (2,000 connections): about 23 KiB of Python "
        "objects, of which uvicorn's sans-I/O protocol about 6 KiB (its scope and its "
        "asyncio.Queue with four deques), asyncio about 6 KiB (transport, task, two Events), "
        "websockets about 3.4 KiB (the parser generator still holds the handshake request), "
        "Starlette's middleware and routing frames about 3.3 KiB, the emulator's own about "
        "3.7 KiB. Done: the emulator's deques (outbound queue, replay buffer, ack ids) made "
        "on first use and uvicorn's handshake request and response released after the "
        "accept (27 to 23 KiB). Reaching 12 KiB needs a leaner WebSocket server layer than "
        "uvicorn + websockets + Starlette for the client endpoint."
    ),
}
