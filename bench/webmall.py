"""WebMall: four WooCommerce shops' real product offers and shopping tasks with gold offer URLs.

Public data of the WebMall benchmark (Peeters et al., University of Mannheim, 2025):
- the offers: ``product_data/webmall_{1..4}.csv`` of github.com/wbsg-uni-mannheim/WebMall
  (WooCommerce product exports, one per shop);
- the tasks: ``browsergym/webmall/src/browsergym/webmall/task_sets.json`` of
  github.com/wbsg-uni-mannheim/BrowserGym (the WebMall fork), each with the URLs of its
  correct offers.
Put the five files in one folder and pass it as ``--data``. Not redistributed here.

Gold URLs name an offer by shop and WordPress slug; the slug is rebuilt from the offer's
name as WordPress makes it (``sanitize_title``). A few offers were renamed after their slug
was made; those gold answers can't be matched and are left out (the count is printed).
"""
from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from bridge.store.base import Category, Product

# The tasks that ask to find offers, by kind of query. Cart, checkout and end-to-end tasks
# find the same products as the kinds here and add browsing, so they are left out.
KINDS = {
    "Specific_Product": "exact", "Cheapest_Product": "exact",
    "Best_Fit_Specific": "specific", "Cheapest_Best_Fit_Specific": "specific",
    "Best_Fit_Vague": "vague", "Cheapest_Best_Fit_Vague": "vague",
    "Compatible_Products": "compatibility", "Substitute": "substitute",
}
SHOP_ID = 100_000  # product id = shop * SHOP_ID + the shop's own id
_URL = re.compile(r"\{\{URL_(\d)\}\}/product/([a-z0-9_-]+)/?")


@dataclass(frozen=True)
class Task:
    id: str
    kind: str
    query: str
    gold: frozenset[int]


def slug(name: str) -> str:
    """WordPress's sanitize_title of a product name (the parts these names need)."""
    text = re.sub(r"<[^>]*>", "", name)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c)).lower()
    text = re.sub(r"&.+?;", "", text).replace(".", "-").replace("/", "-")
    text = re.sub(r"[^a-z0-9 _-]", "", text)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", text)).strip("-")[:200].rstrip("-")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html)).strip()


def _price(raw: str) -> Decimal | None:
    # Shops write "139,99" or "139.99"; none writes a thousands separator.
    raw = raw.strip().replace(",", ".")
    return Decimal(raw) if raw else None


def products(data: Path) -> list[Product]:
    found = []
    for shop in range(1, 5):
        with open(data / f"webmall_{shop}.csv", encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if row["Published"] != "1":
                    continue
                pid = shop * SHOP_ID + int(row["ID"])
                names = [c.strip() for part in row["Categories"].split(",")
                         for c in part.split(">") if c.strip()]
                cats = tuple(Category(n, name, slug(name)) for n, name in
                             enumerate(dict.fromkeys(names), 1))
                regular, sale = _price(row["Regular price"]), _price(row["Sale price"])
                found.append(Product(
                    id=pid, name=_text(row["Name"]), slug=slug(row["Name"]), type="simple",
                    status="publish", sku=row["SKU"], permalink=f"shop{shop}/{slug(row['Name'])}",
                    description=_text(row["Description"]),
                    short_description=_text(row["Short description"]),
                    regular_price=regular, sale_price=sale,
                    stock_status="instock" if row["In stock?"] == "1" else "outofstock",
                    categories=cats, tags=tuple(t.strip() for t in row["Tags"].split(",")
                                                if t.strip())))
    return found


def tasks(data: Path, catalogue: list[Product]) -> tuple[list[Task], int, int]:
    """The retrieval tasks, with the number of gold answers matched and left out.

    A task that points at an offer by URL ("compatible with this case: <url>") names it
    instead, as an agent that read the page would.
    """
    by_slug = {(p.id // SHOP_ID, p.slug): p for p in catalogue}
    found, matched, missed = [], 0, 0
    for task_set in json.loads((data / "task_sets.json").read_text()):
        for task in task_set["tasks"]:
            kind = KINDS.get(task["category"])
            if kind is None:
                continue
            gold = set()
            for answer in task["correct_answer"]["answers"]:
                match = _URL.match(answer)
                product = match and by_slug.get((int(match[1]), match[2]))
                if product:
                    gold.add(product.id)
                    matched += 1
                else:
                    missed += 1
            text = re.sub(r"\\n|</?task>", " ", task["task"])

            def named(m: re.Match) -> str:
                product = by_slug.get((int(m[1]), m[2]))
                return product.name if product else ""
            query = re.sub(r"\s+", " ", _URL.sub(named, text)).strip()
            if gold:
                found.append(Task(task["id"], kind, query, frozenset(gold)))
    return found, matched, missed


def split(all_tasks: list[Task], seed: int = 16, held_out: float = 0.2
          ) -> tuple[list[Task], list[Task]]:
    """A fixed dev / held-out split, the same share of every kind held out."""
    dev, held = [], []
    for kind in dict.fromkeys(t.kind for t in all_tasks):
        group = sorted((t for t in all_tasks if t.kind == kind), key=lambda t: t.id)
        random.Random(f"{seed}:{kind}").shuffle(group)
        cut = max(1, round(len(group) * held_out))
        held += group[:cut]
        dev += group[cut:]
    return dev, held


# Some dev tasks as a shopper would write them in another supported language (written for
# this bench from the English task; gold offers unchanged), to measure a query in another
# language reaching an English catalogue. No held-out task is among them.
TRANSLATED = {
    "Webmall_Products_Fulfilling_Specific_Requirements_Task9":
        ("es", "Busca todas las ofertas de cables HDMI de más de 3 metros."),
    "Webmall_Products_Satisfying_Vague_Requirements_Task8":
        ("fr", "Je cherche des claviers compacts pour travailler avec un ordinateur portable "
               "à distance, depuis différents endroits."),
    "Webmall_Products_Satisfying_Vague_Requirements_Task4":
        ("de", "Ich suche DDR5-Arbeitsspeicher, der zu einem bunten LED-Gaming-Look passt."),
    "Webmall_Cheapest_Offer_Specific_Requirements_Task4":
        ("es", "Busco la oferta más barata de un SSD externo con 1TB de espacio."),
    "Webmall_Cheapest_Offer_Specific_Requirements_Task3":
        ("it", "Cerco l'offerta più economica per un dissipatore a liquido per CPU con "
               "radiatore da 420mm."),
    "Webmall_Products_Satisfying_Vague_Requirements_Task6":
        ("pt", "Procuro uma placa de vídeo com mais de 16GB de VRAM para treinar e executar "
               "grandes modelos de linguagem num computador local."),
    "Webmall_Products_Fulfilling_Specific_Requirements_Task2":
        ("fr", "Je cherche toutes les offres de montres connectées Apple."),
    "Webmall_Products_Fulfilling_Specific_Requirements_Task7":
        ("de", "Alle Angebote für Asrock-Mainboards mit 8 DDR5-RAM-Steckplätzen."),
    "Webmall_Find_Specific_Product_Task1": ("es", "Busco todas las ofertas del AMD Ryzen 9 5900X."),
    "Webmall_Products_Satisfying_Vague_Requirements_Task2":
        ("it", "Cerco smartphone Samsung Galaxy in colori vivaci."),
    "Webmall_Cheapest_Offer_Specific_Requirements_Task6":
        ("pt", "Quero a oferta mais barata de uma placa-mãe com iluminação RGB."),
    "Webmall_Cheapest_Offer_Vague_Requirements_Task5":
        ("fr", "Je cherche l'offre la moins chère pour un écran gaming adapté à l'e-sport "
               "compétitif."),
    "Webmall_Products_Fulfilling_Specific_Requirements_Task1":
        ("es", "Busco correas naranjas que sirvan para el Apple Watch Series 6."),
    "Webmall_Products_Satisfying_Vague_Requirements_Task3":
        ("ar", "ابحث عن اقراص SSD باعلى سرعة قراءة للبيانات"),
}


def translated(dev: list[Task]) -> list[Task]:
    """The dev tasks of TRANSLATED with their query in the other language."""
    return [Task(t.id, TRANSLATED[t.id][0], TRANSLATED[t.id][1], t.gold)
            for t in dev if t.id in TRANSLATED]
