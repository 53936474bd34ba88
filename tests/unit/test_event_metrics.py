"""Page events are labelled by their state and handler only (a bounded set of names)."""

from compraagil_web.event_metrics import short_name


def test_event_names_are_state_and_handler():
    full = "reflex___state____state.compraagil_web___pages___search____search_state.load"
    assert short_name(full) == "search_state.load"
    assert short_name("reflex___state____state.hydrate") == "state.hydrate"
    assert short_name("load") == "load"
