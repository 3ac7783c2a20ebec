"""Suite-wide pytest plugins. ``pytest_plugins`` must live in the top-level conftest."""

from hypothesis import settings

pytest_plugins = ["iphub.browser_fixtures"]

# Hypothesis's default 200 ms per-example deadline is a timing assertion; on a
# shared two-core machine it fails correct code. Tests check behaviour only.
settings.register_profile("iphub", deadline=None)
settings.load_profile("iphub")

# model_bakery knows Django's own fields only; encrypted personal-data fields hold text.
from model_bakery import baker  # noqa: E402

baker.generators.add("iphub.core.fieldcrypt.EncryptedTextField", lambda: "")
