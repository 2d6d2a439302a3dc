"""English sentences of the offline assistant (the keys every language fills)."""

T = {
    "greet": "Hi! I'm the shopping assistant of {store}. I can find products (try "
             "\"warm hoodies\"), tell you about one, compare them, and manage your cart. "
             "What are you looking for?",
    "thanks": "You're welcome! Tell me whenever you'd like to look for something else.",
    "help": "I can search the catalogue with a budget (\"t-shirts on sale\"), "
            "show a product's details and options, compare products I've shown you "
            "(\"compare the first two\"), and add, change or remove items in your cart.",
    "declined": "No problem. Tell me whenever you'd like to look for something else.",
    "found_one": "I found one match{within}:",
    "found_all": "I found {total} matches{within}:",
    "found_top": "I found {total} matches{within}. Here are the top {showing}:",
    "follow_up": "Ask me to compare any of them, tell you more, or add one to your cart.",
    "under": " under {amount}", "over": " over {amount}",
    "between": " between {low} and {high}",
    "nothing_in_budget": "I couldn't find any{within}. The closest match is **{name}** at "
                         "{price}, outside that budget.",
    "nothing_found": "I couldn't find any products like that. This store has: {categories}. "
                     "What would you like to look at?",
    "not_sold": "We don't sell {what}.",
    "closest": "The closest things we have:",
    "store_has": "This store has: {categories}.",
    "spelled": "(I searched for {pairs}.)",
    "spelled_pair": "\"{right}\" instead of \"{wrong}\"",
    "from": "from {price}", "was": "(was {price})", "only_left": "only {n} left",
    "out_of_stock": "out of stock", "partner": "sold on a partner's site",
    "in_stock": "in stock", "n_in_stock": "{n} in stock",
    "options": "Options: {options}.",
    "combos": "{available} of {total} combinations are in stock.",
    "all_out": "Every option is out of stock right now.",
    "availability": "Availability: {state}.",
    "rated": "Rated {rating} of 5 by {count} reviews.",
    "which_product": "Which product do you mean? Tell me its name or search for something "
                     "first.",
    "which_add": "Which product would you like to add? Search for something first, or tell "
                 "me its name.",
    "which_compare": "Which products should I compare? Search for something first, then say "
                     "for example \"compare the first two\".",
    "compare_intro": "Here's how {names} compare:", "and": "and",
    "compare_cheapest": "- {name} is the cheapest at {price}.",
    "compare_best": "- {name} is the best rated ({rating} of 5).",
    "compare_out": "- {name} is out of stock.",
    "pick_cheapest": "The cheapest is **{name}** at {price}.",
    "pick_dearest": "The most expensive is **{name}** at {price}.",
    "pick_best": "The best rated is **{name}**: {rating} of 5 from {count} reviews.",
    "pick_sale": "**{name}** is on sale at {price}.",
    "no_sale": "None of those is on sale right now.",
    "is_on_sale": "Yes, **{name}** is on sale at {price}.",
    "not_on_sale": "No, **{name}** isn't on sale: it costs {price}.",
    "avail_yes": "Yes, **{label}** is in stock.",
    "avail_yes_n": "Yes, **{label}** is in stock: {n} left.",
    "avail_no": "Sorry, **{label}** is out of stock right now.",
    "avail_others": "In stock: {options}.",
    "choose_option": "**{name}** comes in {choice}. Which one would you like? You can also "
                     "choose on the card.",
    "added": "Added {count} × **{label}** to your cart.",
    "add_failed": "I couldn't add {label} to your cart: {error}",
    "cart_empty": "Your cart is empty.",
    "cart_total": "Total: **{total}** for {count} items.",
    "cart_failed": "Sorry, I couldn't open your cart: {error}",
    "removed": "Removed **{name}** from your cart.",
    "updated": "Updated **{name}** to {count}.",
    "which_line": "Which item do you mean? Your cart has: {names}.",
    "how_many": "How many {name} would you like?",
    "change_failed": "I couldn't change your cart: {error}",
    "emptied": "Your cart is now empty.",
    "handoff": "Of course: I've asked a person from the store's team to take over this conversation. Your reference is {ref}; they will answer you here.",
    "handoff_contact": "You can also reach them at {contact}.",
    "policy_intro": "Here is what the store says:",
    "ship_yes": "Yes, we ship to {country}.",
    "ship_no": "No, we don't ship to {country}.",
    "pay_yes": "Yes, you can pay with {method}.",
    "pay_no": "No, {method} isn't offered.",
    "pay_unlisted": "No, {method} isn't among the payment methods the store lists.",
    "policy_silent": "The store hasn't published anything about {topic} here, so I can't "
                     "tell you myself. A person from the store's team can: ask me to talk to "
                     "a person.",
    "topic_returns": "returns", "topic_shipping": "shipping", "topic_delivery": "delivery "
                     "times", "topic_payment": "payment", "topic_contact": "how to contact it",
    "contact_is": "You can reach the store's team at {contact}.",
    "budget_some": "only some options fit that budget, such as {options}",
    "budget_fits": "**{name}** within that budget: {options}.",
    "budget_none": "No, no option of **{name}** in stock fits that budget.",
    "variant_over": "No, **{label}** costs {price}, over that budget.",
    "variant_within": "Yes, **{label}** costs {price}, within that budget.",
    "variant_price": "**{label}** costs {price}.",
}
