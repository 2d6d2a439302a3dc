"""The API keys' tables: the keys (hashed, never the key itself) and which store customer an
app's user is, per key."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utc_now


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)  # "ak_" + 10 hex
    name: Mapped[str] = mapped_column(sa.String(100))
    mode: Mapped[str] = mapped_column(sa.String(4))  # "live" or "test"
    # The first characters of the key ("sk_live_AbCd"), so a manager can tell keys apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    # Hex SHA-256 of the whole key (bridge.apikeys.keys.digest): the key is found by it.
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[list] = mapped_column(sa.JSON)
    rate_limit: Mapped[int]
    rate_window: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class AppCustomer(Base):
    """An app's user (the id the app sends with its key) as a customer of the store."""

    __tablename__ = "api_key_customers"
    __table_args__ = (sa.UniqueConstraint("key_id", "app_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_id: Mapped[str] = mapped_column(sa.String(16), sa.ForeignKey("api_keys.id"))
    app_user: Mapped[str] = mapped_column(sa.String(64))
    customer_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utc_now)
