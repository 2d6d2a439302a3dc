"""What the assistant costs: the daily cap's turn counter, and model use, which every
caller records here and checks against the monthly budget here.

Usage: one model call's tokens. model_event / record: the analytics row of some calls (tokens
summed, cost priced from the settings' table). budget_spent: whether this month's recorded
cost reached the budget. reserve_turn / cap_reached: the daily cap (counted only while a cap is set).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from .db import utc_now
from .models import AnalyticsEvent, DailyUsage

MILLION = Decimal(1_000_000)


@dataclass
class Usage:
    """Tokens of one model call, as the provider reported them."""

    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


def cost(usage: list[Usage], prices: dict) -> Decimal | None:
    """The price of these calls in US dollars; None when any model's price is unknown."""
    total = Decimal(0)
    for call in usage:
        price = prices.get(call.model)
        if not isinstance(price, dict):
            return None
        try:
            total += (Decimal(str(price["input"])) * call.input_tokens
                      + Decimal(str(price["output"])) * call.output_tokens
                      + Decimal(str(price.get("cache_read", price["input"]))) * call.cache_read_tokens
                      + Decimal(str(price.get("cache_write", price["input"]))) * call.cache_write_tokens
                      ) / MILLION
        except (KeyError, ArithmeticError, ValueError):
            return None
    return total.quantize(Decimal("0.000001"))


def model_event(kind: str, channel: str, calls: list[Usage], prices: dict, *,
                provider: str | None = None, detail: dict | None = None,
                created_at: datetime | None = None, **fields) -> AnalyticsEvent:
    """The analytics row of these model calls: tokens summed, priced, the models named.

    ``provider`` defaults to the calls' own; ``fields`` are other columns
    (``conversation_ref``, ``degraded``). The caller adds the row to its transaction.
    """
    if provider is None and calls:
        provider = calls[-1].provider
    return AnalyticsEvent(
        kind=kind, channel=channel[:20], provider=provider,
        input_tokens=sum(u.input_tokens for u in calls),
        output_tokens=sum(u.output_tokens for u in calls),
        cached_tokens=sum(u.cache_read_tokens for u in calls),
        cache_write_tokens=sum(u.cache_write_tokens for u in calls),
        cost_usd=cost(calls, prices), created_at=created_at or utc_now(),
        detail={**(detail or {}), "models": sorted({u.model for u in calls})}, **fields)


def record(sessions: sessionmaker, kind: str, channel: str, calls: list[Usage], prices: dict,
           **fields) -> None:
    """Store the analytics row of model calls made outside a turn (a vision search, a draft)."""
    with sessions.begin() as session:
        session.add(model_event(kind, channel, calls, prices, **fields))


def month_start(now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_spend(session: Session, now: datetime | None = None) -> Decimal:
    """Recorded model cost since the first of this UTC month (unknown costs count 0)."""
    spent = session.scalar(sa.select(sa.func.sum(AnalyticsEvent.cost_usd))
                           .where(AnalyticsEvent.created_at >= month_start(now)))
    return Decimal(spent or 0)


def budget_spent(sessions: sessionmaker, budget: float) -> bool:
    """Whether a monthly budget is set (> 0) and this month's recorded cost reached it.

    Every model call checks this first: a turn answers offline, a vision search and a draft
    go without the model.
    """
    if budget <= 0:
        return False
    with sessions() as session:
        return month_spend(session) >= Decimal(str(budget))


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def cap_reached(cap: int, session: Session) -> bool:
    """Whether today's billable turns already reached ``cap`` (a check; consumes nothing)."""
    turns = session.scalar(sa.select(DailyUsage.turns).where(DailyUsage.day == utc_today()))
    return (turns or 0) >= cap


def reserve_turn(session: Session, cap: int) -> bool:
    """Count one billable turn for today unless that would pass ``cap``; with no cap (0)
    nothing is counted or written, so such a turn's only write is its save (the database
    is still asked to answer).

    One conditional UPDATE decides, so racing workers can never together exceed the cap.
    It commits before the turn runs: held open until the turn's save, it would lock the
    counter (on SQLite the whole database) for as long as a model thinks.
    """
    if not cap:
        # No write, but the connection is checked out (and pinged): a turn whose save
        # can't land is refused with a 503 before it starts, not after it has streamed.
        session.connection()
        return True
    today = utc_today()
    statement = sa.update(DailyUsage).where(DailyUsage.day == today,
                                            DailyUsage.turns < cap)
    statement = statement.values(turns=DailyUsage.turns + 1)
    if session.execute(statement).rowcount == 1:
        session.commit()
        return True
    if session.get(DailyUsage, today) is not None:
        # Today's row exists: either the cap refused, or a racing worker created the row
        # after our UPDATE looked. Asking again tells which.
        granted = session.execute(statement).rowcount == 1
        session.commit()
        return granted
    try:
        with session.begin_nested():
            session.add(DailyUsage(day=today, turns=0))
    except IntegrityError:
        pass  # another worker created today's row first
    granted = session.execute(statement).rowcount == 1
    session.commit()
    return granted
