"""One module per page: the page component and its state."""
