"""The daily cap's counter: billable turns per UTC day, counted atomically across workers."""
from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import get_session
from .models import DailyUsage


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def cap_reached(cap: int, session: Session | None = None) -> bool:
    """Whether today's billable turns already reached ``cap`` (a check; consumes nothing)."""
    session = session or get_session()
    turns = session.scalar(sa.select(DailyUsage.turns).where(DailyUsage.day == utc_today()))
    return (turns or 0) >= cap


def reserve_turn(session: Session, cap: int) -> bool:
    """Count one billable turn for today unless that would pass ``cap`` (0 = no cap).

    One conditional UPDATE decides, so racing workers can never together exceed the cap.
    """
    today = utc_today()
    statement = sa.update(DailyUsage).where(DailyUsage.day == today)
    if cap:
        statement = statement.where(DailyUsage.turns < cap)
    statement = statement.values(turns=DailyUsage.turns + 1)
    if session.execute(statement).rowcount == 1:
        session.commit()
        return True
    if session.get(DailyUsage, today) is not None:
        session.commit()
        return False  # today's row exists, so the cap is what refused
    try:
        with session.begin_nested():
            session.add(DailyUsage(day=today, turns=0))
    except IntegrityError:
        pass  # another worker created today's row first
    granted = session.execute(statement).rowcount == 1
    session.commit()
    return granted
