"""Actions on motions: propose, amend, vote (roll call or secret assembly vote), close,
forward; and the end of a ratification period."""

from __future__ import annotations

from collections import Counter

from sovet import rules
from sovet.actions.common import new_id
from sovet.constitution import BreachAction
from sovet.errors import InputError, NotOpen
from sovet.federation.motions import vote_deadline
from sovet.model import BodyKind, Choice, Motion, MotionKind, MotionStatus
from sovet.storage import Database

__all__ = [
    "amend_motion",
    "close_motion",
    "decide_amendment",
    "expire_ratification",
    "forward_motion",
    "open_voting",
    "propose_motion",
    "vote",
]


def propose_motion(
    db: Database,
    *,
    actor: str,
    body: str,
    title: str,
    text: str,
    kind: MotionKind | str = MotionKind.ORDINARY,
    matter: str | None = None,
    payload: dict[str, str] | None = None,
    motion_id: str | None = None,
    at: str | None = None,
) -> Motion:
    """A member (in a unit) or a seated delegate (in a council) puts a motion.

    Votes in a council are open roll calls; in a unit's assembly they are secret when
    the constitution says so.
    """
    kind = MotionKind(kind)
    payload = dict(payload or {})
    if not title.strip():
        raise InputError("a motion needs a title")
    with db.writing() as w:
        s = w.state
        rules.check_propose(s, actor, body, kind, matter, payload)
        mid = motion_id or new_id("mo")
        if mid in s.motions:
            raise InputError(f"motion id {mid!r} is taken")
        secret = s.kind_of(body) is BodyKind.UNIT and rules.body_rules(s, body).secret_ballot
        session = rules.open_session_of(s, body) if body in s.councils else None
        data: dict[str, object] = {
            "id": mid,
            "body": body,
            "title": title,
            "text": text,
            "kind": kind.value,
            "matter": matter,
            "secret": secret,
            "payload": payload,
        }
        if session is not None:
            data["session"] = session.id
        w.append("motion.proposed", actor, data, at=at)
    return db.state.motions[mid]


def amend_motion(db: Database, *, actor: str, motion: str, text: str, at: str | None = None) -> str:
    with db.writing() as w:
        m = w.state.get("motions", motion)
        if m.status is not MotionStatus.OPEN:
            raise NotOpen(f"motion {motion} no longer takes amendments")
        if actor not in w.state.voters_of(m.body):
            rules.check_propose(w.state, actor, m.body, MotionKind.ORDINARY, None, {})
        aid = f"{motion}:a{len(m.amendments) + 1}"
        w.append("motion.amended", actor, {"motion": motion, "id": aid, "text": text}, at=at)
    return aid


def decide_amendment(
    db: Database,
    *,
    actor: str,
    motion: str,
    amendment: str,
    accepted: bool,
    new_text: str | None = None,
    at: str | None = None,
) -> None:
    """The convenors record the body's decision on an amendment (and the amended text)."""
    with db.writing() as w:
        m = w.state.get("motions", motion)
        rules.check_convenor(w.state, actor, m.body)
        if not any(a.id == amendment and a.status == "proposed" for a in m.amendments):
            raise InputError(f"no undecided amendment {amendment!r} on motion {motion}")
        data: dict[str, object] = {"motion": motion, "amendment": amendment, "accepted": accepted}
        if accepted and new_text is not None:
            data["new_text"] = new_text
        w.append("amendment.decided", actor, data, at=at)


def open_voting(db: Database, *, actor: str, motion: str, at: str | None = None) -> None:
    """A convenor opens the vote: a council's only in session with its quorum present.
    The deadline (``voting_days`` of the body's rules) and the electorate are fixed now."""
    with db.writing() as w:
        m = w.state.get("motions", motion)
        rules.check_open_voting(w.state, actor, m)
        now = at or db.clock()
        deadline = vote_deadline(w.state, m, now)
        w.append("motion.voting", actor, {"motion": motion, "deadline": deadline}, at=now)


def vote(
    db: Database, *, actor: str, motion: str, choice: Choice | str, at: str | None = None
) -> str | None:
    """Vote on a motion. A roll call is public, and a delegate's vote against a binding
    instruction of their constituency is flagged (and, if the constitution says so,
    opens a recall petition). A secret assembly vote returns a receipt."""
    try:
        choice = Choice(choice)
    except ValueError:
        raise InputError(f"a vote is yes, no or abstain, not {choice!r}") from None
    with db.writing() as w:
        s = w.state
        m = s.get("motions", motion)
        now = at or db.clock()
        rules.check_vote(s, actor, m, choice, now)
        if m.secret:
            receipt = w.seal_ballot(motion, [choice.value])
            w.append("vote.cast", actor, {"motion": motion, "member": actor}, at=now)
            return receipt
        data: dict[str, object] = {"motion": motion, "member": actor, "choice": choice.value}
        breach = rules.breach_of_instruction(s, actor, m, choice)
        if breach is not None:
            data["breach"] = breach.id
            if s.rules().recall.on_breach is BreachAction.OPEN_PETITION:
                data["petition"] = f"p-{motion}-{breach.id}"
        w.append("vote.cast", actor, data, at=now)
    return None


def close_motion(db: Database, *, actor: str, motion: str, at: str | None = None) -> Motion:
    """Close the vote: after its deadline anyone may (the sweeper does, as
    ``rules.DEADLINE``); before it a convenor, once every voter has voted. A secret vote's
    sealed box is opened and only its tally published. A vote short of its quorum closes
    as *not decided* (``quorate: false``), with no consequence."""
    with db.writing() as w:
        s = w.state
        m = s.get("motions", motion)
        now = at or db.clock()
        voted = len(m.voters)
        rules.check_close_motion(s, actor, m, voted, now)
        data: dict[str, object] = {"motion": motion}
        if m.secret:
            counts = Counter(k[0] for _, k in db.sealed_ballots_in(w.conn, motion))
            data["tally"] = {c.value: counts.get(c.value, 0) for c in Choice}
        if not rules.quorate(s, m, voted):
            data["quorate"] = False
        w.append("motion.closed", actor, data, at=now)
    return db.state.motions[motion]


def forward_motion(
    db: Database, *, actor: str, motion: str, to: str, at: str | None = None
) -> Motion:
    """Send a motion on to another body (e.g. from a district soviet to the city soviet),
    where it is a new motion under that body's own rules: its secrecy, quorum, majority,
    and only the effects that body may have (see :func:`rules.check_forward`)."""
    with db.writing() as w:
        m = w.state.get("motions", motion)
        s = w.state
        rules.check_forward(s, actor, m, to)
        new = f"{motion}>{to}"
        if new in s.motions:
            raise InputError(f"motion {motion} was already forwarded to {to}")
        data: dict[str, object] = {
            "motion": motion,
            "to": to,
            "new_id": new,
            # the receiving body's own secrecy: a council votes by open roll call
            "secret": s.kind_of(to) is BodyKind.UNIT and rules.body_rules(s, to).secret_ballot,
        }
        session = rules.open_session_of(s, to) if to in s.councils else None
        if session is not None:
            data["session"] = session.id
        w.append("motion.forwarded", actor, data, at=at)
    return db.state.motions[new]


def expire_ratification(db: Database, *, actor: str, motion: str, at: str | None = None) -> None:
    """After its period, a ratification that did not gather its majority fails."""
    with db.writing() as w:
        now = at or db.clock()
        rules.check_expire_ratification(w.state, motion, now)
        if actor not in (rules.OPERATOR, rules.DEADLINE):
            w.state.member(actor)
        w.append("ratification.expired", actor, {"motion": motion}, at=now)
