"""A short ranked list: name, count, and an optional figure beside it."""

import dataclasses

import reflex as rx


@dataclasses.dataclass
class RankedRow:
    name: str
    count: str
    extra: str = ""


def ranked_list(title: str, rows, count_label: str, test_id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="3"),
            rx.foreach(
                rows,
                lambda row: rx.hstack(
                    rx.text(row.name, size="2", trim="both", flex="1"),
                    rx.text(row.extra, size="1", color_scheme="gray"),
                    rx.badge(row.count, " ", count_label, variant="soft"),
                    width="100%",
                    align="center",
                ),
            ),
            spacing="2",
            width="100%",
            id=test_id,
        ),
        width="100%",
    )
