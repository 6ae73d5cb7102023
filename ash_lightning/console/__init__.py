"""What the framework prints while a user waits: one progress style for every long step."""
