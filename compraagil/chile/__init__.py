"""Chilean formats and reference data: RUT, CLP money, es-CL dates, regions."""
