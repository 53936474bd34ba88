"""Backups that can be trusted: a compressed dump, its checksum and a manifest of what it holds;
rotation; a restore that proves it brought back every row."""
