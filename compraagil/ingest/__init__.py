"""Readers of ChileCompra's sources, the bulk loader, and the synthetic data generator."""
