"""CompraAgil core: the domain and data of Chilean public procurement, free of any front door."""
