"""Live sync of a window with everyone else's edits: feed thread, refresh, banners."""
