"""The stages reuse work (quotations, credits, prepared texts, matches) and give what the library's own calls give."""

from __future__ import annotations

from gen import corpus

from newstrace.pipeline import codec
from newstrace.pipeline.stages import article_stage, pair_stage
from newstrace.provenance import article_facts, decide, pair_facts
from newstrace.quotes import match_quotes, quotes
from newstrace.reuse import compare


def test_stages_equal_the_direct_calls() -> None:
    arts = corpus(3, seed=2)
    rows = {a.id: article_stage(a) for a in arts}
    for a in arts:
        assert rows[a.id].facts[1] == codec.facts_to(article_facts(a))
    for a, b in [(arts[0], arts[1]), (arts[0], arts[2]), (arts[4], arts[5]), (arts[1], arts[3])]:
        a, b = sorted((a, b), key=lambda x: x.id)
        qa, qb = ([codec.quote_from(q[-1]) for q in rows[x.id].quotes] for x in (a, b))
        got = pair_stage(a, b, qa, qb, rows[a.id].facts[1], rows[b.id].facts[1])
        want = compare(a, b, full=False)
        assert [p[3:9] for p in got.passages] == [(p.a_start, p.a_end, p.b_start, p.b_end, str(p.kind),
                                                    float(p.similarity)) for p in want.passages]
        assert len(got.quote_matches) <= len(match_quotes(a, b, quotes(a), quotes(b)))
        pf = pair_facts(a, b)
        if got.pair_links:
            assert got.pair_links[0][3] == codec.pair_to(pf)
            lk = decide(article_facts(a), article_facts(b), pf)
            assert got.pair_links[0][2] == codec.link_to(lk)
        else:
            assert not pf.passages and not pf.quotes
