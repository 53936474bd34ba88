"""Plans and quotas: the plan table and the one policy every door (web, bot, API, jobs) applies."""
