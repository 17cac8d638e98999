"""``webpubsub demo`` passes end to end; ``webpubsub emulator`` serves until interrupted."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys


def test_demo_on_its_embedded_emulator(cli) -> None:
    result = cli("demo", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "embedded emulator at http://127.0.0.1:" in lines[0]
    verdict = next(line for line in lines if line.startswith(("PASS", "FAIL")))
    assert verdict.startswith("PASS: ")
    passed, total = verdict.removeprefix("PASS: ").removesuffix(" checks").split("/")
    assert passed == total and int(total) >= 14
    assert "FAIL" not in result.stdout


def test_demo_against_a_given_service(cli, webpubsub_connection_string, webpubsub_hub) -> None:
    result = cli("demo", "-c", webpubsub_connection_string, "--hub", webpubsub_hub, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PASS: " in result.stdout
    assert webpubsub_connection_string.split("AccessKey=")[1].split(";")[0] not in result.stdout


def test_emulator_command_prints_a_working_connection_string(cli) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "webpubsub.cli", "emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        connection_string = process.stdout.readline().strip()
        assert connection_string.startswith("Endpoint=http://127.0.0.1:")
        result = cli("send", "ping", "-c", connection_string)
        assert result.returncode == 0, result.stderr
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert "Traceback" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_emulator_on_a_busy_port_says_which(cli) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli("emulator", "--port", str(port))
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"webpubsub: error: cannot serve on 127.0.0.1:{port}: ")


def test_python_m_webpubsub_emulator_on_a_busy_port_is_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "webpubsub_emulator", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"webpubsub: error: cannot serve on 127.0.0.1:{port}: ")
