import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newstrace.align import Passage
from newstrace.errors import InputError
from newstrace.pan import PanPair, detections_xml, read_pairs, run_pan

REPO = Path(__file__).resolve().parents[1]
COPIED = ("The harbour authority closed the northern pier on Tuesday after a crane collapsed. "
          "Nobody was hurt, but three fishing boats were trapped behind the wreckage for several hours. "
          "Engineers from the port company said the crane had passed an inspection only last month.")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_pan", REPO / "bench" / "pan.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_read_pairs(tmp_path):
    f = tmp_path / "pairs"
    f.write_text("susp-1.txt src-9.txt\n\nsusp-2.txt src-3.txt\n")
    assert read_pairs(f) == [PanPair("susp-1.txt", "src-9.txt"), PanPair("susp-2.txt", "src-3.txt")]
    f.write_text("only-one-name\n")
    with pytest.raises(InputError):
        read_pairs(f)
    with pytest.raises(InputError):
        read_pairs(tmp_path / "missing")


def test_detections_xml_round_trip():
    pair = PanPair("suspicious-document00001.txt", "source-document00007.txt")
    assert pair.out_name == "suspicious-document00001-source-document00007.xml"
    root = ET.fromstring(detections_xml(pair, [Passage(10, 30, 5, 40, "edited", 0.8)]))
    assert root.get("reference") == pair.susp
    (f,) = root.iter("feature")
    assert f.attrib == {"name": "detected-plagiarism", "this_offset": "10", "this_length": "20",
                        "source_reference": pair.src, "source_offset": "5", "source_length": "35"}


@pytest.mark.parametrize("workers", [1, 2])
def test_run_pan_on_invented_documents(tmp_path, workers):
    src, susp, out = tmp_path / "src", tmp_path / "susp", tmp_path / "out"
    src.mkdir()
    susp.mkdir()
    (src / "s1.txt").write_text("Chess tickets sold out in an hour.\n" + COPIED + "\nThe museum opens in May.\n")
    (susp / "x1.txt").write_text("Farmers reported the lowest rainfall in years.\n\n" + COPIED)
    (src / "s2.txt").write_text("Volunteers planted two thousand oak saplings along the river bank on Saturday.")
    pairs = [PanPair("x1.txt", "s1.txt"), PanPair("x1.txt", "s2.txt")]
    assert run_pan(pairs, src, susp, out, workers=workers) == 1
    (f,) = ET.parse(out / "x1-s1.xml").getroot().iter("feature")
    t0, tl = int(f.get("this_offset")), int(f.get("this_length"))
    assert (susp / "x1.txt").read_text()[t0 : t0 + tl] == COPIED
    assert list(ET.parse(out / "x1-s2.xml").getroot().iter("feature")) == []


def test_measures_match_the_definition():
    m = _bench().measures
    perfect = m([([(0, 100, 0, 100)], [(0, 100, 0, 100)])])
    assert perfect["plagdet"] == pytest.approx(1.0)
    split = m([([(0, 100, 0, 100)], [(0, 50, 0, 50), (50, 50, 50, 50)])])
    assert split["granularity"] == 2 and split["recall"] == pytest.approx(1.0)
    assert split["plagdet"] == pytest.approx(1 / 1.584962500721156)
    half = m([([(0, 100, 0, 100)], [(0, 200, 0, 200)])])
    assert half["precision"] == pytest.approx(0.5)
    assert m([([], [(0, 10, 0, 10)])])["precision"] == 0.0


@pytest.mark.shared
@pytest.mark.slow
def test_pan13_floor_on_a_sample(shared_data, tmp_path):
    """A regression floor on every 40th pair of each pan13-train sub-corpus (about 130 pairs, a few seconds)."""
    corpus = shared_data / "pan13-train"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} not found")
    bench = _bench()
    scored = []
    for sub in sorted(d for d in corpus.iterdir() if d.name[:2] in ("02", "03", "04")):
        pairs = read_pairs(sub / "pairs")[::40]
        run_pan(pairs, corpus / "src", corpus / "susp", tmp_path, workers=1)
        scored += [(bench._features(sub / p.out_name, "plagiarism"),
                    bench._features(tmp_path / p.out_name, "detected-plagiarism")) for p in pairs]
    assert bench.measures(scored)["plagdet"] >= 0.85


def test_cli_pan(tmp_path):
    from typer.testing import CliRunner

    from newstrace.cli import app

    (tmp_path / "src").mkdir()
    (tmp_path / "susp").mkdir()
    (tmp_path / "src" / "s.txt").write_text("Chess tickets sold out in an hour.\n" + COPIED)
    (tmp_path / "susp" / "x.txt").write_text(COPIED + "\nThe museum opens in May.")
    (tmp_path / "pairs").write_text("x.txt s.txt\n")
    res = CliRunner().invoke(app, ["pan", str(tmp_path / "pairs"), str(tmp_path / "src"), str(tmp_path / "susp"),
                                   str(tmp_path / "out"), "-j", "1"])
    assert res.exit_code == 0, res.output
    (f,) = ET.parse(tmp_path / "out" / "x-s.xml").getroot().iter("feature")
    assert f.get("this_offset") == "0" and f.get("source_offset") == str(len("Chess tickets sold out in an hour.\n"))
    res = CliRunner().invoke(app, ["pan", str(tmp_path / "nope"), "a", "b", "c"])
    assert res.exit_code == 2
