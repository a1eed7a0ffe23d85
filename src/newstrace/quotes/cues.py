"""The cue lexicon: reporting verbs and phrases that introduce what someone said, wrote or thought.

Words are matched by Snowball stem, so "said", "says", "saying" all hit "say". The lists were drawn up by hand
from reporting-verb inventories and checked against the cue words of the PolNeAR *train* split.
"""

from __future__ import annotations

from ..tokens import stem

__all__ = ["SPEECH", "THOUGHT", "cue_class", "SPEAKER_ROLES", "PRONOUNS"]

SPEECH = frozenset(stem(w) for w in """
say said tell told add note write wrote ask announce report tweet argue explain declare claim state stated insist
warn promise pledge vow reply respond answer suggest acknowledge admit deny recall continue conclude comment
describe call urge accuse criticize criticise praise remark observe predict testify confirm allege charge assert
boast complain concede contend emphasize emphasise stress mention reveal disclose indicate point quip joke
repeat reiterate recount caution threaten demand recommend propose counter retort shout yell whisper post
posted say write cite quote dismiss blast slam attack defend thank question wonder announced inform
""".split())

THOUGHT = frozenset(stem(w) for w in """
think believe know feel hope fear expect want wish worry doubt consider see view regard suspect assume
understand imagine guess agree disagree support oppose plan intend decide seem appear show find suggest
estimate predict prefer like dislike love hate reckon realize realise remember forget
""".split())

# Words that name a speaker's role ("spokesman", "chief"); used as features and by speaker resolution.
SPEAKER_ROLES = frozenset("""
spokesman spokeswoman spokesperson official officials aide aides adviser advisor advisers chief commander
president minister secretary senator sen governor gov leader chairman chairwoman director analyst analysts
expert experts source sources officer general representative rep candidate nominee campaign manager
strategist pollster professor economist ambassador lawyer attorney judge mayor chair ceo founder head
""".split())

PRONOUNS = frozenset("he she they it we i you who his her their".split())

_PHRASES = {"according": "acc", "accord": "acc"}


def cue_class(word: str) -> str | None:
    """'speech', 'thought', 'acc' (according to) or None for a word (any case)."""
    low = word.lower()
    if low in _PHRASES:
        return _PHRASES[low]
    s = stem(low)
    if s in SPEECH:
        return "speech"
    if s in THOUGHT:
        return "thought"
    return None
