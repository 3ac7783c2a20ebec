from iphub.portal.tests.e2e.conftest import browser, page, screenshot_dir

__all__ = ["browser", "page", "screenshot_dir"]
