"""Visual search on a WooCommerce store (the loopback fake): product images fetched while
the catalogue syncs, bounded in time and size, and kept in step with the index, for both
rankers that store vectors (the image model's embedding and the features descriptor)."""
import threading
import time

import pytest
from werkzeug.serving import make_server

import visual_images as vi
from bridge.catalog import sync
from bridge.settings import Settings
from bridge.store.demo.images import ImageSpec, render_png
from bridge.visual.sync import sync_images
from conftest import SECRET, make_app
from fakes.woocommerce.auth import READ
from fakes.woocommerce.webhooks import WEBHOOK_SECRET
from test_visual_search import ids, search

PICTURES = {  # product id -> what its photo shows
    14: ImageSpec("tote", (200, 180, 140), 14),  # Canvas Tote Bag
    15: ImageSpec("belt", (90, 50, 20), 15),  # Leather Belt, out of stock
    16: ImageSpec("beanie", (30, 60, 140), 16),  # Wool Beanie
    20: ImageSpec("tee", (200, 30, 30), 20),  # Classic T-Shirt (its recorded image path)
    25: ImageSpec("hoodie", (40, 120, 60), 25),  # Zip Hoodie
}


pytestmark = pytest.mark.usefixtures("quick_retries")


@pytest.fixture(params=["embedding", "features"])
def woo_settings(request, tmp_path, fake):
    return Settings(data_dir=str(tmp_path), bridge_secret=SECRET, public_url="http://shop.test",
                    store="woocommerce", wc_url=fake.url, wc_consumer_key=READ[0],
                    wc_consumer_secret=READ[1], wc_background_sync=False,
                    visual_fetch_timeout=0.4, visual_rankers=(request.param,))


def give_pictures(fake) -> dict[int, bytes]:
    pictures = {}
    for pid, spec in PICTURES.items():
        pictures[pid] = render_png(spec)
        name = "2026/11/tshirt-red.png" if pid == 20 else f"2026/11/product-{pid}.png"
        url = fake.upload(name, pictures[pid])
        if pid != 20:  # the T-shirt's recorded image already points there
            fake.update_product(pid, images=[{"id": 900 + pid, "src": url, "name": "",
                                              "alt": ""}])
    return pictures


@pytest.fixture
def woo_app(woo_settings):
    app = make_app(woo_settings)
    yield app
    app.extensions["fahad"].engine.dispose()


def images(app, budget=None) -> dict[str, int]:
    """The image pass of the app's one vector ranker."""
    bridge = app.extensions["fahad"]
    (counts,) = sync_images(bridge.visual, bridge.store, bridge.settings, budget).values()
    return counts


def full(app):
    bridge = app.extensions["fahad"]
    sync.full_sync(bridge.store, bridge.index)
    return images(app)


def vectors(app):
    (ranker,) = app.extensions["fahad"].visual.rankers
    return ranker.vectors


def test_product_photos_are_described_at_sync_and_found_again(fake, woo_app):
    pictures = give_pictures(fake)
    counts = full(woo_app)
    # 19 (sunglasses) points at a file the shop doesn't serve: tried, unusable.
    assert counts == {"computed": 5, "failed": 1, "removed": 0, "left": 0}
    client = woo_app.test_client()
    for pid in (14, 16, 20, 25):
        assert ids(search(client, vi.recompressed(pictures[pid]), limit=3))[0] == pid
    # Out of stock: never returned, even for its own photo.
    assert 15 not in ids(search(client, pictures[15], limit=24))
    # Nothing changed: a second pass fetches nothing (the unusable one waits an hour).
    assert images(woo_app) == {"computed": 0, "failed": 0, "removed": 0, "left": 0}


def test_unpublished_products_lose_their_descriptors_and_changed_photos_are_redone(
        fake, woo_app):
    pictures = give_pictures(fake)
    full(woo_app)
    client = woo_app.test_client()
    fake.update_product(25, status="draft")
    mug = render_png(ImageSpec("mug", (240, 200, 30), 99))
    fake.update_product(14, images=[{"id": 950, "src": fake.upload("mug.png", mug),
                                     "name": "", "alt": ""}])
    counts = full(woo_app)
    assert counts["removed"] == 1 and counts["computed"] == 1
    assert 25 not in ids(search(client, pictures[25], limit=24))
    assert ids(search(client, vi.recompressed(mug), limit=3))[0] == 14


def test_fetching_is_bounded_in_time_and_size_and_failures_do_not_stop_the_sync(
        fake, woo_app):
    give_pictures(fake)
    slow = fake.upload("slow.png", render_png(ImageSpec("cap", (0, 0, 0), 1)))
    huge = fake.upload("huge.png", vi.png_with_text(render_png(ImageSpec("cap", (9, 9, 9), 2)),
                                                    b"x" * (6 * 1024 * 1024)))
    page = fake.upload("page.png", b"<html>not found</html>", "text/html")
    fake.update_product(31, images=[{"id": 961, "src": slow, "name": "", "alt": ""}])
    fake.update_product(30, images=[{"id": 962, "src": huge, "name": "", "alt": ""}])
    fake.update_product(19, images=[{"id": 963, "src": page, "name": "", "alt": ""}])
    fake.faults.hang(60, path="/wp-content/uploads/slow.png")
    counts = full(woo_app)
    assert fake.faults.waiting == 1  # the sync went on while the slow image still hung
    assert counts["computed"] == 5 and counts["failed"] == 3
    assert vectors(woo_app).count() == 5


def test_a_bounded_pass_resumes_where_it_stopped(fake, woo_app):
    give_pictures(fake)
    bridge = woo_app.extensions["fahad"]
    sync.full_sync(bridge.store, bridge.index)
    first = images(woo_app, budget=2)
    assert first["computed"] == 2 and first["left"] == 4
    second = images(woo_app, budget=10)
    assert second["computed"] == 3 and second["failed"] == 1 and second["left"] == 0


def test_the_background_worker_describes_photos_after_its_catalogue_pass(fake, woo_settings):
    pictures = give_pictures(fake)
    app = make_app(woo_settings.replace(wc_background_sync=True, wc_poll_interval=0.05,
                                        visual_sync_batch=2), start=True)
    bridge = app.extensions["fahad"]
    try:
        deadline = time.monotonic() + 15
        stored = vectors(app)
        while stored.count() < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stored.count() == 5
        assert ids(search(app.test_client(), pictures[16], limit=1)) == [16]
    finally:
        bridge.catalog_worker.stop()
        app.extensions["fahad"].engine.dispose()


def test_a_woocommerce_store_without_descriptors_yet_answers_empty_not_an_error(fake, woo_app):
    give_pictures(fake)
    bridge = woo_app.extensions["fahad"]
    sync.full_sync(bridge.store, bridge.index)  # the images not yet described
    body = search(woo_app.test_client(), render_png(PICTURES[16])).get_json()
    assert body == {"available": True, "found": 0, "products": []}


def test_webhook_changes_are_followed_by_the_workers_next_pass(fake, woo_settings):
    """A changed photo is described again, an unpublished product's vector dropped, on the
    catalogue worker's next pass after the webhook (no full sync)."""
    pictures = give_pictures(fake)
    app = make_app(woo_settings.replace(wc_background_sync=True,
                                        wc_webhook_secret=WEBHOOK_SECRET))
    bridge = app.extensions["fahad"]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/wp-json/fahad-ai/v1/webhooks/woocommerce"
    try:
        bridge.catalog_worker.run_once()  # the first full sync, then its images
        assert vectors(app).count() == 5
        mug = render_png(ImageSpec("mug", (240, 200, 30), 99))
        fake.update_product(14, images=[{"id": 950, "src": fake.upload("mug.png", mug),
                                         "name": "", "alt": ""}])
        fake.update_product(25, status="draft")
        for pid in (14, 25):
            assert fake.deliver(url, "product.updated", pid).status == 200
        bridge.catalog_worker.run_once()
        client = app.test_client()
        assert ids(search(client, vi.recompressed(mug), limit=3))[0] == 14
        assert vectors(app).count() == 4
        assert 25 not in ids(search(client, pictures[25], limit=24))
    finally:
        server.shutdown()
        bridge.engine.dispose()
