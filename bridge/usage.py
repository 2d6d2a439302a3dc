"""What the assistant costs: the daily cap's turn counter, token usage priced from the
settings' table, and the monthly budget measured from recorded costs."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def month_start(now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_spend(session: Session, now: datetime | None = None) -> Decimal:
    """Recorded model cost since the first of this UTC month (unknown costs count 0)."""
    spent = session.scalar(sa.select(sa.func.sum(AnalyticsEvent.cost_usd))
                           .where(AnalyticsEvent.created_at >= month_start(now)))
    return Decimal(spent or 0)


def over_budget(session: Session, budget: float) -> bool:
    return budget > 0 and month_spend(session) >= Decimal(str(budget))


def utc_today() -> date:
    return datetime.now(timezone.utc).date()


def cap_reached(cap: int, session: Session) -> bool:
    """Whether today's billable turns already reached ``cap`` (a check; consumes nothing)."""
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
