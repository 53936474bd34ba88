"""Price intelligence: what a product sells for in Compra Ágil, and what price wins."""
