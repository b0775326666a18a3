enum _PlaceholderSwitchyardTesting {}
