"""Win probability: a model of whether a quote wins, from what is known before the closing date."""
