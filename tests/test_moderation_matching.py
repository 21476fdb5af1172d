import time

import pytest

from comments.moderation import find_phrase


@pytest.mark.parametrize("text", [
    "That is bad.", "BAD idea", "Bad!", "(bad)", "a bad, bad day", "bad\nnews", "«bad»",
])
def test_a_listed_word_is_found_as_a_whole_word_whatever_its_case(text):
    assert find_phrase(text, ["bad"]) == "bad"


@pytest.mark.parametrize("text", [
    "I built it with WordPress.", "Pressing matters", "Express delivery", "Compressed files", "pressure",
])
def test_a_listed_word_inside_a_longer_word_is_not_found(text):
    assert find_phrase(text, ["press"]) is None


@pytest.mark.parametrize("text", [
    "The press was there.", "Talk to the Press!", "press-release", "press_release", "press/tv",
])
def test_press_is_found_where_it_stands_as_a_word(text):
    assert find_phrase(text, ["press"]) == "press"


@pytest.mark.parametrize("text", [
    "baaad", "BAAAAD", "bbaadd", "b.a.d", "b-a-d", "b_a_d", "b a d", "b. a. d.", "b*a*d", "b4d", "bäd",
    "b\u200bad", "b\u00adad", "ｂａｄ", "what a b.a.a.d idea",
])
def test_cheap_disguises_are_seen_through(text):
    assert find_phrase(text, ["bad"]) == "bad"


@pytest.mark.parametrize("text, phrase", [
    ("god", "good"),  # repeated letters must appear at least as often as in the listed word
    ("a bath", "bad"),
    ("abandon", "bad"),
    ("b a d d y", "bad"),  # spelt out, the letters make another word
    ("", "bad"),
    ("bad", ""),
    ("bad", "..."),
])
def test_near_misses_are_not_found(text, phrase):
    assert find_phrase(text, [phrase]) is None


def test_a_phrase_is_found_as_consecutive_whole_words():
    assert find_phrase("Get a PAYDAY   loan now", ["payday loan"]) == "payday loan"
    assert find_phrase("p.a.y.d.a.y l-o-a-n", ["payday loan"]) == "payday loan"
    assert find_phrase("payday loans", ["payday loan"]) is None
    assert find_phrase("payday and a loan", ["payday loan"]) is None


def test_the_first_listed_phrase_found_is_returned_as_listed():
    assert find_phrase("Cheap Viagra and casino bonus", ["nothing", "Casino Bonus", "viagra"]) == "Casino Bonus"


def test_listed_digits_and_punctuation_are_read_like_the_text():
    assert find_phrase("Go to 4chan now", ["4chan"]) == "4chan"
    assert find_phrase("Meet me at the c.i.a", ["CIA"]) == "CIA"


def test_a_long_hostile_text_is_matched_quickly():
    text = "o" * 5000 + " " + "a." * 2500 + " " + "x" * 5000
    start = time.perf_counter()
    assert find_phrase(text, ["oooox", "aaaab", "good bad", "x y z"]) is None
    assert time.perf_counter() - start < 1


@pytest.mark.parametrize("text, phrase", [
    ("I will ki11 it", "kill"), ("k1ll", "kill"), ("KI1L", "kill"), ("1ame excuse", "lame"), ("b1g deal", "big"),
    ("w1n now", "win"), ("f.i.1.l", "fill"),
])
def test_the_digit_one_is_read_as_i_and_as_l(text, phrase):
    assert find_phrase(text, [phrase]) == phrase


def test_reading_one_as_l_finds_no_word_that_is_not_there():
    assert find_phrase("I have 11 cats", ["ill"]) is None
    assert find_phrase("version 1.1", ["lil"]) is None
