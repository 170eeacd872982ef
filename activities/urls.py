from .ledger_urls import urlpatterns as ledger_urlpatterns

app_name = "activities"
urlpatterns: list = [] + ledger_urlpatterns
