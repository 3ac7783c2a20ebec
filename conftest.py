"""Suite-wide pytest plugins. ``pytest_plugins`` must live in the top-level conftest."""

pytest_plugins = ["iphub.browser_fixtures"]
