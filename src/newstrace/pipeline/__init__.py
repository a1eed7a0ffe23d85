"""The ``trace`` pipeline: fingerprint → candidates → articles (quotes, credits, facts) → pairs (reuse, quote
matches, pairwise provenance) → links → stories, persisted in the store and resumable.

The stage functions (:mod:`.stages`) are pure over batches; the local engine (:mod:`.engine`) partitions the work
over worker processes, writes each unit with its ``stage_done`` marker in one transaction, and on a re-run only
does what has no marker (new articles, new candidate pairs). A run killed at any point and run again gives the
same rows as an uninterrupted run. Spans are **body offsets** into ``Article.text``; columns named ``*src*``
hold the same spans as offsets into the article's source (``Article.span_to_source``).

Tables (DDL in :data:`.schema.DDL`, schema ``pipeline`` version 3 in ``meta``)::

    stage_done    (stage, unit)                       marker per finished unit: 'fingerprint', 'candidates' (its
                                                      postings joined) and 'article' per article id, 'pair' per
                                                      "a_id<TAB>b_id"
    fingerprints  (article_id, hash BIGINT)           distinct content-word n-gram hashes per article
    candidates    (a_id, b_id, shared, containment)   pairs sharing >= 2 rare n-grams, a_id < b_id (updated)
    reuse         (a_id, b_id, a_share, b_share, n_passages)            pairs with at least one passage
    passages      (a_id, b_id, idx, a_start, a_end, b_start, b_end, kind, similarity,
                   a_src_start, a_src_end, b_src_start, b_src_end)      as ``newstrace compare``
    quotes        (article_id, idx, kind, speaker_text, speaker_start, speaker_end, speaker_name, speaker_role,
                   cue_text, cue_start, cue_end, content_text, content_start, content_end,
                   content_src_start, content_src_end, addressee JSON {text,start,end}, quote JSON)
    credits       (article_id, idx, outlet, kind, text, start, "end", src_start, src_end)
    quote_matches (a_id, a_idx, b_id, b_idx, match, diff JSON, misattributed)   idx: quotes.idx
    article_facts (article_id, facts JSON, features JSON)                 provenance facts, story features
    pair_links    (a_id, b_id, link JSON, facts JSON)                     pairwise decision before the corpus step
    links         (a_id, b_id, source, derived, direction, confidence, credited, churn, common_source,
                   evidence JSON [{kind, detail, weight}], untaken JSON, fresh_quotes JSON)    (updated)
    stories       (story_id, article_id, position)                        story id = its first article (rewritten)
    stage_errors  (stage, unit, error)            units whose stage raised (done, not retried; bare facts)
    story_state   (last_seq, state BLOB, part)    the story clusterer after article seq last_seq (.npz, no pickle),
                                                  in parts of at most 64 MiB, joined in part order
                                                  (a new state is written to story_state_next, then renamed)

>>> from newstrace.store import Store
>>> with Store(":memory:") as s:
...     run_pipeline(s, settings=EngineSettings(workers=1)).articles
0
"""

from __future__ import annotations

from .engine import EngineSettings, TraceReport, run_pipeline
from .results import EXPORTABLE, export_table, link_json, load_links, load_stories, story_json
from .schema import DDL, PAIR_TABLES, SCHEMA_VERSION

__all__ = ["DDL", "EXPORTABLE", "EngineSettings", "PAIR_TABLES", "SCHEMA_VERSION", "TraceReport", "export_table",
           "link_json", "load_links", "load_stories", "run_pipeline", "story_json"]
