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
        "`python -m benchmarks.memory_breakdown` lists what an idle raw connection holds "
        "(tracemalloc, 1,000 connections): about 10.4 KiB of Python objects, of which "
        "uvicorn's protocol, scope and ASGI task about 3.2 KiB, asyncio about 1.9 KiB "
        "(transport, task, socket, handles), the emulator about 2.4 KiB (Connection, "
        "SocketWriter, the endpoint's and read loop's coroutines, upstream record), websockets' "
        "parser about 1.4 KiB, Starlette's two outer coroutines 0.6 KiB. Done: a one-reader "
        "inbox and a list-less writable flag instead of uvicorn's asyncio.Queue and Event, the "
        "handshake request, headers and query let go after the accept, uvicorn's settings in "
        "slots (its attributes stay in the shared-key layout), client sockets past the fault "
        "injector straight to the endpoint (no router, exception middleware or scope copy), "
        "middleware that hand back awaitables instead of staying suspended (29.5 to about "
        "11 KiB RSS). What is left is mostly one suspended coroutine per ASGI layer and "
        "uvicorn's and asyncio's per-socket objects."
    ),
    "mqtt fan-out (send_to_all): deliveries/s vs raw WebSocket (within 10%)": (
        "Server messages reach MQTT clients at QoS 1 (Microsoft's 'REST API in the context of "
        "MQTT'), so every delivery comes back as a PUBACK: one readiness event and one `recv` "
        "per socket per message in the emulator, which raw clients never cause. Emulator CPU "
        "per delivery was about 12 us against 3 us raw in the last profiled runs (py-spy: the "
        "PUBACK bookkeeping itself is light; the per-socket read is what is left). Done: MQTT "
        "sockets take the direct fan-out path, the QoS 1 PUBLISH frame is serialised once per "
        "message with each packet id spliced in, and a connected session takes its frames from "
        "the socket protocol without the ASGI queue, pause/resume of reading or a task switch "
        "(52 to about 12 us). Tried and left out: reading small client frames outside the "
        "websockets parser (hand-written WebSocket framing that depended on the parser's "
        "internals). Still open: fewer reads per PUBACK needs clients that coalesce their "
        "acks, or a read path below asyncio."
    ),
    "mqtt fan-out (send_to_group): deliveries/s vs raw WebSocket (within 10%)": (
        "QoS 0 deliveries take the same direct fan-out path as raw ones; what is left is the "
        "MQTT PUBLISH frame per message (topic and properties) and the per-recipient "
        "subscription lookup. Runs on this virtual machine ranged from 0.48x (busy) to 1.04x "
        "(quiet) between sessions, emulator CPU 3.8-6.2 us per MQTT delivery against "
        "2.7-3.6 us raw; not profiled further."
    ),
    "client sync send_to_group, 1 in flight: ours / official sends/s": (
        "One acked send at a time waits one ack round trip, and the emulator sends each ack "
        "after a fixed delay (2 ms in this benchmark, 20 ms by default, because the official "
        "1.1.0 client misses an ack that arrives before it starts waiting), so any client is "
        "bound near 1 / (delay + round trip) here; see the 'no ack delay' rows for ours alone. "
        "The official client cannot be measured without the delay: it stalls for its "
        "ack_timeout on every fast ack."
    ),
    "client aio send_to_group, 1 in flight: ours / official sends/s": (
        "As for the sync client at 1 in flight: the emulator's ack delay bounds any client "
        "near 1 / (delay + round trip); ours without the delay is in the 'no ack delay' rows."
    ),
    "client aio send_to_group, 64 in flight: ours / official sends/s": (
        "Ours needs under a third of the official client's CPU per acked send (the CPU rows), "
        "so the client is not what sets the pace: both share one emulator process, whose cost "
        "per sendToGroup with its ack timer bounds the row. Done: one future and one timer per "
        "ack instead of wait_for and shield per send, listener calls without a coroutine per "
        "message. Not profiled on the emulator side this session."
    ),
    "client aio receive: ours / official messages/s": (
        "Most of ours per message is the websockets library's asyncio frame reading and the "
        "JSON decode; the official aio client reads with aiohttp's C-accelerated WebSocket "
        "reader. Done: a ticker task for the sequenceAck timer instead of a wait_for per "
        "frame (57 to 38 us per message in the first measurement), data types decoded by a "
        "dict lookup. Not profiled further this session."
    ),
    "client aio receive: ours / official CPU per message": (
        "The same cost as the receive throughput row: websockets' asyncio reading and the JSON "
        "decode are most of it; see that row."
    ),
}
