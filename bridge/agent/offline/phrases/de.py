"""German sentences of the offline assistant."""

T = {
    "greet": "Hallo! Ich bin der Einkaufsassistent von {store}. Ich kann Produkte suchen, "
             "dir eines genauer zeigen, sie vergleichen und deinen Warenkorb verwalten. Was "
             "suchst du?",
    "thanks": "Gern geschehen! Sag mir Bescheid, wenn du noch etwas suchst.",
    "help": "Ich kann den Katalog mit einem Budget durchsuchen, Details und Optionen eines "
            "Produkts zeigen, gezeigte Produkte vergleichen und deinen Warenkorb verwalten.",
    "declined": "Kein Problem. Sag mir Bescheid, wenn du noch etwas suchst.",
    "found_one": "Ich habe einen Treffer gefunden{within}:",
    "found_all": "Ich habe {total} Treffer gefunden{within}:",
    "found_top": "Ich habe {total} Treffer gefunden{within}. Hier sind die besten {showing}:",
    "follow_up": "Ich kann sie vergleichen, dir mehr dazu sagen oder eines in deinen "
                 "Warenkorb legen.",
    "under": " unter {amount}", "over": " über {amount}",
    "between": " zwischen {low} und {high}",
    "nothing_in_budget": "Ich habe leider keine gefunden{within}. Am nächsten kommt "
                         "**{name}** für {price}, außerhalb des Budgets.",
    "nothing_found": "Ich habe leider keine solchen Produkte gefunden. Dieser Shop hat: "
                     "{categories}. Was möchtest du dir ansehen?",
    "not_sold": "Wir verkaufen leider keine {what}.",
    "closest": "Am nächsten kommt das hier:",
    "store_has": "Dieser Shop hat: {categories}.",
    "spelled": "(Ich habe nach {pairs} gesucht.)",
    "spelled_pair": "„{right}“ statt „{wrong}“",
    "from": "ab {price}", "was": "(statt {price})", "only_left": "nur noch {n} da",
    "out_of_stock": "ausverkauft", "partner": "bei einem Partner erhältlich",
    "in_stock": "auf Lager", "n_in_stock": "noch {n} auf Lager",
    "options": "Optionen: {options}.",
    "combos": "{available} von {total} Kombinationen sind auf Lager.",
    "all_out": "Alle Optionen sind gerade ausverkauft.",
    "availability": "Verfügbarkeit: {state}.",
    "rated": "Bewertet mit {rating} von 5 in {count} Bewertungen.",
    "which_product": "Welches Produkt meinst du? Nenn mir den Namen oder such zuerst etwas.",
    "which_add": "Welches Produkt soll ich in den Warenkorb legen? Such zuerst etwas oder "
                 "nenn mir den Namen.",
    "which_compare": "Welche Produkte soll ich vergleichen? Such zuerst etwas und sag dann "
                     "zum Beispiel, dass ich die ersten zwei vergleichen soll.",
    "compare_intro": "Hier ist der Vergleich von {names}:",
    "compare_cheapest": "- {name} ist am günstigsten, für {price}.",
    "compare_best": "- {name} ist am besten bewertet ({rating} von 5).",
    "compare_out": "- {name} ist ausverkauft.",
    "pick_cheapest": "Am günstigsten ist **{name}**, für {price}.",
    "pick_dearest": "Am teuersten ist **{name}**, für {price}.",
    "pick_best": "Am besten bewertet ist **{name}**: {rating} von 5 in {count} Bewertungen.",
    "pick_sale": "**{name}** ist im Angebot für {price}.",
    "no_sale": "Keines davon ist gerade im Angebot.",
    "is_on_sale": "Ja, **{name}** ist im Angebot für {price}.",
    "not_on_sale": "Nein, **{name}** ist nicht im Angebot: es kostet {price}.",
    "avail_yes": "Ja, **{label}** ist auf Lager.",
    "avail_yes_n": "Ja, **{label}** ist auf Lager: noch {n} da.",
    "avail_no": "Leider ist **{label}** gerade ausverkauft.",
    "avail_others": "Auf Lager: {options}.",
    "choose_option": "**{name}** gibt es in {choice}. Welche Variante möchtest du? Du kannst "
                     "auch auf der Karte wählen.",
    "added": "Ich habe {count} × **{label}** in deinen Warenkorb gelegt.",
    "add_failed": "Ich konnte {label} nicht in deinen Warenkorb legen: {error}",
    "cart_empty": "Dein Warenkorb ist leer.",
    "cart_total": "Summe: **{total}** für {count} Artikel.",
    "cart_failed": "Leider konnte ich deinen Warenkorb nicht öffnen: {error}",
    "removed": "Ich habe **{name}** aus deinem Warenkorb entfernt.",
    "updated": "Ich habe **{name}** auf {count} geändert.",
    "which_line": "Welchen Artikel meinst du? In deinem Warenkorb sind: {names}.",
    "how_many": "Wie viele {name} möchtest du?",
    "change_failed": "Ich konnte deinen Warenkorb nicht ändern: {error}",
    "emptied": "Dein Warenkorb ist jetzt leer.",
    "handoff": "Natürlich. Um mit einer Person zu sprechen, kontaktiere das Team des Shops: "
               "{contact}. Nenne die Referenz {ref}: damit finden sie diese Unterhaltung.",
    "handoff_no_contact": "Natürlich. Der Shop hat hier keine Kontaktdaten angegeben, aber "
                          "eine Person aus seinem Team findet diese Unterhaltung mit der "
                          "Referenz {ref}.",
    "policy_intro": "Das sagt der Shop dazu:",
    "ship_yes": "Ja, wir liefern nach {country}.",
    "ship_no": "Nein, wir liefern leider nicht nach {country}.",
    "pay_yes": "Ja, du kannst mit {method} bezahlen.",
    "pay_no": "Nein, {method} wird leider nicht angeboten.",
    "pay_unlisted": "Nein, {method} ist nicht unter den Zahlungsarten des Shops.",
    "policy_silent": "Der Shop hat hier nichts zu {topic} veröffentlicht, deshalb kann ich "
                     "es dir nicht sagen. Eine Person aus dem Team des Shops kann es: bitte "
                     "mich, dich mit einer Person zu verbinden.",
    "topic_returns": "Rückgaben", "topic_shipping": "Versand",
    "topic_delivery": "Lieferzeiten", "topic_payment": "Zahlungsarten",
    "topic_contact": "Kontaktmöglichkeiten",
    "contact_is": "Das Team des Shops erreichst du hier: {contact}.",
    "budget_some": "nur einige Optionen passen in das Budget, zum Beispiel {options}",
    "budget_fits": "**{name}** im Budget: {options}.",
    "budget_none": "Nein, keine verfügbare Option von **{name}** passt in das Budget.",
    "variant_over": "Nein, **{label}** kostet {price}, mehr als das Budget.",
    "variant_within": "Ja, **{label}** kostet {price}, im Budget.",
    "variant_price": "Der Preis von **{label}** ist {price}.",
}
