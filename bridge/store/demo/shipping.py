"""The demo shop's shipping zones and its own details, shaped as a WooCommerce shop sets them
up: zones tried in order (a local postcode zone before its country), free shipping from a
minimum order at home, flat rates abroad, and nothing for the rest of the world."""
from __future__ import annotations

from decimal import Decimal

from ..details import StoreDetails
from ..shipping import REST_OF_WORLD, ShippingMethod, ShippingZone, ZoneLocation

# WooCommerce's "Europe" continent holds these (among others the demo doesn't list).
EUROPE = ("AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GR",
          "HR", "HU", "IE", "IS", "IT", "LT", "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO",
          "SE", "SI", "SK")


def flat(title: str, cost: str) -> ShippingMethod:
    return ShippingMethod(kind="flat_rate", title=title, cost=Decimal(cost))


DEMO_ZONES = (
    ShippingZone(id=REST_OF_WORLD, name="Locations not covered by your other zones", order=0,
                 locations=(), methods=()),
    ShippingZone(id=4, name="Springfield", order=0,
                 locations=(ZoneLocation("country", "US"), ZoneLocation("postcode", "627*")),
                 methods=(ShippingMethod(kind="local_pickup", title="Pick up at the shop",
                                         cost=Decimal("0.00")),
                          flat("Standard shipping", "5.00"))),
    ShippingZone(id=1, name="United States", order=1, locations=(ZoneLocation("country", "US"),),
                 methods=(flat("Standard shipping", "5.00"),
                          ShippingMethod(kind="free_shipping", title="Free shipping",
                                         requires="min_amount", min_amount=Decimal("75.00")))),
    ShippingZone(id=2, name="Canada", order=2, locations=(ZoneLocation("country", "CA"),),
                 methods=(flat("International shipping", "12.00"),)),
    ShippingZone(id=3, name="Europe", order=3,
                 locations=(ZoneLocation("continent", "EU", EUROPE),),
                 methods=(flat("International shipping", "15.00"),)),
)

DEMO_DETAILS = StoreDetails(address=("200 Market Street", "Springfield 62701", "IL, US"),
                            email="hello@demo-outfitters.example",
                            ships_to=("US", "CA") + EUROPE)
