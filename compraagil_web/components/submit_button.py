"""The one submit button every form uses: it stays disabled until the page is hydrated.

A prerendered page shows its forms before the app's script has connected. A click in that
moment would make the browser submit the form natively (a GET to the same address, the fields
— a password too — in the URL) and the answer would never come. Disabled until Reflex says the
page is hydrated (its on_load events done), the button can only submit through the app.
"""

import reflex as rx


def submit_button(*children, **props) -> rx.Component:
    return rx.button(*children, type="submit", disabled=~rx.State.is_hydrated, **props)
