"""blog.domain.diffs: line diffs with the changed words marked, as plain data."""

from blog.domain.diffs import (
    CONTEXT_LINES,
    WORD_DIFF_TOKENS,
    Segment,
    body_diff,
    line_changes,
    word_diff,
)


def marked(segments) -> list[str]:
    return [segment.text for segment in segments if segment.changed]


def test_the_same_text_has_no_hunks():
    assert body_diff("a\nb", "a\nb") == []


def test_a_changed_line_is_removed_then_added_with_both_numbers():
    [hunk] = body_diff("one\ntwo\nthree", "one\n2\nthree\nfour")
    assert [(line.kind, line.old_number, line.new_number, line.text) for line in hunk.lines] == [
        ("same", 1, 1, "one"),
        ("removed", 2, None, "two"),
        ("added", None, 2, "2"),
        ("same", 3, 3, "three"),
        ("added", None, 4, "four"),
    ]


def test_far_apart_changes_are_separate_hunks_with_their_context():
    before = "\n".join(f"line {n}" for n in range(1, 31))
    after = before.replace("line 2\n", "line two\n").replace("line 28", "line twenty-eight")
    first, second = body_diff(before, after)
    assert first.first_old_line == 1
    assert second.first_old_line == 28 - CONTEXT_LINES
    assert [line.text for line in second.lines if line.kind == "same"] == [
        "line 25",
        "line 26",
        "line 27",
        "line 29",
        "line 30",
    ]


def test_only_the_changed_words_are_marked():
    old, new = word_diff("The quick brown fox jumps", "The quick red fox jumps")
    assert marked(old) == ["brown"] and marked(new) == ["red"]
    assert "".join(s.text for s in old) == "The quick brown fox jumps"


def test_the_space_between_two_changed_words_is_marked_with_them():
    old, new = word_diff("keep a b keep keep", "keep c d keep keep")
    assert marked(old) == ["a b"] and marked(new) == ["c d"]


def test_a_rewritten_line_is_marked_whole():
    old, new = word_diff("That's all for today.", "Next time: the domain layer.")
    assert old == (Segment("That's all for today.", True),)
    assert new == (Segment("Next time: the domain layer.", True),)


def test_lines_too_long_to_compare_word_by_word_are_marked_whole():
    words = " ".join(["word"] * WORD_DIFF_TOKENS)
    old, new = word_diff(words, words + " more")
    assert old == (Segment(words, True),) and new == (Segment(words + " more", True),)


def test_line_changes_count_added_and_removed_lines():
    assert line_changes("a\nb\nc", "a\nB\nc\nd") == (2, 1)
    assert line_changes("a", "a") == (0, 0)
