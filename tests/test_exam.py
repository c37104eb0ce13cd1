"""The practice exam: allocation by domain weight, the MLA-C01 chapter map, the embedded data,
the page's links, and every rejection of bad input."""

import copy
import json
import posixpath
import re
from collections import Counter
from fractions import Fraction

import pytest

from mlbook import exam, questions, toc
from mlbook.data import book_root, load_yaml

ROOT = book_root()
BANK = questions.load_bank()
EXAMS = load_yaml("exams.yaml")
LOADED = exam.load_exams()
CODES = [e["code"] for e in EXAMS]
PAGE_LIMIT = 600_000  # bytes: the whole page must stay light


def _exam(code):
    return next(e for e in EXAMS if e["code"] == code)


def _quota(code, domain, n):
    weights = {d["id"]: d["weight"] for d in _exam(code)["domains"]}
    return Fraction(weights[domain] * n, sum(weights.values()))


@pytest.fixture(scope="module")
def page():
    return exam.render()


@pytest.fixture(scope="module")
def data(page):
    found = re.search(r"var DATA=(\{.*?\});\n", page)
    assert found, "the page embeds no DATA object"
    return json.loads(found.group(1))


# --- allocation --------------------------------------------------------------------------------


def _allocate(code, n=exam.FULL_LENGTH):
    return exam.allocate(code, n, exams=LOADED, bank=BANK)


def _pools(code):
    return exam.domain_pools(code, LOADED, BANK)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("n", [1, 2, 7, 30, 50, exam.FULL_LENGTH, 100, len(BANK)])
def test_allocation_adds_up_and_respects_the_bank(code, n):
    counts = _allocate(code, n)
    pools = _pools(code)
    assert list(counts) == [d["id"] for d in _exam(code)["domains"]]
    assert sum(counts.values()) == n
    for domain, count in counts.items():
        assert 0 <= count <= len(pools[domain]), f"{domain}: {count} of {len(pools[domain])}"
        # a domain below its cap never loses what its weight alone gives it
        if count < len(pools[domain]):
            assert count >= int(_quota(code, domain, n)), (domain, count)
        # a domain well below its quota must have been capped by the bank
        if count < _quota(code, domain, n) - 1:
            assert count == len(pools[domain]), f"{domain} got {count} without being capped"


@pytest.mark.parametrize("code", CODES)
def test_allocation_is_within_one_of_the_weight_when_the_bank_is_large_enough(code):
    pools = _pools(code)
    checked = 0
    for n in range(1, len(BANK) + 1):
        if any(_quota(code, d, n) + 1 > len(p) for d, p in pools.items()):
            continue  # the bank is too small for plain rounding at this n
        checked += 1
        for domain, count in _allocate(code, n).items():
            assert abs(count - _quota(code, domain, n)) < 1, (n, domain, count)
    assert checked >= 30, f"only {checked} sizes could be checked"


def test_full_length_mls_exam_follows_the_weights_exactly():
    counts = _allocate("MLS-C01")
    for domain, count in counts.items():
        assert abs(count - _quota("MLS-C01", domain, 65)) < 1
    assert sum(counts.values()) == 65


def test_mla_domains_with_few_questions_give_their_shortfall_to_the_others_by_weight():
    pools = _pools("MLA-C01")
    counts = _allocate("MLA-C01")
    capped = {d for d, c in counts.items() if c == len(pools[d])}
    short = {d for d in counts if _quota("MLA-C01", d, 65) > len(pools[d])}
    assert short <= capped, "a domain with fewer questions than its quota must get them all"
    free = [d for d in counts if d not in capped]
    left = 65 - sum(counts[d] for d in capped)
    weights = {d["id"]: d["weight"] for d in _exam("MLA-C01")["domains"]}
    for d in free:  # the rest is split by weight among the uncapped domains
        assert abs(counts[d] - Fraction(weights[d] * left, sum(weights[k] for k in free))) < 1


def test_largest_remainder_gives_leftover_seats_to_largest_fractions_then_earlier_keys():
    big = {"a": 99, "b": 99, "c": 99}
    assert exam.largest_remainder({"a": 1, "b": 1, "c": 1}, big, 10) == {"a": 4, "b": 3, "c": 3}
    # quotas 2.9, 5.8, 1.3: floors 2, 5, 1 leave two seats, for the .9 and the .8, not the .3
    got = exam.largest_remainder({"a": 29, "b": 58, "c": 13}, big, 10)
    assert got == {"a": 3, "b": 6, "c": 1}


def test_largest_remainder_caps_and_redistributes_until_nothing_is_over():
    got = exam.largest_remainder({"a": 50, "b": 30, "c": 20}, {"a": 2, "b": 3, "c": 99}, 10)
    assert got == {"a": 2, "b": 3, "c": 5}  # a and b capped in turn; c takes the rest


def test_allocation_is_deterministic():
    assert [exam.allocate(c) for c in CODES] == [_allocate(c) for c in CODES]


# --- rejections --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["MLS-C02", "mla-c01", "", None])
def test_unknown_exam_code_is_rejected_naming_the_valid_ones(code):
    with pytest.raises(ValueError, match=r"Unknown exam code .*choose one of: MLS-C01, MLA-C01"):
        exam.allocate(code)


@pytest.mark.parametrize("n", [0, -1, len(BANK) + 1, 2.5, "65", True])
def test_impossible_question_counts_are_rejected_naming_the_range(n):
    with pytest.raises(ValueError, match=rf"whole number from 1 to {len(BANK)} .*got"):
        exam.allocate("MLS-C01", n)


@pytest.mark.parametrize("seed", [-1, 2**32, 1.5, "7", None])
def test_bad_seeds_are_rejected(seed):
    with pytest.raises(ValueError, match="seed must be a whole number from 0 to 4294967295"):
        exam.draw("MLS-C01", seed)


@pytest.mark.parametrize(
    "weights,caps,n,message",
    [
        ({}, {}, 1, "Weights must be positive"),
        ({"a": 0, "b": 1}, {"a": 5, "b": 5}, 1, "Weights must be positive"),
        ({"a": 1}, {"b": 5}, 1, "one cap of 0 or more per domain"),
        ({"a": 1, "b": 1}, {"a": 2, "b": 2}, 5, "domains hold only 4"),
    ],
)
def test_largest_remainder_rejects_bad_input(weights, caps, n, message):
    with pytest.raises(ValueError, match=message):
        exam.largest_remainder(weights, caps, n)


# --- the MLA-C01 chapter map -------------------------------------------------------------------


def test_every_chapter_maps_to_exactly_one_mla_domain_and_only_existing_chapters():
    listed = [c for d in _exam("MLA-C01")["domains"] for c in d["chapters"]]
    chapters = [p.stem for p in toc.notebooks()
                if p.parent.name not in {"start-here", "appendices"}]
    assert chapters, "the toc lists no chapters"
    duplicates = sorted(c for c, k in Counter(listed).items() if k > 1)
    assert not duplicates, f"chapters under more than one MLA-C01 domain: {duplicates}"
    assert sorted(listed) == sorted(chapters), (
        f"unmapped: {sorted(set(chapters) - set(listed))}; "
        f"not chapters: {sorted(set(listed) - set(chapters))}"
    )
    assert exam.load_exams() == EXAMS  # and the loader accepts the file as it is


def test_mla_pools_partition_the_bank_by_chapter():
    pools = _pools("MLA-C01")
    owner = {c: d["id"] for d in _exam("MLA-C01")["domains"] for c in d["chapters"]}
    assert sorted(q.id for p in pools.values() for q in p) == sorted(q.id for q in BANK)
    for domain, pool in pools.items():
        assert {owner[q.chapter] for q in pool} <= {domain}


def _mla_domains(exams):
    return next(e for e in exams if e["code"] == "MLA-C01")["domains"]


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda ds: ds[1]["chapters"].append(ds[0]["chapters"][0]), "is listed under both"),
        (lambda ds: ds[0]["chapters"].append("nope"), "'nope', which is not a chapter in"),
        (lambda ds: ds[0]["chapters"].pop(), "belong to no domain"),
        (lambda ds: ds[2].pop("chapters"), "have no 'chapters:' list, but other domains do"),
        (lambda ds: ds[0].update(chapters="kinesis"),
         r"at \[1\]\.domains\[0\]\.chapters: must be array"),
    ],
)
def test_bad_chapter_maps_are_rejected_clearly(mutate, message):
    exams = copy.deepcopy(EXAMS)
    mutate(_mla_domains(exams))
    with pytest.raises(exam.ExamError, match=message):
        exam.load_exams(exams)


def test_a_question_in_no_domain_of_the_exam_is_rejected():
    exams = copy.deepcopy(EXAMS)
    mls = next(e for e in exams if e["code"] == "MLS-C01")
    mls["domains"] = [d for d in mls["domains"] if d["id"] != "modeling"]
    with pytest.raises(exam.ExamError, match=r"domain 'modeling', which MLS-C01 does not have"):
        exam.domain_pools("MLS-C01", exams, BANK)


# --- drawing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("code", CODES)
def test_a_draw_follows_the_allocation_and_the_seed(code):
    first = exam.draw(code, 2026)
    ids = [q.id for q in first]
    assert len(ids) == len(set(ids)) == exam.FULL_LENGTH
    pools = _pools(code)
    domain_of = {q.id: d for d, p in pools.items() for q in p}
    assert Counter(domain_of[i] for i in ids) == Counter(_allocate(code))
    assert [q.id for q in exam.draw(code, 2026)] == ids, "the same seed must give the same exam"
    assert [q.id for q in exam.draw(code, 2027)] != ids, "another seed should give another exam"


# --- the page ----------------------------------------------------------------------------------


def test_page_embeds_both_exams_allocations(data):
    assert [e["code"] for e in data["exams"]] == CODES
    for e in data["exams"]:
        assert {d["id"]: d["count"] for d in e["domains"]} == _allocate(e["code"])
        assert e["minutes"] == _exam(e["code"])["minutes"]
        pools = _pools(e["code"])
        for d in e["domains"]:
            assert [data["questions"][i]["id"] for i in d["pool"]] == [q.id for q in pools[d["id"]]]


def test_page_embeds_every_bank_question_exactly_once(page, data):
    assert Counter(q["id"] for q in data["questions"]) == Counter(q.id for q in BANK)
    for q in BANK:
        assert page.count(f'"id":"{q.id}"') == 1, q.id
    for q, shown in zip(BANK, data["questions"]):
        assert [o[1] for o in shown["options"]] == [int(o.correct) for o in q.options]
        assert sorted(shown["order"]) == list(range(len(q.options)))
        assert shown["answers"] == q.answer_count


def test_every_chapter_link_resolves_to_a_page_in_the_toc(data):
    pages = {p.relative_to(ROOT).with_suffix("").as_posix()
             for p in toc.page_files() if p.is_file()}
    for q in data["questions"]:
        href = data["chapters"][q["chapter"]]["href"]
        assert href.endswith(".html") and not href.startswith(("/", "http")), href
        target = posixpath.normpath(posixpath.join(exam.PAGE_FOLDER, href))[: -len(".html")]
        assert target in pages, f"{q['id']}: {href} is not a page in _toc.yml"
        assert posixpath.basename(target) == q["chapter"]


def test_page_keeps_the_dom_contract_and_hides_answers(page):
    assert page.startswith('<div class="mlbook-exam" id="mlbook-exam">')
    assert '<select name="exam">' in page
    assert re.findall(r'<option value="([^"]+)"', page) == CODES
    assert 'class="mlbook-exam-start"' in page and 'class="mlbook-exam-finish"' in page
    static = re.sub(r"<script>.*</script>", "", page, flags=re.S)
    assert "data-correct" not in static, "no answer may be in the DOM before the exam is finished"
    assert "needs JavaScript" in static, "a reader without scripts must be told why nothing works"


def test_embedded_data_cannot_break_out_of_its_script(page):
    script = page[page.index("<script>") + len("<script>"):page.rindex("</script>")]
    assert "</" not in script and "<!--" not in script


def test_page_is_deterministic_and_light(page):
    assert exam.render() == page
    assert len(page.encode("utf-8")) < PAGE_LIMIT, f"{len(page.encode())} bytes"


def test_weights_table_comes_from_the_data():
    text = exam.weights_markdown().data
    sections = re.split(r"^\*\*(?=[A-Z]{3}-C0\d\*\*)", text, flags=re.M)[1:]
    assert [s.split("**")[0] for s in sections] == CODES
    for e, section in zip(EXAMS, sections):
        counts = _allocate(e["code"])
        for d in e["domains"]:
            name = re.escape(d["name"])
            row = re.search(rf"^\| {d['number']}\. {name} \| (\d+) % \| [\d.]+ \| (\d+) \|",
                            section, flags=re.M)
            assert row, f"no row for {e['code']} {d['name']}"
            assert (int(row.group(1)), int(row.group(2))) == (d["weight"], counts[d["id"]])
            bullet = rf"^- \*\*Domain {d['number']}, {name}\*\*: .*$"
            listed = re.search(bullet, section, flags=re.M)
            line = listed.group(0) if listed else ""
            for key in d.get("chapters", []):
                assert f"/{key}.ipynb)" in line, f"{e['code']} {d['id']} does not link {key}"
        assert f"{e['minutes']} minutes" in section and e["minutes_source"] in section


def test_chapter_titles_drop_myst_roles(tmp_path):
    nb = tmp_path / "x.ipynb"
    source = "# Neural {term}`ReLU <Rectified linear unit>` and `code`\n\nText."
    nb.write_text(json.dumps({"cells": [{"cell_type": "markdown", "source": source}]}))
    assert exam._title(nb) == "Neural ReLU and code"
    nb.write_text(json.dumps({"cells": []}))
    assert exam._title(nb) == "X"
