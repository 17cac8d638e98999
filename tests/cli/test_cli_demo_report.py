"""The demo's verdict and comparisons: a wrong delivery must turn the table into a FAIL."""

from __future__ import annotations

from webpubsub.demo._expect import Expected, all_match, seen_through, show
from webpubsub.demo._messages import Message
from webpubsub.demo._report import Check, render


def test_all_passing_checks_end_with_the_pass_line() -> None:
    checks = [
        Check(" 3. send_to_all text", "alice (json)", "text 'hi'", "text 'hi'", True),
        Check(" 3. send_to_all text", "bob (raw)", "text 'hi'", "text 'hi'", True),
    ]
    lines = render(checks).splitlines()
    assert lines[-1] == "PASS: 2/2 checks"
    assert lines[2] == " 3. send_to_all text"  # one section header per step
    assert lines[3].split() == ["alice", "(json)", "text", "'hi'", "text", "'hi'", "ok"]


def test_one_failed_check_names_its_step_and_subject() -> None:
    checks = [
        Check(" 3. send_to_all text", "alice (json)", "text 'hi'", "text 'hi'", True),
        Check(" 7. add_user_to_group", "carol (reliable)", "json {}", "-", False),
    ]
    text = render(checks)
    assert text.splitlines()[-1] == "FAIL: 1 of 2 checks failed: step 7 carol (reliable)"
    assert "FAIL" in text.splitlines()[-3]  # the failing row itself is marked


def test_no_checks_is_not_a_pass() -> None:
    assert render([]).splitlines()[-1] == "FAIL: no checks ran"


def test_long_cells_are_cut_so_columns_stay_aligned() -> None:
    checks = [Check("1. s", "x", "a" * 100, "a" * 100, True)]
    row = render(checks).splitlines()[3]
    assert "a" * 37 + "..." in row
    assert "a" * 41 not in row


def test_comparison_is_exact_per_protocol() -> None:
    data = {"n": 1}
    json_message = Message("json", data)
    assert all_match([seen_through(Expected("json", data), "json")], [json_message])
    # A raw client gets JSON as a text frame holding the body as sent: the expectation says
    # so, and the row is ok only when type and content are the same.
    raw_expected = seen_through(Expected("json", data), "raw")
    assert show([raw_expected]) == "text '{\"n\": 1}'"
    assert all_match([raw_expected], [Message("text", '{"n": 1}')])
    assert not all_match([raw_expected], [Message("json", data)])
    assert not all_match([raw_expected], [Message("text", '{"n":1}')])
    assert not all_match([raw_expected], [Message("text", '{"n": 2}')])
    # Extra or missing messages fail, and so does a wrong sender for a group message.
    assert not all_match([], [json_message])
    assert not all_match([Expected("json", data)], [])
    group_message = Message("text", "hi", source="group", group="g", from_user_id="eve")
    assert not all_match([Expected("text", "hi", group="g", from_user_id="ann")], [group_message])
    assert show([Message("binary", b"\x00\xff")]) == "binary 00 ff"
    assert show([]) == "-"


def test_results_and_verdict_are_coloured_only_when_asked() -> None:
    checks = [Check("1. s", "a", "x", "x", True), Check("1. s", "b", "x", "y", False)]
    plain = render(checks)
    coloured = render(checks, colour=True)
    assert "\x1b[" not in plain
    assert "\x1b[32mok\x1b[0m" in coloured
    assert "\x1b[31mFAIL\x1b[0m" in coloured
    assert coloured.splitlines()[-1].startswith("\x1b[31mFAIL: 1 of 2")
    # Colour codes never shift the columns: without them the text is the plain table.
    assert coloured.replace("\x1b[32m", "").replace("\x1b[31m", "").replace("\x1b[0m", "") == plain
