"""The proposal text format read into blocks: what people type in the editor and writers produce."""

from compraagil.proposals.body import parse, title_of

TEXT = """# Cotización 1-1-COT26
Señores
Municipalidad

## Oferta **económica**
| N° | Producto |
|---|:---:|
| 1 | Resma |
- Plazo: 5 días
* Validez: 30 días

# Otro título
fin"""


def test_blocks_in_order_with_tables_bullets_and_paragraphs():
    blocks = parse(TEXT)
    assert [(b.kind, b.text) for b in blocks] == [
        ("title", "Cotización 1-1-COT26"),
        ("paragraph", "Señores Municipalidad"),
        ("heading", "Oferta económica"),
        ("table", ""),
        ("bullets", ""),
        ("heading", "Otro título"),
        ("paragraph", "fin"),
    ]
    assert blocks[3].rows == [["N°", "Producto"], ["1", "Resma"]]
    assert blocks[4].items == ["Plazo: 5 días", "Validez: 30 días"]


def test_the_title_or_a_default():
    assert title_of(TEXT, "x") == "Cotización 1-1-COT26"
    assert title_of("sin título", "Propuesta") == "Propuesta"
    assert parse("") == []
