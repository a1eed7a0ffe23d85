"""Where stored stages are read from: per stage, the schemas it can come in and the rows' conversions."""

from __future__ import annotations

import json
from typing import Any

from .model import LinkView, PassageView, QuoteMatchView

__all__ = ["STAGE_SOURCES", "link_row", "match_row", "passage_row"]

# First the pipeline's tables (newstrace.pipeline.schema), then the plain layout in the module docstring.
_QM_PIPELINE = ("SELECT m.a_id AS a, m.b_id AS b, qa.content_start AS a_start, qa.content_end AS a_end, "
                "qb.content_start AS b_start, qb.content_end AS b_end, m.match, m.diff, m.misattributed, "
                "qa.speaker_name AS speaker_a, qb.speaker_name AS speaker_b FROM quote_matches m "
                "JOIN quotes qa ON qa.article_id = m.a_id AND qa.idx = m.a_idx "
                "JOIN quotes qb ON qb.article_id = m.b_id AND qb.idx = m.b_idx")
STAGE_SOURCES: dict[str, list[tuple[dict[str, tuple[str, ...]], str]]] = {
    "stories": [({"stories": ("story_id", "article_id")}, "SELECT story_id AS story, article_id AS article FROM stories"),
                ({"stories": ("story", "article")}, "SELECT story, article FROM stories")],
    "links": [({"links": ("a_id", "b_id", "direction")},
               "SELECT a_id AS a, b_id AS b, direction, confidence, credited, churn, common_source, evidence "
               "FROM links"),
              ({"links": ("a", "b", "direction")}, "SELECT * FROM links")],
    "passages": [({"passages": ("a_id", "b_id", "a_start", "a_end", "b_start", "b_end", "kind")},
                  "SELECT a_id AS a, b_id AS b, a_start, a_end, b_start, b_end, kind, similarity FROM passages"),
                 ({"passages": ("a", "b", "a_start", "a_end", "b_start", "b_end", "kind")}, "SELECT * FROM passages")],
    "quotes": [({"quotes": ("article_id", "content_start", "content_end", "speaker_name")},
                'SELECT article_id AS article, content_start AS start, content_end AS "end", kind, '
                "speaker_name AS speaker, speaker_role AS role FROM quotes"),
               ({"quotes": ("article", "start", "end")}, "SELECT * FROM quotes")],
    "credits": [({"credits": ("article_id", "outlet", "start", "end")},
                 'SELECT article_id AS article, outlet, kind, start, "end" FROM credits'),
                ({"credits": ("article", "outlet", "start", "end")}, "SELECT * FROM credits")],
    "quote_matches": [({"quote_matches": ("a_id", "a_idx", "b_id", "b_idx", "match"),
                        "quotes": ("article_id", "idx", "content_start", "speaker_name")}, _QM_PIPELINE),
                      ({"quote_matches": ("a", "b", "a_start", "a_end", "b_start", "b_end", "match")},
                       "SELECT * FROM quote_matches")],
}


def _dicts(value: Any) -> tuple[dict, ...]:
    """The objects of a JSON list column (stored as text or already decoded); unreadable text gives none."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return ()
    return tuple(x for x in (value or []) if isinstance(x, dict))


def link_row(r: dict[str, Any]) -> LinkView:
    churn = r.get("churn")
    return LinkView(r["a"], r["b"], r.get("direction") or "unknown", round(float(r.get("confidence") or 0.0), 3),
                    r.get("credited"), None if churn is None else round(float(churn), 3), r.get("common_source"),
                    _dicts(r.get("evidence")))


def passage_row(r: dict[str, Any]) -> PassageView:
    return PassageView(int(r["a_start"]), int(r["a_end"]), int(r["b_start"]), int(r["b_end"]), str(r["kind"]),
                       float(r.get("similarity") or 0.0))


def match_row(r: dict[str, Any]) -> QuoteMatchView:
    return QuoteMatchView(int(r["a_start"]), int(r["a_end"]), int(r["b_start"]), int(r["b_end"]), str(r["match"]),
                          _dicts(r.get("diff")), bool(r.get("misattributed")),
                          r.get("speaker_a"), r.get("speaker_b"))
