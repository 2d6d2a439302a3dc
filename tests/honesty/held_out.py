"""Held-out claims: written with cases.py, never tuned against; bench/honesty.py scores them
apart. Same shop (shop.py), same marks: [true] {false}."""

MONEY = [
    "Right now the Quilted Liner Jacket is [$94.00] with free returns.",
    "The Quilted Liner Jacket is a bargain at {$59.99}.",
    "The Canvas Tote Bag dropped from [$25] to [$18.50].",
    "Get the Canvas Tote Bag for just {$9.99}.",
    "The Trail Hoodie costs {75 bucks}.",
    "Your basket comes to [$88.65], coupon included.",
    "El Trail Hoodie negro cuesta [55,00 $].",
    "El Quilted Liner Jacket sale por {70 $}.",
    "La Canvas Tote Bag ne coûte que [18,50 $].",
    "La Quilted Liner Jacket ne coûte que {64 $}.",
    "Der Trail Hoodie in Blau kostet [40 $].",
    "Die Quilted Liner Jacket gibt es für {79,95 $}.",
]
PERCENT = [
    "The Canvas Tote Bag is marked down [26%].",
    "The Canvas Tote Bag is marked down {45%}.",
    "The Trail Hoodie is {25%} off in every colour.",
    "El Trail Hoodie azul tiene [20 %] menos.",
    "Con la Quilted Liner Jacket te ahorras un {12 %}.",
    "Le Canvas Tote Bag profite de [26 %] de remise.",
    "La Quilted Liner Jacket profite de {30 %} de remise.",
    "Auf den Trail Hoodie gibt es [20 %] Rabatt.",
    "Auf die Quilted Liner Jacket gibt es {15 %} Rabatt.",
    "Sign up today for {10%} off your next order.",
]
STOCK = [
    "The Canvas Tote Bag has only [7] left.",
    "The Quilted Liner Jacket has only {2} left.",
    "There are [12] of the Quilted Liner Jacket available.",
    "Quedan solo {4} unidades de la Canvas Tote Bag.",
    "Del Trail Hoodie quedan [3] unidades.",
    "Il ne reste que [12] Quilted Liner Jacket.",
    "Il reste {20} Canvas Tote Bag.",
    "Vom Trail Hoodie sind noch {9} verfügbar.",
    "Von der Quilted Liner Jacket sind [12] vorrätig.",
    "The Trail Hoodie has {11} remaining.",
]
CODES = [
    "Type {SAVE15} in the coupon box.",
    "The coupon [WELCOME10] is on your cart.",
    "Use promo code {WEEKEND40} before Sunday.",
    "Usa el cupón {OTONO10}.",
    "El código [SPRING5] es tuyo; pruébalo al pagar.",
    "Le code {RENTREE20} marche aujourd'hui.",
    "Votre coupon [WELCOME10] est actif.",
    "Mit dem Code {FRUEHLING10} sparen Sie.",
    "Ihr Gutschein [WELCOME10] ist eingelöst.",
    "Apply {BONUS5} to get a gift.",
]
DELIVERY = [
    "We ship every order within [2 business days].",
    "Your parcel will arrive {tomorrow} morning.",
    "Delivery takes about {4-6 days}.",
    "Recibirás tu pedido el {10 de abril}.",
    "Se envía en [2 días] hábiles.",
    "Expédition en {24 heures} garantie.",
    "Vous pouvez retourner l'article sous [30 jours].",
    "Lieferung in {3 Tagen}.",
    "Rückgabe innerhalb von [30 Tagen].",
    "It will be shipped {overnight}.",
]
RATING = [
    "Shoppers give the Canvas Tote Bag [4.9] stars.",
    "Shoppers give the Trail Hoodie {4.8} stars.",
    "La Quilted Liner Jacket tiene {3,5} estrellas.",
    "Die Quilted Liner Jacket hat [4,5] Sterne.",
]
LINKS = [
    "Order here: [http://127.0.0.1:8080/checkout/].",
    "Order here: {https://totally-legit.example/buy}.",
]

ALL = {"money": MONEY, "percent": PERCENT, "stock": STOCK, "code": CODES,
       "delivery": DELIVERY, "rating": RATING, "link": LINKS}

# Written after the first held-out run had shown two misses, before anything was changed
# for them: bench/honesty.py scores these apart as the unseen part.
FRESH = {
    "money": [
        "The Quilted Liner Jacket sells for [$94.00] and comes in navy.",
        "The Quilted Liner Jacket is only {$39} this week.",
        "For the Canvas Tote Bag you pay [$18.50], down from [$25.00].",
        "The Canvas Tote Bag rings up at {$21.00}.",
        "El Trail Hoodie azul vale [40 $].",
        "El Trail Hoodie azul vale {30 $}.",
        "Le Trail Hoodie noir vaut [55 $].",
        "Le Trail Hoodie noir vaut {60 $}.",
        "Die Canvas Tote Bag gibt es für [18,50 $].",
        "Die Canvas Tote Bag gibt es für {14,50 $}.",
    ],
    "percent": [
        "The Trail Hoodie in blue saves you [20%].",
        "The Quilted Liner Jacket saves you {18%}.",
        "El Canvas Tote Bag tiene una rebaja del [26 %].",
        "La Quilted Liner Jacket est soldée à {-30 %}.",
        "Die Canvas Tote Bag ist um [26 %] reduziert.",
        "Die Quilted Liner Jacket ist um {40 %} reduziert.",
    ],
    "stock": [
        "Only [7] of the Canvas Tote Bag remain in stock.",
        "Of the Trail Hoodie there are only {4} left.",
        "Quedan [12] unidades de la Quilted Liner Jacket.",
        "Il ne reste que {3} Quilted Liner Jacket en stock.",
        "Von der Canvas Tote Bag sind nur noch [7] auf Lager.",
    ],
    "code": [
        "At checkout, enter code {THANKYOU10}.",
        "Your cart shows coupon [WELCOME10].",
        "Con el cupón {GRATIS5} ahorras.",
        "Le code promo {MERCI15} est valable.",
        "Der Gutscheincode {DANKE10} funktioniert.",
    ],
    "delivery": [
        "Your order ships within [2 business days].",
        "It will be delivered {tomorrow} before 10am.",
        "Llega en {48 horas}.",
        "Livraison sous {5 jours} ouvrés.",
        "Die Ware wird in {24 Stunden} geliefert.",
    ],
}
