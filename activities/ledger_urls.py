"""URL patterns for compliance, ledgers (台账) and publicity; joined into activities.urls."""

urlpatterns: list = []
