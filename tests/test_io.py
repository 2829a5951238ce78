"""rasd.io: reading and checking article inputs (no pipeline needed).

Article texts are real sentences from the ANT corpus v2.1 (Al Arabiya, 2018).
"""
from __future__ import annotations

import gzip
import json
import lzma
import os
import random

import pytest

from rasd import io as rio

# ANT corpus, Al Arabiya, ant-AL-internationalNews-1349-20180527
GAZA = "قتل فلسطينيان وأصيب آخر بجروح بالغة، في قصف إسرائيلي على قطاع غزة صباح الأحد."
# ANT corpus, Al Arabiya, ant-AL-internationalNews-1287-20180523
HODEIDAH = ("قتلت عبوة ناسفة زرعتها ميليشيا الحوثي الانقلابية، الثلاثاء، ثلاثة مدنيين، بالقرب من "
            "ميناء الحيمة العسكري بمديرية التحيتا، جنوبي محافظة الحديدة غرب اليمن.")
ENGLISH = ("Five civilians were killed and twelve wounded on Friday in Russian air strikes "
           "on the town of Saraqib in the eastern Idlib countryside, rescuers said.")


def items(path, **kw):
    return list(rio.read_articles(str(path), **kw))


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- decoding

def test_decode_utf8_with_and_without_bom():
    assert rio.decode_text(GAZA.encode("utf-8"), "x") == (GAZA, [])
    assert rio.decode_text(b"\xef\xbb\xbf" + GAZA.encode("utf-8"), "x") == (GAZA, [])


def test_decode_utf16_with_bom():
    assert rio.decode_text(GAZA.encode("utf-16"), "x") == (GAZA, [])


def test_decode_windows_1256_arabic_is_accepted_with_a_warning():
    text, warnings = rio.decode_text(HODEIDAH.encode("cp1256"), "old.txt")
    assert text == HODEIDAH
    assert warnings and "windows-1256" in warnings[0]


def test_decode_latin1_bytes_are_not_taken_for_arabic():
    with pytest.raises(rio.InputError) as e:
        rio.decode_text("Señor Müller était là, à Zürich. Ça coûte 5 €.".encode("cp1252"), "fr.txt")
    assert str(e.value).startswith("fr.txt: not text")
    assert "UTF-8" in str(e.value) and "windows-1256" in str(e.value)


def test_decode_binary_is_an_error_naming_the_input():
    data = random.Random(7).randbytes(4096) + b"\x00"
    with pytest.raises(rio.InputError) as e:
        rio.decode_text(data, "photo.jpg")
    assert str(e.value).startswith("photo.jpg: ")
    assert "binary" in str(e.value) or "not text" in str(e.value)


def test_decode_control_characters_without_nul_is_binary():
    with pytest.raises(rio.InputError, match="binary"):
        rio.decode_text(bytes(range(1, 9)) * 200, "blob")


# --------------------------------------------------------------------------- text checks

def test_check_text_arabic_has_no_warning():
    assert rio.check_text(HODEIDAH) == (HODEIDAH, [])


def test_check_text_english_is_kept_with_a_warning():
    text, warnings = rio.check_text(ENGLISH)
    assert text == ENGLISH
    assert len(warnings) == 1 and "not Arabic" in warnings[0] and "0%" in warnings[0]


def test_check_text_mixed_arabic_with_english_names_is_arabic():
    text = GAZA + " (Reuters, AFP)"
    assert rio.check_text(text)[1] == []


def test_long_text_is_cut_at_a_line_end_with_a_warning():
    long = (GAZA + "\n") * 20_000          # ~1.6 M characters
    text, warnings = rio.check_text(long, max_chars=100_000)
    assert len(text) <= 100_000
    assert text.endswith("صباح الأحد.")      # cut at a line end, not inside a word
    assert long.startswith(text)
    assert "only the first" in warnings[0] and "100,000" in warnings[0]


def test_cut_text_without_spaces_still_respects_the_limit():
    assert len(rio.cut_text("ا" * 5000, 1000)) == 1000


# --------------------------------------------------------------------------- plain text files

def test_plain_text_article_takes_metadata_from_flags(tmp_path):
    p = tmp_path / "gaza.txt"
    p.write_text(GAZA, encoding="utf-8")
    [a] = items(p, published="2018-05-27", outlet="alarabia")
    assert a.text == GAZA and a.doc_id == "gaza" and a.where == str(p)
    assert a.published == "2018-05-27" and a.outlet == "alarabia" and a.warnings == []


def test_doc_id_flag_names_a_plain_text_article(tmp_path):
    p = tmp_path / "gaza.txt"
    p.write_text(GAZA, encoding="utf-8")
    assert items(p, doc_id="g-1")[0].doc_id == "g-1"


def test_file_without_suffix_starting_with_brace_is_jsonl(tmp_path):
    p = tmp_path / "articles"
    p.write_text(json.dumps({"text": GAZA}, ensure_ascii=False) + "\n", encoding="utf-8")
    [a] = items(p)
    assert a.text == GAZA and a.where == f"{p}:1"


@pytest.mark.parametrize("content", [b"", b"   \n\n\t ", b"\xef\xbb\xbf\n"])
def test_empty_text_file_is_an_error(tmp_path, content):
    p = tmp_path / "empty.txt"
    p.write_bytes(content)
    with pytest.raises(rio.InputError, match="empty file") as e:
        items(p)
    assert e.value.source == str(p)


@pytest.mark.parametrize("name", ["empty.jsonl", "blank.jsonl"])
def test_empty_jsonl_is_an_error(tmp_path, name):
    p = tmp_path / name
    p.write_text("" if name == "empty.jsonl" else "\n  \n", encoding="utf-8")
    with pytest.raises(rio.InputError, match="empty file"):
        items(p)


def test_missing_file_and_directory_are_errors(tmp_path):
    with pytest.raises(rio.InputError, match="no such file"):
        items(tmp_path / "nope.txt")
    with pytest.raises(rio.InputError, match="directory"):
        items(tmp_path)


def test_windows_1256_text_file_is_read_with_a_warning(tmp_path):
    p = tmp_path / "old.txt"
    p.write_bytes(HODEIDAH.encode("cp1256"))
    [a] = items(p)
    assert a.text == HODEIDAH
    assert any("windows-1256" in w for w in a.warnings)


def test_huge_text_file_is_read_only_as_far_as_needed(tmp_path):
    p = tmp_path / "huge.txt"
    p.write_text((GAZA + "\n") * 70_000, encoding="utf-8")    # ~5.5 M characters, ~10 MB
    [a] = items(p, max_chars=50_000)
    assert len(a.text) <= 50_000 and a.text.startswith(GAZA)
    assert a.warnings and "first" in a.warnings[0]


# --------------------------------------------------------------------------- JSONL

def test_jsonl_good_and_bad_lines(tmp_path):
    p = write_jsonl(tmp_path / "mix.jsonl", [
        json.dumps({"doc_id": "a", "outlet": "alarabia", "published": "2018-05-27T10:39:25+04:00",
                    "title": "غزة", "text": GAZA}, ensure_ascii=False),
        '{"doc_id": "b", "text": "قصف" ',                      # line 2: cut short
        "",                                                    # blank lines are not records
        json.dumps([GAZA], ensure_ascii=False),                # line 4: not an object
        json.dumps({"doc_id": "c", "body": GAZA}, ensure_ascii=False),  # line 5: no text
        json.dumps({"doc_id": 17, "text": HODEIDAH, "published": "yesterday"}, ensure_ascii=False),
        json.dumps({"text": "  "}),                            # line 7: empty text
        json.dumps({"text": 42}),                              # line 8: text not a string
    ])
    got = items(p, outlet="default-outlet")
    kinds = [(type(x).__name__, x.where) for x in got]
    assert kinds == [("Article", f"{p}:1"), ("Skipped", f"{p}:2"), ("Skipped", f"{p}:4"),
                     ("Skipped", f"{p}:5"), ("Article", f"{p}:6"), ("Skipped", f"{p}:7"),
                     ("Skipped", f"{p}:8")]
    a, bad_json, not_obj, no_text, b, empty, not_str = got
    assert a.meta() == {"doc_id": "a", "outlet": "alarabia", "url": None, "title": "غزة",
                        "published": "2018-05-27T10:39:25+04:00"}
    assert str(bad_json).startswith(f"{p}:2: invalid JSON (")
    assert "got an array" in str(not_obj)
    assert 'no "text" field' in str(no_text) and "body" in str(no_text)
    assert b.doc_id == "17" and b.outlet == "default-outlet" and b.published is None
    assert any("'yesterday'" in w and "unknown date format" in w and "today" in w for w in b.warnings)
    assert 'empty "text"' in str(empty)
    assert "a number" in str(not_str)


def test_jsonl_missing_ids_are_made_from_the_file_and_line(tmp_path):
    p = write_jsonl(tmp_path / "batch.jsonl", ["", json.dumps({"text": GAZA}, ensure_ascii=False)])
    assert items(p)[0].doc_id == "batch:2"
    assert items(p, doc_id="run7")[0].doc_id == "run7:2"


def test_jsonl_published_flag_fills_missing_dates_only(tmp_path):
    p = write_jsonl(tmp_path / "d.jsonl", [
        json.dumps({"text": GAZA}, ensure_ascii=False),
        json.dumps({"text": GAZA, "published": "2018-05-27"}, ensure_ascii=False),
    ])
    assert [a.published for a in items(p, published="2019-01-01")] == ["2019-01-01", "2018-05-27"]


def test_jsonl_line_with_invalid_utf8_is_skipped(tmp_path):
    p = tmp_path / "enc.jsonl"
    p.write_bytes(json.dumps({"text": GAZA}).encode() + b"\n" + b'{"text": "\xe1\xed"}\n')
    got = items(p)
    assert isinstance(got[0], rio.Article) and isinstance(got[1], rio.Skipped)
    assert "not UTF-8" in got[1].reason


def test_jsonl_non_string_metadata_is_ignored_with_a_warning(tmp_path):
    p = write_jsonl(tmp_path / "m.jsonl", [json.dumps({"text": GAZA, "title": ["a"]}, ensure_ascii=False)])
    [a] = items(p)
    assert a.title is None and any('"title"' in w for w in a.warnings)


@pytest.mark.parametrize("suffix,opener", [(".jsonl.gz", gzip.open), (".jsonl.xz", lzma.open)])
def test_compressed_jsonl(tmp_path, suffix, opener):
    p = tmp_path / f"c{suffix}"
    with opener(p, "wt", encoding="utf-8") as fh:
        for i, t in enumerate([GAZA, HODEIDAH]):
            fh.write(json.dumps({"doc_id": str(i), "text": t}, ensure_ascii=False) + "\n")
    assert [a.text for a in items(p)] == [GAZA, HODEIDAH]


def test_corrupt_compressed_file_is_an_input_error(tmp_path):
    p = tmp_path / "bad.jsonl.gz"
    p.write_bytes(b"this is not gzip at all")
    with pytest.raises(rio.InputError, match="cannot read"):
        items(p)


def test_json_file_with_a_list_of_articles(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([{"text": GAZA}, {"text": HODEIDAH}, 3], ensure_ascii=False, indent=2),
                 encoding="utf-8")
    got = items(p)
    assert [type(x).__name__ for x in got] == ["Article", "Article", "Skipped"]
    assert got[2].where == f"{p}[3]"


def test_many_lines_are_streamed_across_read_chunks(tmp_path):
    lines = [json.dumps({"doc_id": str(i), "text": GAZA}, ensure_ascii=False) for i in range(20_000)]
    p = write_jsonl(tmp_path / "many.jsonl", lines)      # ~3 MB: several 1 MiB chunks
    got = items(p)
    assert len(got) == 20_000 and all(isinstance(a, rio.Article) for a in got)
    assert [a.doc_id for a in got[:3]] == ["0", "1", "2"] and got[-1].doc_id == "19999"
    assert rio.count_records(str(p)) == 20_000


def test_detect_format():
    assert rio.detect_format("-", b"  \n{\"text\": 1}") == "jsonl"
    assert rio.detect_format("-", "قصف".encode()) == "text"
    assert rio.detect_format("x.txt", b"{") == "text"
    assert rio.detect_format("x.jsonl.xz", b"") == "jsonl"


# --------------------------------------------------------------------------- atomic output

def test_atomic_writer_replaces_only_on_commit(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    w = rio.AtomicWriter(str(out))
    w.write("new\n")
    assert out.read_text(encoding="utf-8") == "old\n"       # nothing visible before commit
    w.abort()
    assert out.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]             # no temporary file left
    with rio.AtomicWriter(str(out)) as w:
        w.write(GAZA + "\n")
    assert out.read_text(encoding="utf-8") == GAZA + "\n"
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_atomic_writer_interrupted_leaves_no_file(tmp_path):
    out = tmp_path / "out.jsonl"
    with pytest.raises(KeyboardInterrupt):
        with rio.AtomicWriter(str(out)) as w:
            w.write("half")
            raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_atomic_writer_missing_directory_is_an_error(tmp_path):
    with pytest.raises(rio.InputError, match="no directory"):
        rio.AtomicWriter(str(tmp_path / "no" / "out.jsonl"))
