"""POST /feedback: thumbs telemetry, no personal data."""
import pytest
import sqlalchemy as sa

from bridge.models import Feedback


def stored(app):
    with app.extensions["fahad"].sessions() as session:
        return list(session.scalars(sa.select(Feedback)))


def test_a_rating_is_stored_with_its_reason_and_refs(app, shopper):
    response = shopper.post("/feedback", {"rating": "down", "reason": "Wrong size shown",
                                          "conversation_ref": "cv_1", "message_ref": "msg_1"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["id"].startswith("fb_")
    [row] = stored(app)
    assert (row.id, row.rating, row.reason, row.conversation_ref, row.message_ref) == \
        (body["id"], "down", "Wrong size shown", "cv_1", "msg_1")


def test_nothing_personal_is_stored():
    columns = set(Feedback.__table__.columns.keys())
    assert columns == {"id", "rating", "reason", "conversation_ref", "message_ref", "created_at"}


def test_the_reason_is_capped_at_500_characters(app, shopper):
    assert shopper.post("/feedback", {"rating": "up", "reason": "x" * 5000}).status_code == 200
    assert len(stored(app)[0].reason) == 500


@pytest.mark.parametrize("body, code", [
    ({"rating": "meh"}, "invalid_rating"), ({"rating": 1}, "invalid_rating"), ({}, "invalid_rating"),
    ({"rating": "UP"}, "invalid_rating"),
    ({"rating": "up", "reason": 5}, "rest_invalid_param"),
    ({"rating": "up", "conversation_ref": "c" * 129}, "rest_invalid_param"),
    ({"rating": "up", "message_ref": ["x"]}, "rest_invalid_param"),
    ({"rating": "up", "reason": "bad\x00byte"}, "rest_invalid_param"),
])
def test_bad_feedback_is_refused_and_nothing_is_stored(app, shopper, body, code):
    response = shopper.post("/feedback", body)
    assert response.status_code == 400 and response.get_json()["code"] == code
    assert stored(app) == []
