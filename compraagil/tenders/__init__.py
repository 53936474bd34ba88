"""One tender in full: its details, requested items and the quotes it received."""
