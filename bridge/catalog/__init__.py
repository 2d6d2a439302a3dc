"""The local product index and the card shapes built from store records.

index: CatalogIndex (search, cards, replace_all, upsert, delete), SearchResult, fingerprint
cards: card, detail, cart_payload, money
text: query_terms, SYNONYMS, STOPWORDS, distance
"""
