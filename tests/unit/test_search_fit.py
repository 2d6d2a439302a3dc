""""X that fits this Y": the kinds of spec that must agree (memory type, socket, connector),
read from what the query says of Y and from Y's own row when the catalogue has it."""
from bridge.catalog import fitting, rank
from bridge.catalog.index import CatalogIndex
from bridge.catalog.understand import understand

from test_catalog_index import TEES, ids, product


def test_connectors_are_told_apart_most_specific_first():
    assert fitting.features("pny t1000, 4gb ddr6, 4 minidp 1.4") == {
        "connector": frozenset({"minidp"})}  # a GPU's GDDR6 is no system memory
    assert fitting.features("spire mini displayport male to hdmi male converter")[
        "connector"] == {"minidp", "hdmi"}
    assert fitting.features("jedel displayport to hdmi cable")["connector"] == {
        "displayport", "hdmi"}
    assert fitting.features("asus z790, 1700, atx, 4 ddr5, hdmi, dp, usb-c")["memory"] == {"ddr5"}
    assert fitting.features("amd ryzen 7 5800x cpu, am4")["socket"] == {"am4"}
    assert fitting.features("intel core i5, lga 1700")["socket"] == {"lga1700"}


def test_a_part_fits_when_it_shares_a_value_and_misses_when_it_shares_none():
    board = fitting.features("asus rog strix b550-f, am4, 4 ddr4, hdmi, dp")
    assert fitting.judge(board, "corsair 32gb kit, ddr4, 3200mhz") == (1, 0)
    assert fitting.judge(board, "corsair 32gb kit, ddr5, 6000mhz") == (0, 1)
    assert fitting.judge(board, "amd ryzen 9 7950x, am5") == (0, 1)
    assert fitting.judge(board, "kingston 32gb kit") == (0, 0)  # states nothing: neither
    # connectors count only for what connects things: a keyboard's USB-C says nothing
    gpu = fitting.features("pny t1000, 4 minidp")
    assert fitting.judge(gpu, "gaming keyboard, hdmi logo, usb-c") == (0, 0)
    assert fitting.judge(gpu, "hama hdmi cable, 3 metres") == (0, 1)


CABLES = [
    product(1, "Hama High Speed HDMI Cable, 3 Metres", "9.00", TEES),
    product(2, "Hama HDMI Cable, Gold-Plated, 1.5 Metre", "7.00", TEES),
    product(3, "Jedel DisplayPort Male to HDMI Female Converter Cable", "8.00", TEES),
    product(4, "Spire Mini DisplayPort Male to HDMI Male Converter, 1 Metre", "6.00", TEES),
    product(5, "PNY T1000 Graphics Card, 4GB DDR6, 4 miniDP 1.4, Low Profile", "399.00", TEES),
]


def test_a_cable_for_an_owned_product_has_one_of_its_connectors(tmp_path):
    index = CatalogIndex(tmp_path / "cables.sqlite3")
    index.replace_all(CABLES, "USD")
    found = ids(index.search("Find an HDMI cable to connect my monitor to this GPU: PNY T1000 "
                             "Graphics Card, 4GB DDR6, 4 miniDP 1.4, Low Profile"))
    assert found[0] == 4  # the only HDMI one that plugs into Mini DisplayPort
    assert 5 not in found[:3]  # the GPU itself is what the shopper has


BOARDS = [
    product(1, "Corsair Vengeance 32GB Kit (2 x 16GB), DDR4, 3200MHz", "89.00", TEES),
    product(2, "Corsair Vengeance 32GB Kit (2 x 16GB), DDR5, 6000MHz, XMP 3.0", "119.00", TEES),
    product(3, "Asus ROG Strix Z790-E Gaming WiFi, Intel Z790, 1700, ATX, 4 DDR5, HDMI",
            "499.00", TEES),
    product(4, "Asrock Z790 Taichi, Intel Z790, 1700, EATX, 4 DDR5", "599.00", TEES),
]


def test_the_owned_product_is_looked_up_so_its_specs_steer_the_part(tmp_path):
    index = CatalogIndex(tmp_path / "boards.sqlite3")
    index.replace_all(BOARDS, "USD")
    # The query names the board only; its row says it takes DDR5.
    found = ids(index.search("RAM kit compatible with my Asus ROG Strix Z790-E Gaming WiFi"))
    assert found[0] == 2 and found.index(1) > found.index(2)
    assert found[-1] == 3 or 3 not in found[:2]  # the board itself is no answer
    assert index._owned("my Asus ROG Strix Z790-E")[0] == index._db().execute(
        "SELECT pos FROM products WHERE id = 3").fetchone()[0]
    assert index._owned("a board that isn't here at all") is None


def test_a_product_of_another_kind_gets_nothing_for_sharing_the_owned_specs():
    query = understand("32GB RAM kit for this motherboard: Asus ROG Strix Z790-E, 4 DDR5")
    board = rank.Candidate(1, 1, 1.0, "Asrock Z790 Taichi, Intel Z790, 4 DDR5", True, "", "", "")
    kit = rank.Candidate(2, 2, 0.2, "Corsair 32GB Kit (2 x 16GB), DDR5", True, "", "", "")
    found = rank.order([board, kit], query, ["32gb", "ram", "kit"], ["32gb", "ram", "kit"])
    assert [c.id for c in found] == [2, 1]


def test_the_highest_of_an_amount_comes_first(tmp_path):
    ssds = [product(1, "Crucial MX500 SSD", "49.00", TEES),
            product(2, "Kingston A400 SSD, SATA3, R/W 500/450 MB/s", "39.00", TEES),
            product(3, "Seagate FireCuda 530 M.2 NVMe SSD, PCIe 4.0, R/W 7300/6900 MB/s", "129.00",
                    TEES),
            product(4, "Team MP44 M.2 NVMe SSD, PCIe4, R/W 7400/6500 MB/s", "99.00", TEES)]
    index = CatalogIndex(tmp_path / "ssds.sqlite3")
    index.replace_all(ssds, "USD")
    assert ids(index.search("SSDs with the highest read speed"))[:2] == [4, 3]
    assert ids(index.search("the fastest SSD"))[0] == 4
    assert ids(index.search("the slowest SSD"))[0] == 2
    ram = [product(5, "Corsair 32GB Kit, DDR5, 5200MHz", "99.00", TEES),
           product(6, "Corsair Vengeance 32GB Kit, DDR5, 6400MHz", "129.00", TEES)]
    index.upsert(ram, "USD")
    assert ids(index.search("the fastest DDR5 RAM kit"))[0] == 6  # its speed is a clock


def test_phones_in_bright_colours_put_the_bright_ones_first(tmp_path):
    phones = [product(1, "Samsung Galaxy S24 Smartphone, Onyx Black", "799.00", TEES),
              product(2, "Samsung Galaxy S24 Smartphone, Marble Grey", "799.00", TEES),
              product(3, "Samsung Galaxy S24 Smartphone 5G, Amber Yellow", "799.00", TEES)]
    index = CatalogIndex(tmp_path / "phones.sqlite3")
    index.replace_all(phones, "USD")
    assert ids(index.search("Samsung Galaxy smartphones in bright colours"))[0] == 3
