"""The local product index and the card shapes built from store records.

index: CatalogIndex (search, cards, replace_all, upsert, delete), SearchResult, fingerprint
cards: card, detail, cart_payload, money
text: query_terms, SYNONYMS, STOPWORDS, distance
sync: full_sync, reconcile, apply_changes, record_change, sync_demo_index, all_products
worker: CatalogWorker, the background job keeping a WooCommerce store's index fresh
"""
