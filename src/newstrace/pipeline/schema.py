"""The pipeline's tables (DDL) and the helpers that read and write them with parameters."""

from __future__ import annotations

from ..store import Store

__all__ = ["DDL", "PAIR_TABLES", "SCHEMA", "SCHEMA_VERSION", "ensure"]

SCHEMA = "pipeline"
SCHEMA_VERSION = 4

DDL = [
    # candidates, links and stories change in one transaction per run each (no keys: DuckDB checks a
    # deleted-then-reinserted key eagerly); the other tables only grow, one transaction per unit batch.
    # one row per finished unit of work: stage 'fingerprint' / 'article' per article id, 'pair' per "a_id b_id"
    """CREATE TABLE IF NOT EXISTS stage_done (stage VARCHAR NOT NULL, unit VARCHAR NOT NULL,
        PRIMARY KEY (stage, unit))""",
    """CREATE TABLE IF NOT EXISTS fingerprints (article_id VARCHAR NOT NULL, hash BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS candidates (a_id VARCHAR NOT NULL, b_id VARCHAR NOT NULL, shared BIGINT,
        containment DOUBLE)""",
    """CREATE TABLE IF NOT EXISTS reuse (a_id VARCHAR NOT NULL, b_id VARCHAR NOT NULL, a_share DOUBLE,
        b_share DOUBLE, n_passages INTEGER, PRIMARY KEY (a_id, b_id))""",
    """CREATE TABLE IF NOT EXISTS passages (a_id VARCHAR NOT NULL, b_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
        a_start INTEGER, a_end INTEGER, b_start INTEGER, b_end INTEGER, kind VARCHAR, similarity DOUBLE,
        a_src_start INTEGER, a_src_end INTEGER, b_src_start INTEGER, b_src_end INTEGER,
        PRIMARY KEY (a_id, b_id, idx))""",
    """CREATE TABLE IF NOT EXISTS quotes (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, kind VARCHAR,
        speaker_text VARCHAR, speaker_start INTEGER, speaker_end INTEGER, speaker_name VARCHAR, speaker_role VARCHAR,
        cue_text VARCHAR, cue_start INTEGER, cue_end INTEGER,
        content_text VARCHAR, content_start INTEGER, content_end INTEGER,
        content_src_start INTEGER, content_src_end INTEGER, addressee JSON, quote JSON,
        PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS credits (article_id VARCHAR NOT NULL, idx INTEGER NOT NULL, outlet VARCHAR,
        kind VARCHAR, text VARCHAR, start INTEGER, "end" INTEGER, src_start INTEGER, src_end INTEGER,
        PRIMARY KEY (article_id, idx))""",
    """CREATE TABLE IF NOT EXISTS article_facts (article_id VARCHAR PRIMARY KEY, facts JSON, features JSON)""",
    """CREATE TABLE IF NOT EXISTS quote_matches (a_id VARCHAR NOT NULL, a_idx INTEGER NOT NULL,
        b_id VARCHAR NOT NULL, b_idx INTEGER NOT NULL, match VARCHAR, diff JSON, misattributed BOOLEAN,
        PRIMARY KEY (a_id, a_idx, b_id, b_idx))""",
    """CREATE TABLE IF NOT EXISTS pair_links (a_id VARCHAR NOT NULL, b_id VARCHAR NOT NULL, link JSON,
        facts JSON, PRIMARY KEY (a_id, b_id))""",
    """CREATE TABLE IF NOT EXISTS links (a_id VARCHAR NOT NULL, b_id VARCHAR NOT NULL, source VARCHAR,
        derived VARCHAR, direction VARCHAR, confidence DOUBLE, credited BOOLEAN, churn DOUBLE,
        common_source VARCHAR, evidence JSON, untaken JSON, fresh_quotes JSON)""",
    """CREATE TABLE IF NOT EXISTS stories (story_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL,
        position INTEGER)""",
    # the story clusterer after the article of seq ``last_seq``, its archive cut into parts in ``part`` order
    # (replaced with ``stories``). One BLOB would not do: Arrow's binary arrays hold at most 2 GiB, and a 1M-article
    # state is about 2.6 GB. Version 3 stores had one row and no ``part``: the ALTER gives it part 0.
    """CREATE TABLE IF NOT EXISTS story_state (last_seq BIGINT, state BLOB, part INTEGER DEFAULT 0)""",
    """ALTER TABLE story_state ADD COLUMN IF NOT EXISTS part INTEGER DEFAULT 0""",
    # a unit whose stage raised: done (not retried), with no rows but the article's bare facts
    """CREATE TABLE IF NOT EXISTS stage_errors (stage VARCHAR NOT NULL, unit VARCHAR NOT NULL, error VARCHAR)""",
]

# Tables keyed by a candidate pair (a_id, b_id): rows of a pair that is no longer a candidate are dropped.
PAIR_TABLES = ("reuse", "passages", "quote_matches", "pair_links")


def ensure(store: Store) -> None:
    """Create the pipeline tables once per schema version."""
    store.ensure_schema(SCHEMA, DDL, version=SCHEMA_VERSION)
