"""The sample constitution: the text of ``docs/sample-constitution.toml``."""

from __future__ import annotations

from sovet.constitution.check import parse_constitution
from sovet.constitution.model import Constitution

__all__ = ["DEFAULT_CONSTITUTION", "default_constitution"]

DEFAULT_CONSTITUTION = """\
# A sample constitution for a federation of councils.
#
# Sovet reads the federation's rules from a TOML file like this one.
# Check a file with:   sovet constitution check docs/sample-constitution.toml
# See it as data with: sovet constitution show docs/sample-constitution.toml --json
# Every key is explained in docs/constitution.md.
#
# Shares may be written as "2/3", "50%", 0.5 or 1 (decimals are read exactly).
# A "majority" is a share that must be EXCEEDED: majority = "1/2" means more
# than half of the votes cast, counting yes against yes + no (abstentions and
# absent delegates are not votes cast).

[federation]
# The federation's name, as shown on every page and in the public log.
name = "Sample federation of councils"
# Raise the version by one with every amendment; the log records each version.
version = 1

# Rules for every body (a base unit's assembly and committee, or a council of
# delegates) unless a [kinds.*] or [bodies.*] table below says otherwise.
# Every key here is required except max_seats.
[defaults]
# How a body's seats are filled: plurality, two-round, approval, borda, irv,
# scottish-stv, meek-stv, schulze, ranked-pairs, copeland, minimax, phragmen.
election_method = "scottish-stv"
# How a council's seats are shared among its constituents by membership when
# max_seats is set: dhondt, sainte-lague, modified-sainte-lague, hare, droop,
# huntington-hill, webster, adams.
apportionment = "sainte-lague"
# One delegate for each full 100 members of a constituent ...
members_per_delegate = 100
# ... and never fewer than one, however small the constituent.
min_delegates = 1
# No cap on a council's size unless a kind or body sets max_seats.
# max_seats = 500
# Seats on a base unit's committee.
committee_seats = 5
# Share of the seated delegates (in a council) or of the members (in an
# assembly) who must be present for a decision.
quorum = "1/2"
# A motion passes with more than this share of the votes cast.
majority = "1/2"
# Length of a mandate, in days; delegates can be recalled at any time.
term_days = 365
# Members vote in their assemblies by secret ballot. Delegates in a council
# always vote by open roll call, whatever this says.
secret_ballot = true
# Every vote (a motion, an election, a budget) closes by itself this many days
# after it opens; it closes earlier only when every voter has voted.
voting_days = 7
# Elections take nominations for this many days before voting opens. Any
# member may stand; nominating someone else takes this many members.
nomination_days = 7
nominators = 1
# Who admits a new member to a unit: its elected "convenors", or its
# "assembly" by vote. Any member may challenge an admission before the assembly.
admission = "convenors"

# Base units: workplace and village committees, neighbourhoods, union locals,
# co-ops. Their general assembly is all their members.
[kinds.unit]
committee_seats = 7
# A fifth of the members make a quorum of a general assembly.
quorum = "1/5"
term_days = 180

# Councils of delegates: city and district soviets, industrial federations.
[kinds.council]
members_per_delegate = 1000

# A kind may be named after a council's level: these rules apply to every
# council of level "congress", over those of [kinds.council]. The congress
# has a fixed number of seats, shared among its constituents by membership.
[kinds.congress]
max_seats = 600
apportionment = "huntington-hill"
election_method = "meek-stv"

# Rules for one body, by its id, over those of its kind. "kind" (optional)
# names the kind it is; Sovet checks that against the federation.
[bodies.federation-congress]
kind = "congress"
# Two thirds of the seated delegates must be present.
quorum = "2/3"

[recall]
# Signatures of a fifth of a delegate's own constituents open a recall vote.
petition_threshold = "1/5"
# The delegate is recalled by more than half of the votes cast.
majority = "1/2"
# The seat goes to the next candidate on the delegate's list
# ("next-on-list"), or to a new election ("by-election").
replacement = "next-on-list"
# A vote against a binding instruction is always flagged in public; with
# "open-petition" it also opens a recall petition ("flag": nothing more).
on_breach = "open-petition"
# How long a recall vote stays open.
voting_days = 14

# A decision on a reserved matter takes effect only when the base ratifies it:
# more than half of the constituent units, which together hold more than half
# of the members.
[ratification]
units = "1/2"
members = "1/2"
period_days = 60

# Amending this constitution is a motion: it needs more than two thirds of
# the council's votes, then ratification by more than two thirds of the units
# holding more than half of the members.
[amendment]
majority = "2/3"
units = "2/3"
members = "1/2"
period_days = 90

[matters]
# Matters a council may decide only subject to ratification from below.
reserved = [
    "constitution",         # every amendment of this constitution
    "plan",                 # the production plan
    "federation.dissolve",  # dissolving the federation
    "war-and-peace",        # war, peace and armed defence
]

# Offices every body fills by election from its own voters (a unit's members,
# a council's seated delegates), by this method, for this many seats and days.
# Office holders are recalled like delegates. [offices.convenor] is required;
# add others (a secretary, tellers) as [offices.<name>] tables.
[offices.convenor]
seats = 2
method = "scottish-stv"
term_days = 365

# Members force action by petition: signatures of this share of a unit's
# members, or of a council's seated delegates, convene the assembly or session
# within notice_days, open an election or a recall vote, or put a motion on
# the next agenda. No convenor can sit on it.
[petitions]
members = "1/10"
delegates = "1/3"
notice_days = 7
period_days = 30

# Members found a faction themselves: this many founders sign its founding.
[factions]
founders = 3

# How a base unit (a village or land committee, a housing co-op, a neighbourhood)
# divides its own land or housing among its households; no council can do it for
# them. This table is optional: without it, land goes per eater, in blocks.
[land]
# Who counts in a household's share: "per_eater" (everyone it feeds, the
# consumption norm) or "per_worker" (its workers, the labour norm).
norm = "per_eater"
# How parcels may be cut: "strips" (a share of every parcel), "blocks" (parcels
# in order of quality, cut into consecutive blocks) or "whole" (never cut; the
# envy left is reported). A division may choose another way.
cut = "blocks"
"""
"""A sensible constitution to start from: the text of ``docs/sample-constitution.toml``."""


def default_constitution() -> Constitution:
    """:data:`DEFAULT_CONSTITUTION`, parsed.

    >>> default_constitution().ratification.units
    Fraction(1, 2)
    """
    return parse_constitution(DEFAULT_CONSTITUTION, source="<default constitution>")
