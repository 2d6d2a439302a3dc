"""French sentences of the offline assistant."""

T = {
    "greet": "Bonjour ! Je suis l'assistant d'achat de {store}. Je peux chercher des "
             "produits, vous en présenter un, les comparer et gérer votre panier. Que "
             "cherchez-vous ?",
    "thanks": "Avec plaisir ! Dites-moi quand vous voulez chercher autre chose.",
    "help": "Je peux chercher dans le catalogue avec un budget, donner les détails et les "
            "options d'un produit, comparer ceux que je vous ai montrés et gérer votre panier.",
    "declined": "Pas de souci. Dites-moi quand vous voulez chercher autre chose.",
    "found_one": "J'ai trouvé un résultat{within} :",
    "found_all": "J'ai trouvé {total} résultats{within} :",
    "found_top": "J'ai trouvé {total} résultats{within}. Voici les {showing} meilleurs :",
    "follow_up": "Je peux les comparer, vous en dire plus ou en ajouter un à votre panier.",
    "under": " à moins de {amount}", "over": " à plus de {amount}",
    "between": " entre {low} et {high}",
    "nothing_in_budget": "Je n'ai trouvé aucun résultat{within}. Le plus proche est "
                         "**{name}** à {price}, hors de ce budget.",
    "nothing_found": "Je n'ai trouvé aucun produit de ce genre. Cette boutique propose : "
                     "{categories}. Que voulez-vous voir ?",
    "not_sold": "Nous ne vendons pas de {what}.",
    "closest": "Ce que nous avons de plus proche :",
    "store_has": "Cette boutique propose : {categories}.",
    "spelled": "(J'ai cherché {pairs}.)", "spelled_pair": "« {right} » au lieu de « {wrong} »",
    "from": "à partir de {price}", "was": "(au lieu de {price})",
    "only_left": "il en reste seulement {n}", "out_of_stock": "épuisé",
    "partner": "vendu sur le site d'un partenaire", "in_stock": "en stock",
    "n_in_stock": "il en reste {n}",
    "options": "Options : {options}.",
    "combos": "{available} combinaisons sur {total} sont en stock.",
    "all_out": "Toutes les options sont épuisées pour le moment.",
    "availability": "Disponibilité : {state}.",
    "rated": "Noté {rating} sur 5 par {count} avis.",
    "which_product": "De quel produit parlez-vous ? Donnez-moi son nom ou cherchez d'abord "
                     "quelque chose.",
    "which_add": "Quel produit voulez-vous ajouter ? Cherchez d'abord quelque chose ou "
                 "donnez-moi son nom.",
    "which_compare": "Quels produits dois-je comparer ? Cherchez d'abord quelque chose, puis "
                     "demandez par exemple de comparer les deux premiers.",
    "compare_intro": "Voici la comparaison de {names} :", "and": "et",
    "compare_cheapest": "- {name} est le moins cher, à {price}.",
    "compare_best": "- {name} est le mieux noté ({rating} sur 5).",
    "compare_out": "- {name} est épuisé.",
    "pick_cheapest": "Le moins cher est **{name}**, à {price}.",
    "pick_dearest": "Le plus cher est **{name}**, à {price}.",
    "pick_best": "Le mieux noté est **{name}** : {rating} sur 5 pour {count} avis.",
    "pick_sale": "**{name}** est en promotion à {price}.",
    "no_sale": "Aucun de ces produits n'est en promotion pour le moment.",
    "is_on_sale": "Oui, **{name}** est en promotion à {price}.",
    "not_on_sale": "Non, **{name}** n'est pas en promotion : il coûte {price}.",
    "avail_yes": "Oui, **{label}** est en stock.",
    "avail_yes_n": "Oui, **{label}** est en stock : il en reste {n}.",
    "avail_no": "Désolé, **{label}** est épuisé pour le moment.",
    "avail_others": "En stock : {options}.",
    "choose_option": "**{name}** existe en {choice}. Lequel voulez-vous ? Vous pouvez aussi "
                     "choisir sur la fiche.",
    "added": "J'ai ajouté {count} × **{label}** à votre panier.",
    "add_failed": "Je n'ai pas pu ajouter {label} à votre panier : {error}",
    "cart_empty": "Votre panier est vide.",
    "cart_total": "Total : **{total}** pour {count} articles dans le panier.",
    "cart_failed": "Désolé, je n'ai pas pu ouvrir votre panier : {error}",
    "removed": "J'ai retiré **{name}** de votre panier.",
    "updated": "J'ai mis **{name}** à {count}.",
    "which_line": "De quel article parlez-vous ? Votre panier contient : {names}.",
    "how_many": "Combien de {name} voulez-vous ?",
    "change_failed": "Je n'ai pas pu modifier votre panier : {error}",
    "emptied": "Votre panier est maintenant vide.",
    "handoff": "Bien sûr. Pour parler à une personne, contactez l'équipe de la boutique : "
               "{contact}. Donnez la référence {ref} : elle les mène à cette conversation.",
    "handoff_no_contact": "Bien sûr. La boutique n'a pas donné ses coordonnées ici, mais une "
                          "personne de son équipe peut retrouver cette conversation avec la "
                          "référence {ref}.",
    "policy_intro": "Voici ce que dit la boutique :",
    "ship_yes": "Oui, nous livrons à destination de {country}.",
    "ship_no": "Non, nous ne livrons pas à destination de {country}.",
    "pay_yes": "Oui, vous pouvez payer avec {method}.",
    "pay_no": "Non, {method} n'est pas proposé.",
    "pay_unlisted": "Non, {method} ne fait pas partie des moyens de paiement de la boutique.",
    "policy_silent": "La boutique n'a rien publié ici sur {topic}, je ne peux donc pas vous "
                     "répondre moi-même. Une personne de son équipe le peut : demandez-moi "
                     "de parler à une personne.",
    "topic_returns": "les retours", "topic_shipping": "la livraison",
    "topic_delivery": "les délais de livraison", "topic_payment": "le paiement",
    "topic_contact": "la façon de la contacter",
    "contact_is": "Vous pouvez joindre l'équipe de la boutique : {contact}.",
    "budget_some": "seulement certaines options entrent dans ce budget, comme {options}",
    "budget_fits": "**{name}** dans ce budget : {options}.",
    "budget_none": "Non, aucune option en stock de **{name}** n'entre dans ce budget.",
    "variant_over": "Non, **{label}** coûte {price}, plus que ce budget.",
    "variant_within": "Oui, **{label}** coûte {price}, dans ce budget.",
    "variant_price": "Le prix de **{label}** est de {price}.",
}
