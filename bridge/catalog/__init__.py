"""The local product index and the card shapes built from store records.

index: CatalogIndex (search, cards, replace_all, upsert, delete), SearchResult, fingerprint
search: the read side (Searching): understand, BM25 candidates, vectors, re-rank
understand: instruction phrasing, prices, colours, negations, relations, the kind of product
amounts: numbers with units and resolutions, and the comparisons a query asks for
languages: a query in another supported language read in the catalogue's English
rank: the re-ranking of candidates; lexical: BM25 on tantivy
semantic, vectors: the optional sentence encoder and the vectors stored with the index
cards: card, detail, catalogue_item, cart_payload, total_stock
dialects: the catalogue as schema.org JSON-LD and product-feed rows, for agents and apps
money: amount (the wire's "19.99"), display ("$19.99": SYMBOLS, the one table), minor_units
text: query_terms, SYNONYMS, STOPWORDS, distance
sync: full_sync, reconcile, apply_changes, record_change, sync_demo_index, all_products
worker: CatalogWorker, the background job keeping a WooCommerce store's index fresh
"""
