"""The widget's refinement chips and "more" button (issue 22), in chromium on the bridge's
demo page: "more" shows the next page of the same search without repeating a product, and a
price chip narrows the search to its band."""
from __future__ import annotations

import re

from .test_widget_fixes import ask, open_chat


def card_ids(turn) -> list[str]:
    return turn.locator(".fahad-ai-card").evaluate_all(
        "cards => cards.map(c => c.closest('[data-product-id]').dataset.productId)")


def wait_for_answer(page, before: int) -> None:
    from playwright.sync_api import expect

    expect(page.locator(".fahad-ai-msg-assistant[data-state=done]")).to_have_count(
        before + 1, timeout=30_000)


def test_more_and_a_price_chip_continue_the_search(page, bridge):
    open_chat(page, bridge)
    ask(page, "hoodies")
    first = page.locator(".fahad-ai-turn").last
    shown = card_ids(first)
    assert len(shown) == 5
    chips = first.locator(".fahad-ai-refine .fahad-ai-chip")
    assert chips.count() >= 2 and first.locator(".fahad-ai-more").count() == 1
    done = page.locator(".fahad-ai-msg-assistant[data-state=done]")
    before = done.count()
    first.locator(".fahad-ai-more").click()
    wait_for_answer(page, before)
    more = card_ids(page.locator(".fahad-ai-turn").last)
    assert more and not set(more) & set(shown)
    # A price band chip: every card it brings is priced inside that band.
    chip = first.locator(".fahad-ai-chip[data-facet=price]").first
    low, high = float(chip.get_attribute("data-min")), chip.get_attribute("data-max")
    before = done.count()
    chip.click()
    wait_for_answer(page, before)
    prices = page.locator(".fahad-ai-turn").last.locator(".fahad-ai-card-price").all_inner_texts()
    assert prices
    for text in prices:  # the price the card leads with: the lowest, or the sale price
        amount = float(re.search(r"\$([\d,.]+)", text).group(1).replace(",", ""))
        assert amount >= low and (high is None or amount < float(high))
