"""The server closes votes past their deadline by itself, every deadline_interval seconds."""

from __future__ import annotations

import asyncio
import concurrent.futures

from fastapi import FastAPI

from sovet import actions
from sovet.model import MotionStatus
from sovet.storage import Database
from sovet.web.app import sweep_deadlines


def test_the_server_sweeps_votes_past_their_deadline(app: FastAPI, web_db: Database) -> None:
    motion = actions.propose_motion(web_db, actor="a2", body="u1", title="Strike", text="")
    actions.open_voting(web_db, actor="a1", motion=motion.id)
    actions.vote(web_db, actor="a3", motion=motion.id, choice="yes")
    deadline = web_db.state.motions[motion.id].deadline
    assert deadline is not None

    async def sweep_a_while() -> None:
        sweeper = asyncio.create_task(sweep_deadlines(app.state.store, 0.01))
        await asyncio.sleep(0.3)
        assert web_db.state.motions[motion.id].status is MotionStatus.VOTING  # not yet due
        web_db.clock = lambda: deadline
        for _ in range(200):
            await asyncio.sleep(0.02)
            if web_db.state.motions[motion.id].status is not MotionStatus.VOTING:
                break
        sweeper.cancel()

    # in a thread of its own: an earlier test (a browser's) may leave an event loop
    # running in this one, and asyncio.run refuses to nest
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, sweep_a_while()).result()
    assert web_db.state.motions[motion.id].status is MotionStatus.PASSED
