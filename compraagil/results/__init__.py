"""«Mis resultados»: why a company won or lost each Compra Ágil it quoted."""
